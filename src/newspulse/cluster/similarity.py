"""How similar an article is to a live event: text, shared key facts, and time.

1. Text: the inner product of the article's unit embedding with the event's *mean*
   member embedding (not its normalised centroid).  That product is the article's
   average cosine to the event's members, the criterion of average-linkage
   clustering, so the streaming decision and the offline reference
   (``newspulse.evaluation.reference``) threshold the same quantity, and a
   diffuse event (whose mean is short) is harder to join than a tight one.
2. Key facts: names (``text.names.name_keys``) and figures
   (``text.figures.figure_keys``) that the article shares with the event, counting
   only keys that few live events carry: "Trump" or "10%" say little, "John Kerry"
   or "USD:500000000" much more.  Entity and figure overlap are the non-textual
   features of Miranda et al. (EMNLP 2018), here as one capped bonus.
3. Time: a penalty that grows with the gap between the article and the event's
   last article and saturates at ``time_penalty`` (Miranda et al. use Gaussian
   timestamp features; a saturating decay has one scale and one weight).

The join threshold (and the maintenance pass's merge and split thresholds) rise with
the number of live events an article competes with (``crowded_threshold``): the
best of many unrelated events scores high by chance more often, so a crowded window
needs a stricter bar to keep the same rate of false joins.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

from newspulse.domain import Article, LiveEvent, Vector
from newspulse.settings import ClusterSettings
from newspulse.text.figures import figure_keys
from newspulse.text.names import name_keys

# Names are read from the opening of the text, not the title: title-case headlines make
# every word a "name" (text.names, known limits).  1,500 characters cover the lead
# paragraphs where a report names its actors and amounts.
FACT_TEXT_CHARS = 1500
# Shared keys beyond this many add nothing more: two rare names in common already say
# "same story" as loudly as the bonus allows.
SHARED_FACTS_CAP = 2
DAY_SECONDS = 86_400.0
# The most the crowding rule raises a threshold: 0.15 is reached near 4,600 live events at
# the default slope; the gold sets measured it up to about 3,000 (bench_cluster_quality).
MAX_CROWDING_RAISE = 0.15


@dataclass(frozen=True, slots=True)
class Match:
    """One candidate event scored for one article."""

    event: LiveEvent
    score: float
    text_similarity: float
    shared_facts: int


def crowded_threshold(threshold: float, live_events: int, settings: ClusterSettings) -> float:
    """``threshold`` raised by ``crowding_slope`` per tenfold growth beyond ``crowding_events``."""
    crowding = max(1.0, live_events / settings.crowding_events)
    return threshold + min(MAX_CROWDING_RAISE, settings.crowding_slope * math.log10(crowding))


def fact_keys(article: Article) -> frozenset[str]:
    """Name and figure keys of the article's opening text (its title when it has none).

    The enrich stage extracts them once and stores them (``Article.fact_keys``)."""
    text = article.text[:FACT_TEXT_CHARS] or article.title
    return frozenset(name_keys(text) | figure_keys(text))


def article_facts(article: Article) -> frozenset[str]:
    """The keys enrich stored; extracted here only for an article that has none (a corpus
    clustered in memory, a row enriched before the keys were stored)."""
    return article.fact_keys if article.fact_keys is not None else fact_keys(article)


def score_event(
    vector: Vector,
    facts: frozenset[str],
    published_at: dt.datetime,
    event: LiveEvent,
    rare_facts: frozenset[str],
    settings: ClusterSettings,
) -> Match:
    """Steps 1-3 of the module docstring for one article and one candidate event."""
    text_similarity = float(np.dot(vector, event.centroid))
    shared = len(facts & event.entities & rare_facts)
    fact_score = settings.fact_bonus * min(shared, SHARED_FACTS_CAP) / SHARED_FACTS_CAP
    gap_days = abs((published_at - event.last_seen).total_seconds()) / DAY_SECONDS
    time_score = settings.time_penalty * (1.0 - math.exp(-gap_days / settings.time_scale_days))
    return Match(event, text_similarity + fact_score - time_score, text_similarity, shared)
