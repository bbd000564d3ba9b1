"""The layering of pyproject's [tool.importlinter] holds (what `make lint` checks)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def lint_imports(config: Path, src: Path = ROOT / "src") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    command = [sys.executable, "-c", "from importlinter.cli import lint_imports_command as c; c()"]
    return subprocess.run(
        [*command, "--config", str(config), "--no-cache"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_import_contracts_are_kept() -> None:
    result = lint_imports(ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_lint_target_checks_them() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    lint = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "lint-imports" in lint


def test_a_stage_importing_the_store_breaks_them(tmp_path: Path) -> None:
    """The contracts can fail: a copy of the tree where the route stage imports the store."""
    src = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "newspulse", src / "newspulse")
    route = src / "newspulse" / "route.py"
    route.write_text(
        route.read_text(encoding="utf-8") + "\nfrom newspulse.store.sql import SqlStore\n",
        encoding="utf-8",
    )
    result = lint_imports(ROOT / "pyproject.toml", src)
    assert result.returncode == 1
    assert "newspulse.route is not allowed to import newspulse.store" in result.stdout
