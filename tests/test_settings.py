from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from newspulse.errors import ConfigError
from newspulse.settings import Settings, load_settings

DOCS = Path(__file__).resolve().parent.parent / "docs" / "settings.md"


def test_defaults_without_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSPULSE_DB", raising=False)
    monkeypatch.delenv("NEWSPULSE_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)  # no newspulse.toml here: defaults apply
    settings = load_settings()
    assert settings.db == "sqlite:///newspulse.db"
    assert settings.cluster.threshold == Settings().cluster.threshold


def test_precedence_file_then_env_then_flags(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "newspulse.toml"
    config.write_text(
        'db = "sqlite:///from-file.db"\n[cluster]\nthreshold = 0.5\nwindow_days = 3\n', "utf-8"
    )
    settings = load_settings(config)
    assert (settings.db, settings.cluster.threshold) == ("sqlite:///from-file.db", 0.5)

    monkeypatch.setenv("NEWSPULSE_CLUSTER__THRESHOLD", "0.7")
    monkeypatch.setenv("NEWSPULSE_DB", "sqlite:///from-env.db")
    settings = load_settings(config)
    assert settings.cluster.threshold == 0.7
    assert settings.cluster.window_days == 3  # untouched file value survives the env merge
    assert settings.db == "sqlite:///from-env.db"

    settings = load_settings(config, db="sqlite:///from-flag.db")
    assert settings.db == "sqlite:///from-flag.db"


def test_invalid_values_raise_config_error(tmp_path: Path) -> None:
    config = tmp_path / "newspulse.toml"
    config.write_text("[cluster]\nthreshold = 'high'\n", "utf-8")
    with pytest.raises(ConfigError, match="invalid settings"):
        load_settings(config)
    config.write_text("[nonsense\n", "utf-8")
    with pytest.raises(ConfigError, match="cannot read TOML"):
        load_settings(config)


def test_unknown_keys_are_rejected(tmp_path: Path) -> None:
    config = tmp_path / "newspulse.toml"
    config.write_text("colour = 'blue'\n", "utf-8")
    with pytest.raises(ConfigError):
        load_settings(config)


def setting_names(model: type[BaseModel], prefix: str = "") -> list[str]:
    names = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names += setting_names(annotation, f"{prefix}{name}.")
        else:
            names.append(f"{prefix}{name}")
    return names


def test_every_setting_is_documented() -> None:
    documented = set(re.findall(r"`([a-z_.]+)`", DOCS.read_text("utf-8")))
    missing = [name for name in setting_names(Settings) if name not in documented]
    assert not missing, f"docs/settings.md lacks {missing}"


@pytest.mark.parametrize(
    "toml",
    [
        "[rank]\nhalf_life_days = 0\n",
        "[embed]\nbatch_size = 0\n",
        "[cluster]\nthreshold = 1.5\n",
        "[write]\nmin_themes = 8\nmax_themes = 3\n",
    ],
)
def test_out_of_range_values_are_config_errors(tmp_path: Path, toml: str) -> None:
    config = tmp_path / "newspulse.toml"
    config.write_text(toml, "utf-8")
    with pytest.raises(ConfigError, match="invalid settings"):
        load_settings(config)


def test_a_named_config_file_must_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "missing.toml")
    monkeypatch.setenv("NEWSPULSE_CONFIG", str(tmp_path / "also-missing.toml"))
    with pytest.raises(ConfigError, match="not found"):
        load_settings()
