"""The benchmarks are not run by the suite, so their imports rot unseen: import each one.

A benchmark whose module no longer imports (a moved function, a renamed module) fails
here instead of on the day someone measures with it.  Importing runs no benchmark: each
script works only under ``if __name__ == "__main__"``.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
SCRIPTS = sorted(path.stem for path in BENCH.glob("*.py"))


@pytest.mark.parametrize("name", SCRIPTS)
def test_benchmark_imports(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(BENCH))
    try:
        module = importlib.import_module(name)
    finally:
        sys.modules.pop(name, None)
    assert module.__file__ is not None
