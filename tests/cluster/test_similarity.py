"""The crowding rule: thresholds rise with the live events an article competes with."""

from __future__ import annotations

import pytest

from newspulse.cluster.similarity import MAX_CROWDING_RAISE, crowded_threshold
from newspulse.settings import ClusterSettings

SETTINGS = ClusterSettings(crowding_slope=0.09, crowding_events=100)


@pytest.mark.parametrize(
    ("live", "expected"),
    [(0, 0.55), (100, 0.55), (1_000, 0.64), (10_000, 0.55 + MAX_CROWDING_RAISE)],
)
def test_crowded_threshold_rises_per_tenfold_and_is_capped(live: int, expected: float) -> None:
    assert crowded_threshold(0.55, live, SETTINGS) == pytest.approx(expected)


def test_no_slope_keeps_the_threshold() -> None:
    flat = SETTINGS.model_copy(update={"crowding_slope": 0.0})
    assert crowded_threshold(0.55, 1_000_000, flat) == 0.55
