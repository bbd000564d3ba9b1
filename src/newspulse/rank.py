"""Stage 7, rank: how much an event matters to a topic right now.

salience = (1 + ln(distinct sources) + 0.25 * ln(articles)) * topic fit * 2^(-age / half-life)

Distinct outlets weigh most (ten outlets reporting a story is the strongest
signal of importance); copies of one outlet's story add little; age decays it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import replace

from newspulse.domain import EventSummary
from newspulse.settings import RankSettings

SECONDS_PER_DAY = 86_400.0
MIN_FIT = 0.2


def event_salience(event: EventSummary, *, now: dt.datetime, settings: RankSettings) -> float:
    age_days = max(0.0, (now - event.last_seen).total_seconds() / SECONDS_PER_DAY)
    decay = 2.0 ** (-age_days / settings.half_life_days)
    coverage = (
        1.0 + math.log(max(event.source_count, 1)) + 0.25 * math.log(max(len(event.article_ids), 1))
    )
    fit = max(event.topic_fit, MIN_FIT)
    return round(float(coverage * fit * decay), 6)


def rank_events(
    events: Sequence[EventSummary], *, now: dt.datetime, settings: RankSettings
) -> list[EventSummary]:
    """Events with salience set, most salient first (ties: newer, then lower id)."""
    ranked = [replace(e, salience=event_salience(e, now=now, settings=settings)) for e in events]
    return sorted(ranked, key=lambda e: (-e.salience, -e.last_seen.timestamp(), e.id))
