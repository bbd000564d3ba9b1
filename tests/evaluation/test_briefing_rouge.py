"""ROUGE of the extractive writer on 20 NeuS/AllSides val stories (tests/data/neus), pinned.

Floors sit just under the measured values (2026-11-25, `newspulse eval summaries
tests/data/neus`: extractive ROUGE-1 0.3308, ROUGE-2 0.1362, ROUGE-L 0.2114, while the
writer was being changed, earlier 0.3378 / 0.1404 / 0.2150; lead-1 0.2935 / 0.0894 /
0.2098; lead-3 0.3488 / 0.1346 / 0.2204); lowering one needs a note in the change that
does it.

2026-12-07: ROUGE-2 floor 0.13 -> 0.125. Letting an opening phrase point ahead to the
name of its main clause ("With their 6-5 win, the Dodgers took ...") moved these 20
stories to 0.3267 / 0.1271 / 0.2201, while the whole NeuS/AllSides set rose
(`python bench/bench_rouge.py`, 2,759 stories: 0.3764 / 0.1537 / 0.2408 at the session's
start, 0.3780 / 0.1557 / 0.2419 after; the same with the rule off: 0.3780 / 0.1555).

ROUGE-L floor 0.205 -> 0.22: a one-event section opens on the event's main fact (its side
fact is the bullet's last detail, not an intro read first) and fewer names and numbers pass
for dangling openers; these 20 stories 0.3271 / 0.1260 / 0.2263, the whole set 0.3782 /
0.1558 / 0.2425 -> 0.3793 / 0.1565 / 0.2482 (`python bench/bench_rouge.py`).

Floors ROUGE-1 0.32 -> 0.33, ROUGE-2 0.125 -> 0.13, ROUGE-L 0.22 -> 0.23: a weekday keeps its
name beside its date ("on Monday 28 Dec", was "on 28 Dec 2020") and the timeline line is the
first day's most widely told headline; these 20 stories 0.3344 / 0.1351 / 0.2316, the whole
set 0.3791 / 0.1562 / 0.2479 -> 0.3857 / 0.1609 / 0.2519 (lead-3 0.3866 / 0.1729 / 0.2502).

Floors ROUGE-1 0.33 -> 0.34, ROUGE-2 0.13 -> 0.135: discourse-new definite descriptions ("The
Ohio legislature", "The authorities in Britain", "The number of people seeking ...") stand
alone (text.descriptions); these 20 stories 0.3448 / 0.1378 / 0.2326 (lead-3 0.3488 / 0.1346
/ 0.2204), the whole set 0.3862 / 0.1615 / 0.2526 -> 0.3875 / 0.1628 / 0.2536 and above.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newspulse.enrich.embed import Embedder
from newspulse.errors import CorpusError
from newspulse.evaluation.summaries import (
    Story,
    extractive_summary,
    lead_sentences,
    read_stories,
    score_stories,
    tables_by_split,
)
from newspulse.settings import Settings
from tests.conftest import DATA

SAMPLE = DATA / "neus" / "derived_probe_clusters.jsonl"
FLOORS = {"rouge1": 0.34, "rouge2": 0.135, "rougeL": 0.23}


@pytest.fixture(scope="module")
def stories() -> list[Story]:
    return read_stories(SAMPLE)


def test_the_sample_is_twenty_val_stories_of_three_articles(stories: list[Story]) -> None:
    assert len(stories) == 20
    assert {s.split for s in stories} == {"val"}
    assert all(len(s.articles) == 3 and s.reference for s in stories)
    assert read_stories(SAMPLE, splits=("train",)) == []


def test_extractive_rouge_floors(stories: list[Story], hashing_embedder: Embedder) -> None:
    table = score_stories(stories, hashing_embedder, Settings())
    assert table.stories == 20
    assert table.empty["extractive"] == 0
    for kind, floor in FLOORS.items():
        assert table.f1["extractive"][kind] >= floor, (kind, table.f1)
    # The writer reads all three articles: it must beat the first sentence of one of them.
    assert table.f1["extractive"]["rouge2"] > table.f1["lead-1"]["rouge2"]


def test_summaries_quote_only_the_story_articles(
    stories: list[Story], hashing_embedder: Embedder
) -> None:
    story = stories[0]
    summary = extractive_summary(story, hashing_embedder, Settings())
    assert summary
    source = " ".join(f"{title} {text}" for title, text in story.articles)
    words = set(summary.lower().split()) - set(source.lower().split())
    assert len(words) <= len(summary.split()) // 10, words


def test_lead_baselines() -> None:
    story = Story(
        "s", "val", (("T1", "First one. Second one."), ("T2", "Other lead. More.")), "ref"
    )
    assert lead_sentences(story, 1) == "First one."
    assert lead_sentences(story, 3) == "First one. Other lead."


def test_a_system_that_writes_nothing_scores_zero_for_that_story(
    stories: list[Story], hashing_embedder: Embedder
) -> None:
    empty = Story("e", "val", (("", ""), ("", ""), ("", "")), "A reference summary.")
    table = tables_by_split([*stories[:2], empty], hashing_embedder, Settings())["all"]
    assert table.stories == 3
    assert table.empty == {"extractive": 1, "lead-1": 1, "lead-3": 1}


def test_a_missing_file_is_a_corpus_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="cannot read the stories file"):
        read_stories(tmp_path / "none.jsonl")
