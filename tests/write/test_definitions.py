"""Definitions only from sources: explanations no cited text holds are cut or withheld."""

from __future__ import annotations

import pytest

from newspulse.domain import Bullet, Statement
from newspulse.settings import LLMSettings, WriteSettings
from newspulse.write.briefing import write_version
from newspulse.write.definitions import find_definitions, strip_unsupported_definitions
from newspulse.write.verify import verify_briefing
from tests.llmserver import rewording, running_llm_server
from tests.write.helpers import NOW, TOPIC, build_stories, make_article
from tests.write.test_verify import ARTICLES, briefing

SOURCE = make_article(
    1,
    "MatX raised $500 million in a Series B round led by Jane Street. "
    "Oklo, a nuclear startup backed by Sam Altman, will supply power to Meta.",
)


@pytest.mark.parametrize(
    ("text", "published"),
    [
        # Invented appositive: cut, the rest of the sentence stays.
        (
            "MatX, a Google-backed chip startup, raised $500 million in a Series B round.",
            "MatX raised $500 million in a Series B round.",
        ),
        # The same kind of explanation, held by a cited sentence about Oklo: kept.
        (
            "Meta will buy power from Oklo, a nuclear startup backed by Sam Altman.",
            "Meta will buy power from Oklo, a nuclear startup backed by Sam Altman.",
        ),
        # At the end of the sentence, and as a relative clause.
        (
            "Jane Street led the round in MatX, a maker of inference chips.",
            "Jane Street led the round in MatX.",
        ),
        ("MatX, which designs chips for large models, raised money.", "MatX raised money."),
        # A sentence that is the definition cannot be cut: withheld.
        ("MatX is a chip startup founded by former Google engineers.", None),
        # Not definitions: attribution, and a date before the comma.
        ("MatX, the company said, raised money.", "MatX, the company said, raised money."),
        ("In January, the startup raised money.", "In January, the startup raised money."),
    ],
)
def test_definitions_must_come_from_cited_text(text: str, published: str | None) -> None:
    assert strip_unsupported_definitions(text, [SOURCE])[0] == published


def test_finds_the_name_being_defined() -> None:
    (definition,) = find_definitions("Chip startup MatX, a maker of inference chips, raised.")
    assert (definition.name, definition.description) == ("MatX", "a maker of inference chips")
    assert find_definitions("Vistra, Oklo and TerraPower will supply power.") == []


def test_verifier_cuts_invented_definitions_and_records_them() -> None:
    text = "Meta signed nuclear deals with Vistra, Oklo and TerraPower in January."
    invented = (
        "Meta, the parent of Facebook, signed nuclear deals with Vistra, Oklo and TerraPower."
    )
    verified, records = verify_briefing(
        briefing([Bullet(invented, ("a002",))], lead=[Statement(text, ("a002",))]),
        ARTICLES,
        redundancy_threshold=0.5,
    )
    (bullet,) = verified.sections[0].bullets
    assert bullet.text == "Meta signed nuclear deals with Vistra, Oklo and TerraPower."
    assert verified.verification is not None
    assert verified.verification.definitions_removed == ("the parent of Facebook",)
    assert verified.to_json()["verification"]["definitions_removed"] == ["the parent of Facebook"]
    # Citation records follow the published wording.
    assert any(r.path == "sections.0.bullets.0" for r in records)


def test_llm_writer_definitions_are_cut_before_publishing() -> None:
    """A scripted model adds an explanation no source holds; the page never shows it."""
    settings = WriteSettings(min_themes=2)
    events, articles = build_stories()
    invented = "a Google-backed startup designing chips for large language models"

    def word(number: int, text: str) -> str:
        if text.startswith("Artificial Intelligence chip startup MatX"):
            return (
                f"MatX, {invented}, raised $500 million in a Series B round led by "
                "Jane Street to build its MatX One processor."
            )
        if text.startswith("Western Digital"):
            return "Western Digital is a storage company that makes hard drives."
        return text

    with running_llm_server() as server:
        server.respond_with(rewording(word))
        llm = LLMSettings(
            enabled=True, base_url=server.base_url, model="test-model", timeout=2, max_retries=0
        )
        written = write_version(TOPIC, events, articles, now=NOW, settings=settings, llm=llm)
    assert written.writer == "llm"
    document = written.briefing.to_json()
    del document["verification"]  # lists what was cut, by design
    page = str(document)
    assert "Google-backed" not in page
    assert "storage company" not in page
    matx = written.briefing.lead[0]
    assert matx.text == (
        "MatX raised $500 million in a Series B round led by Jane Street to build its "
        "MatX One processor."
    )
    verification = written.briefing.verification
    assert verification is not None
    assert invented in verification.definitions_removed
    assert any(r.startswith("definition not in cited sources") for r in verification.withheld)
