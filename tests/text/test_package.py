"""The public surface of ``newspulse.text``."""

from __future__ import annotations

import newspulse.text

EXPECTED_PUBLIC = {
    "STOPWORDS",
    "DateMention",
    "content_tokens",
    "content_words",
    "date_from_url",
    "estimate_published",
    "figure_key",
    "figure_keys",
    "find_dates",
    "find_figures",
    "find_names",
    "find_stale_time_references",
    "is_clean_sentence",
    "jaccard",
    "mentions",
    "name_keys",
    "normalise_for_names",
    "number_tokens",
    "sentence_problem",
    "shingles",
    "split_sentences",
}


def test_all_is_complete_and_importable() -> None:
    assert set(newspulse.text.__all__) == EXPECTED_PUBLIC
    assert len(newspulse.text.__all__) == len(EXPECTED_PUBLIC)
    for name in newspulse.text.__all__:
        assert getattr(newspulse.text, name) is not None
