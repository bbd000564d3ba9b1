"""The LLM writer against a real model on a real OpenAI-compatible server (``make test-llm``:
llama.cpp's server with Gemma 3 270M on 127.0.0.1).  Skipped unless
``NEWSPULSE_TEST_LLM_URL`` names the server (``NEWSPULSE_TEST_LLM_MODEL``: the model name).

Every published statement cited and supported, the figures the model invented withheld
and counted, no request refused once the format is negotiated, and the injected articles
change nothing; the measures are printed per topic.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import httpx
import pytest

from tests.write.llm_e2e import check_published, measures, requests_failed, run_update

URL = os.environ.get("NEWSPULSE_TEST_LLM_URL", "")
MODEL = os.environ.get("NEWSPULSE_TEST_LLM_MODEL", "gemma-3-270m")
RECORDS = int(os.environ.get("NEWSPULSE_TEST_LLM_RECORDS", "80"))

pytestmark = pytest.mark.skipif(not URL, reason="make test-llm runs it against a model server")


def wait_for_server(deadline_s: float = 300) -> None:
    deadline = time.monotonic() + deadline_s
    while True:
        try:
            if httpx.get(URL.rstrip("/") + "/models", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"no model server answered at {URL}")
        time.sleep(1)


def test_a_real_model_writes_only_what_sources_support(tmp_path: Path) -> None:
    wait_for_server()
    env = {
        "NEWSPULSE_LLM__TIMEOUT": "300",
        "NEWSPULSE_LLM__CONCURRENCY": "1",
        # llama-cpp-python's "gemma" chat format drops system messages.
        "NEWSPULSE_LLM__SYSTEM_ROLE": os.environ.get("NEWSPULSE_LLM__SYSTEM_ROLE", "true"),
    }
    result = run_update(tmp_path, URL, MODEL, records=RECORDS, env=env)
    print(result.output)
    print(measures(result))
    check_published(result)
    assert requests_failed(result) == []
