"""Every distribution the code needs is declared in pyproject, pinned, and locked.

An install that does not upgrade pip first resolved ``lxml`` without its
``html_clean`` extra, and extraction failed to import: what the code imports, and
what lxml.html.clean needs at run time, must be declared, not inherited by luck.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Imported by dependencies at run time rather than by our code.
RUNTIME_ONLY = {"lxml-html-clean"}
# Optional encoders (embed.model): imported only when chosen, declared as these extras.
ENCODER_EXTRAS = ("multilingual", "e5")
# Installed by one make target only (``make test-llm``), never imported by our code.
TEST_EXTRAS = ("llm-test",)


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(group: list[str]) -> dict[str, str]:
    pins: dict[str, str] = {}
    for requirement in group:
        name, _, version = requirement.partition("==")
        pins[normalise(re.sub(r"\[.*\]", "", name))] = version
    return pins


def project() -> dict[str, dict[str, str]]:
    document = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    return {
        "main": declared(document["dependencies"]),
        "dev": declared(document["optional-dependencies"]["dev"]),
        **{
            extra: declared(document["optional-dependencies"][extra])
            for extra in (*ENCODER_EXTRAS, *TEST_EXTRAS)
        },
    }


def imported_top_levels() -> set[str]:
    names: set[str] = set()
    for path in sorted((ROOT / "src" / "newspulse").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"newspulse", "__future__"}


def test_every_imported_distribution_is_declared() -> None:
    providers = packages_distributions()
    groups = project()
    main = groups["main"]
    allowed = set(main).union(*(groups[extra] for extra in ENCODER_EXTRAS))
    missing = sorted(
        f"{module} ({', '.join(providers.get(module, ['?']))})"
        for module in imported_top_levels()
        if not any(normalise(d) in allowed for d in providers.get(module, [module]))
    )
    assert not missing, f"imported but not declared in pyproject dependencies: {missing}"
    assert set(main) >= RUNTIME_ONLY


def test_declared_pins_match_the_lock() -> None:
    lock: dict[str, str] = {}
    for line in (ROOT / "requirements.lock").read_text("utf-8").splitlines():
        if "==" in line and not line.startswith("#"):
            name, _, version = line.partition("==")
            # A local build ("2.13.0+cpu") satisfies the public version it was built from.
            lock[normalise(re.sub(r"\[.*\]", "", name))] = (
                version.split(";")[0].split("+")[0].strip()
            )
    for group in project().values():
        for name, version in group.items():
            assert version, f"{name} is not pinned with =="
            assert lock.get(name) == version, f"{name}=={version} differs from the lock"
