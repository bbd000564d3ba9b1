"""The small chart of source volume on a topic page: daily counts as SVG geometry.

Rendered on the server as inline SVG (no script, no image request), with a sentence that
says the same for readers who cannot see it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from newspulse.publish.views import list_of, read_timestamp

CHART_DAYS = 14
CHART_WIDTH = 560
CHART_HEIGHT = 96
CHART_LABEL_SPACE = 18


@dataclass(frozen=True, slots=True)
class ChartBar:
    x: float
    y: float
    width: float
    height: float
    day: str
    count: int


@dataclass(frozen=True, slots=True)
class VolumeChart:
    """Sources per day over the days before the version, as SVG geometry plus a sentence
    that says the same for readers who cannot see it."""

    bars: tuple[ChartBar, ...]
    width: int
    height: int
    baseline: float
    first_day: str
    last_day: str
    description: str


def build_volume_chart(
    document: Mapping[str, Any], *, days: int = CHART_DAYS
) -> VolumeChart | None:
    """Daily source counts for the ``days`` up to the newest source; None with no dates.

    Only publisher-given dates count: an estimated one is often the day the article was
    fetched, and undated articles would make the run day look like the busiest one.
    """
    dates = []
    undated = 0
    for source in list_of(document.get("sources")):
        moment = read_timestamp(source.get("published_at"))
        if moment is None or source.get("date_estimated") is True:
            undated += 1
            continue
        dates.append(dt.date.fromisoformat(moment.iso[:10]))
    if not dates:
        return None
    last = max(dates)
    first = max(min(dates), last - dt.timedelta(days=days - 1))
    span = (last - first).days + 1
    counts = [0] * span
    for day in dates:
        if day >= first:
            counts[(day - first).days] += 1
    peak = max(counts)
    slot = CHART_WIDTH / span
    usable = CHART_HEIGHT - CHART_LABEL_SPACE
    bars = tuple(
        ChartBar(
            x=round(index * slot + slot * 0.15, 2),
            y=round(usable - usable * count / peak, 2),
            width=round(slot * 0.7, 2),
            height=round(usable * count / peak, 2),
            day=(first + dt.timedelta(days=index)).isoformat(),
            count=count,
        )
        for index, count in enumerate(counts)
    )
    busiest = bars[counts.index(peak)]
    total = sum(counts)
    description = (
        f"{total} source{'' if total == 1 else 's'} over {span} day{'' if span == 1 else 's'} "
        f"from {first.isoformat()} to {last.isoformat()}; the busiest day was {busiest.day} "
        f"with {peak}."
    )
    if undated:
        description += f" {undated} without a known publication date are not counted."
    return VolumeChart(
        bars=bars,
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        baseline=usable,
        first_day=first.isoformat(),
        last_day=last.isoformat(),
        description=description,
    )
