"""docs/deploy.md stays in sync with the CLI: every `newspulse` command its systemd units
and compose file run, every flag they pass, and every NEWSPULSE_* setting they set exist."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer.main
import yaml
from pydantic import BaseModel

from newspulse import settings as settings_module
from newspulse.cli import app
from newspulse.settings import Settings

DEPLOY = Path(__file__).resolve().parent.parent.parent / "docs" / "deploy.md"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def blocks(language: str) -> list[str]:
    return [body for info, body in FENCE.findall(DEPLOY.read_text("utf-8")) if info == language]


def units() -> list[dict[str, list[str]]]:
    """Each ```systemd block as key -> values (systemd keys may repeat)."""
    parsed = []
    for body in blocks("systemd"):
        keys: dict[str, list[str]] = {}
        for line in body.splitlines():
            if "=" in line and not line.startswith(("#", "[")):
                key, _, value = line.partition("=")
                keys.setdefault(key.strip(), []).append(value.strip())
        parsed.append(keys)
    return parsed


def compose() -> dict[str, Any]:
    (body,) = blocks("yaml")[:1]
    document = yaml.safe_load(body)
    assert isinstance(document, dict)
    return document


def newspulse_argv(command: list[str]) -> list[str] | None:
    """The arguments after the `newspulse` executable, or None for another program."""
    if command and Path(command[0]).name == "newspulse":
        return command[1:]
    return None


def check_command(arguments: list[str], *, files_exist: bool = True) -> None:
    """Resolve the subcommand path, then let the command parse the rest as it would when
    run (unknown options, bad values and missing arguments raise), without running it.

    ``files_exist=False`` lets a file argument of a shell example (``feeds.opml``) be absent.
    """
    # Typer carries its own copy of click: its classes are told apart by what they have.
    command: Any = typer.main.get_command(app)
    words = list(arguments)
    while hasattr(command, "commands"):
        assert words, f"`newspulse {' '.join(arguments)}` names no subcommand"
        name = words.pop(0)
        found = command.commands.get(name)
        assert found is not None, f"no command `{name}` in `newspulse {' '.join(arguments)}`"
        command = found
    try:
        command.make_context(command.name, words)
    except typer.BadParameter as exc:
        if files_exist or "does not exist" not in str(exc):
            raise


def setting_exists(variable: str) -> bool:
    """NEWSPULSE_RUN__METRICS_PORT -> run.metrics_port is a field of Settings (or the
    variable is NEWSPULSE_CONFIG, which names the settings file)."""
    if variable == "NEWSPULSE_CONFIG":
        return variable in Path(settings_module.__file__).read_text("utf-8")
    path = variable.removeprefix("NEWSPULSE_").lower().split("__")
    model: type[BaseModel] = Settings
    for position, part in enumerate(path):
        field = model.model_fields.get(part)
        if field is None:
            return False
        annotation = field.annotation
        if position < len(path) - 1:
            if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
                return False
            model = annotation
    return True


def test_the_units_run_real_commands() -> None:
    parsed = units()
    assert len(parsed) == 3
    commands = []
    for unit in parsed:
        for key in ("ExecStartPre", "ExecStart"):
            for line in unit.get(key, []):
                arguments = newspulse_argv(shlex.split(line))
                assert arguments is not None, line
                check_command(arguments)
                commands.append(arguments[0])
        for line in unit.get("Environment", []):
            name = line.partition("=")[0]
            assert setting_exists(name), f"{name} is no setting"
    assert sorted(commands) == ["doctor", "run", "serve", "worker"]


def test_the_compose_services_run_real_commands() -> None:
    services = compose()["services"]
    assert {"postgres", "init", "run", "worker", "web"} <= set(services)
    run = []
    for name, service in services.items():
        command = service.get("command")
        if command is None:
            continue
        argv = command if isinstance(command, list) else shlex.split(command)
        arguments = newspulse_argv(argv)
        assert arguments is not None, f"service {name} runs {argv}"
        check_command(arguments)
        run.append(arguments[0])
        for variable in service.get("environment", {}):
            assert setting_exists(variable), f"{name}: {variable} is no setting"
    assert sorted(run) == ["init", "run", "serve", "worker"]


def test_the_shell_examples_and_env_file_name_real_commands_and_settings() -> None:
    for body in blocks("sh"):
        for line in body.splitlines():
            line = line.split("#")[0].strip()
            words = shlex.split(line)
            for start, word in enumerate(words):
                after_user = start > 0 and words[start - 1] == "-u"  # sudo -u newspulse
                if Path(word).name == "newspulse" and start + 1 < len(words) and not after_user:
                    if words[start + 1].startswith("$"):
                        continue
                    check_command(words[start + 1 :], files_exist=False)
                    break
            for variable in re.findall(r"\b(NEWSPULSE_[A-Z_]+)=", line):
                assert setting_exists(variable), f"{variable} is no setting"
    for variable in re.findall(r"`(NEWSPULSE_[A-Z_]+)`", DEPLOY.read_text("utf-8")):
        assert setting_exists(variable), variable
    for name in re.findall(r"`((?:run|log|serve|llm)\.[a-z_]+)", DEPLOY.read_text("utf-8")):
        assert setting_exists("NEWSPULSE_" + name.upper().replace(".", "__")), name


def test_a_wrong_flag_or_command_would_be_caught() -> None:
    with pytest.raises(typer.BadParameter.__mro__[1], match="--workers"):  # UsageError
        check_command(["run", "--workers", "4"])
    with pytest.raises(AssertionError, match="scheduler"):
        check_command(["scheduler"])
    with pytest.raises(typer.BadParameter.__mro__[1], match="procrastinate"):
        check_command(["run", "--engine", "celery"])
    with pytest.raises(typer.BadParameter):
        check_command(["run", "--interval", "soon"])
    assert not setting_exists("NEWSPULSE_RUN__WORKERS")
