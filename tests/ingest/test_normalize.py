from __future__ import annotations

import pytest

from newspulse.domain import Entry
from newspulse.ingest.normalize import MAX_AUTHOR, normalise_entry


def entry(**changes: object) -> Entry:
    values: dict[str, object] = {
        "url": "https://a.example/x",
        "source": "a.example",
        "title": "Title",
        "text": "Body text.",
        "published_at": None,
    }
    values.update(changes)
    return Entry(**values)  # type: ignore[arg-type]


def test_strips_nul_and_controls_and_cuts_to_columns() -> None:
    cleaned = normalise_entry(
        entry(text="Bo\x00dy\r\ntext\x07.", author="x" * 500, language="en-GB-x-private-use"),
        max_text_chars=8,
    )
    assert cleaned.text == "Body\ntex"
    assert cleaned.author is not None
    assert len(cleaned.author) == MAX_AUTHOR
    assert cleaned.language == "en-GB-x-private-"


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"url": "https://a.example/" + "x" * 2000}, "URL longer"), ({"text": " \n"}, "no text")],
)
def test_unstorable_entries_are_reported(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        normalise_entry(entry(**changes), max_text_chars=1000)
