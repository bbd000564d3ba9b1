"""The LLM writer through ``newspulse update`` on a bundled corpus slice with hostile articles,
against a scripted server that behaves like llama.cpp's (``json_schema`` refused with a 500)
and a model that invents figures: what is recorded, printed and published."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newspulse.cli import app
from newspulse.write.llm_client import forget_modes
from newspulse.write.llm_prompt import prompt
from tests.llmserver import refusing, rewording, running_llm_server
from tests.write.llm_e2e import (
    ESCAPED,
    check_published,
    measures,
    requests_failed,
    run_update,
)

INVENTED = "$987"


def inventive(number: int, text: str) -> str:
    """A model that copies facts faithfully but changes the first amount it sees."""
    return re.sub(r"\$(?=\d)", INVENTED, text, count=1)


@pytest.mark.slow
def test_update_records_and_prints_what_the_model_wrote(tmp_path: Path) -> None:
    forget_modes()
    with running_llm_server() as server:
        server.respond_with(
            refusing(
                {"json_schema"},
                500,
                "response_format json_schema is not supported",
                then=rewording(inventive),
            )
        )
        result = run_update(
            tmp_path, server.base_url, "test-model", records=80, env={"NEWSPULSE_LLM__TIMEOUT": "5"}
        )
    print(measures(result))
    # Every written topic says what the model wrote; the one format refusal is printed.
    written = [line for line in result.output.splitlines() if ": written" in line]
    assert written
    assert result.output.count("\n  llm: ") == len(written)
    assert "via json_object" in result.output
    assert result.output.count("1 format refusals") == 1  # the probe is paid once
    # The article text never reaches the system prompt, nor a role tag the server would read:
    # injected tags reach the model only escaped, as data.
    for request in server.requests:
        assert request["messages"][0]["content"] == prompt("system.txt")
        raw = json.dumps(request, ensure_ascii=False)
        for tag in ("<|im_start|>", "<start_of_turn>", '<fact n="99">', "HACKED"):
            assert tag not in raw
    sent = json.dumps(server.requests, ensure_ascii=False)
    assert any(marker in sent for marker in ESCAPED)
    check_published(result)
    assert requests_failed(result) == []
    assert all(v.run["mode"] == "json_object" for v in result.versions)
    withheld = sum(
        r.startswith("figures not in cited sources")
        for v in result.versions
        for r in v.run["withheld"]
    )
    assert withheld > 0  # the invented amounts were caught, and counted
    pages = json.dumps([v.document for v in result.versions])
    assert INVENTED not in pages
    # The topic page's verification note says what the model worded and what it did not.
    site = tmp_path / "site"
    exported = CliRunner().invoke(app, ["export", str(site), "--db", result.db])
    assert exported.exit_code == 0, exported.output
    kept = next(v for v in result.versions if any(s["writer"] != "llm" for s in v.run["sections"]))
    html = next(site.rglob(f"{kept.topic}/index.html")).read_text("utf-8")
    note = html.split('<p class="verification">')[1].split("</p>")[0]
    sections = kept.run["sections"]
    worded = sum(s["writer"] == "llm" for s in sections)
    assert f"worded by the model: {worded} of {len(sections)} parts" in note
    assert "(kept extractive: " in note
    assert "figures not in cited sources" in note
