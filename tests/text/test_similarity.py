"""Jaccard similarity and content-word shingles for bullet redundancy checks."""

from __future__ import annotations

import pytest

from newspulse.text.similarity import jaccard, shingles

# Real sentences from tests/text/data/articles.jsonl (ai-market-watch.com and thenewsgallery.com).
MATX_TEASER = (
    "AI chip startup MatX just raised $500M Series B to build processors 10x faster than Nvidia "
    "GPUs for..."
)
MATX_FULL = (
    "AI chip startup MatX just raised $500M Series B to build processors 10x faster than Nvidia "
    "GPUs for LLM training, led by Jane Street and Leopold Aschenbrenner's fund."
)
SANDISK = "The revenue guidance was almost 60 percent above what Wall Street had anticipated."


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ({"a", "b"}, {"b", "c"}, 1 / 3),
        ({"a"}, {"a"}, 1.0),
        ({"a"}, {"b"}, 0.0),
        (set(), {"a"}, 0.0),
        (set(), set(), 0.0),
    ],
)
def test_jaccard(a: set[str], b: set[str], expected: float) -> None:
    assert jaccard(a, b) == pytest.approx(expected)


def test_shingles_are_runs_of_content_words() -> None:
    assert shingles("Nvidia raised its revenue forecast again") == {
        "nvidia rais revenu",
        "rais revenu forecast",
    }
    assert shingles("Nvidia raised its revenue forecast again", n=1) == {
        "nvidia",
        "rais",
        "revenu",
        "forecast",
    }


def test_short_texts_give_one_shingle_or_none() -> None:
    assert shingles("Nvidia rose") == {"nvidia ros"}
    assert shingles("and of the") == set()


def test_shingle_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        shingles("Nvidia rose", n=0)


def test_redundant_real_sentences_overlap() -> None:
    teaser, full, other = shingles(MATX_TEASER), shingles(MATX_FULL), shingles(SANDISK)
    # The teaser's 13 content words give 11 shingles, all inside the full sentence's 19.
    assert jaccard(teaser, full) == pytest.approx(11 / 19)
    assert jaccard(teaser, other) == 0.0


def test_quotes_are_real(corpus_text: str) -> None:
    for text in (MATX_TEASER, MATX_FULL, SANDISK):
        assert text in corpus_text
