"""The maintenance pass: converged events merge, drifted ones split, nothing else moves."""

from __future__ import annotations

import datetime as dt

import numpy as np

from newspulse.cluster.maintain import (
    EventMembers,
    Member,
    Regroup,
    StoredEvent,
    average_linkage,
    plan_maintenance,
)
from newspulse.settings import ClusterSettings

START = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
SETTINGS = ClusterSettings(merge_threshold=0.7, split_threshold=0.6)


def unit(*values: float) -> np.ndarray:
    vector = np.array(values + (0.0,) * (4 - len(values)), dtype=np.float32)
    return vector / np.linalg.norm(vector)


def event(event_id: int, *members: tuple[int, np.ndarray]) -> EventMembers:
    return EventMembers(
        event_id, tuple(Member(article_id, vector, START) for article_id, vector in members)
    )


def test_average_linkage_by_hand() -> None:
    vectors = np.stack([unit(1, 0), unit(1, 0.1), unit(0, 1), unit(0.1, 1), unit(0, 0, 1)])
    assert average_linkage(vectors, 0.9) == [[0, 1], [2, 3], [4]]
    # Cross cosines of {0,1} and {2,3}: 0, 0.0995, 0.0995, 0.198; their mean is 0.099.
    assert len(average_linkage(vectors, 0.1)) == 3
    assert average_linkage(vectors, 0.098) == [[0, 1, 2, 3], [4]]
    assert average_linkage(vectors, -1.0) == [[0, 1, 2, 3, 4]]


def test_converged_events_merge_into_the_larger() -> None:
    events = [
        event(1, (10, unit(1, 0.1)), (11, unit(1, 0.12))),
        event(2, (12, unit(1, 0.08)), (13, unit(1, 0.11)), (14, unit(1, 0.1))),
        event(3, (15, unit(0, 1))),
    ]
    plan = plan_maintenance(events, SETTINGS)
    assert plan.merges == 1
    assert plan.splits == 0
    assert plan.retired == (1,)
    assert plan.regroups == (Regroup(2, (12, 13, 14, 10, 11)),)


def test_merges_are_rechecked_against_the_merged_group() -> None:
    # 1~2 and 2~3 each clear 0.7, but 1 and 3 do not: average linkage stops at one merge.
    a, b, c = unit(1, 0), unit(1, 1), unit(0, 1)
    events = [event(1, (10, a)), event(2, (11, b)), event(3, (12, c))]
    plan = plan_maintenance(events, SETTINGS)
    assert plan.merges == 1
    assert len(plan.retired) == 1


def test_a_drifted_event_splits_and_the_larger_part_keeps_its_id() -> None:
    drifted = event(
        5,
        (1, unit(1, 0.05)),
        (2, unit(1, 0.0)),
        (3, unit(1, 0.1)),
        (4, unit(0, 1)),
        (5, unit(0.05, 1)),
    )
    plan = plan_maintenance([drifted], SETTINGS)
    assert plan.splits == 1
    assert plan.merges == 0
    assert set(plan.regroups) == {Regroup(5, (1, 2, 3)), Regroup(None, (4, 5))}
    assert plan.retired == ()


def test_split_off_members_can_merge_with_another_event() -> None:
    drifted = event(5, (1, unit(1, 0)), (2, unit(1, 0.05)), (3, unit(1, 0.1)), (4, unit(0, 1)))
    other = event(6, (7, unit(0.02, 1)), (8, unit(0, 1)))
    plan = plan_maintenance([drifted, other], SETTINGS, focus={5})
    assert (plan.splits, plan.merges) == (1, 1)
    assert set(plan.regroups) == {Regroup(5, (1, 2, 3)), Regroup(6, (7, 8, 4))}


def test_nothing_changes_for_well_separated_events_or_outside_the_focus() -> None:
    events = [
        event(1, (10, unit(1, 0)), (11, unit(1, 0.1))),
        event(2, (12, unit(0, 1))),
        event(3, (13, unit(0, 0, 1))),
    ]
    plan = plan_maintenance(events, SETTINGS)
    assert not plan.changed
    near = [event(1, (10, unit(1, 0))), event(2, (11, unit(1, 0.01)))]
    assert not plan_maintenance(near, SETTINGS, focus=()).changed
    assert plan_maintenance(near, SETTINGS, focus={2}).merges == 1


def test_a_crowded_window_raises_the_merge_threshold() -> None:
    # Two events at mean cross cosine 0.8, among 999 others far from them and each other.
    pair = [event(1, (10, unit(1, 0))), event(2, (11, unit(0.8, 0.6)))]
    others = [event(i, (100 + i, unit(0, 0, 1))) for i in range(3, 1002)]
    settings = ClusterSettings(merge_threshold=0.75, crowding_slope=0.09, crowding_events=100)
    assert plan_maintenance(pair, settings).merges == 1
    # 1,001 live events raise the merge threshold to about 0.84.
    assert plan_maintenance(pair + others, settings, focus={1, 2}).merges == 0


def summarised(full: EventMembers) -> StoredEvent:
    vectors = np.stack([member.vector for member in full.members])
    return StoredEvent(full.event_id, len(full.members), vectors.mean(axis=0))


def expand(
    plan_regroups: tuple[Regroup, ...], events: list[EventMembers]
) -> set[tuple[int | None, frozenset[int]]]:
    """Regroups with whole stored events spelled out as their member ids, order-free."""
    members = {e.event_id: [m.article_id for m in e.members] for e in events}
    return {
        (r.event_id, frozenset(r.article_ids) | {a for e in r.whole_events for a in members[e]})
        for r in plan_regroups
    }


def test_stored_centroids_stand_in_for_untouched_events() -> None:
    rng = np.random.default_rng(7)
    centres = [unit(*rng.normal(size=4)) for _ in range(6)]
    events = []
    for event_id in range(1, 13):
        centre = centres[event_id % 6]
        members = [
            (100 * event_id + k, (centre + 0.15 * rng.normal(size=4)).astype(np.float32))
            for k in range(1 + event_id % 3)
        ]
        events.append(event(event_id, *((a, v / np.linalg.norm(v)) for a, v in members)))
    focus = {1, 2, 5}
    full = plan_maintenance(events, SETTINGS, focus=focus)
    touched = [e for e in events if e.event_id in focus]
    stored = [summarised(e) for e in events if e.event_id not in focus]
    light = plan_maintenance(touched, SETTINGS, focus=focus, summaries=stored)
    assert full.merges > 0  # the case exercises merges with untouched events
    assert (light.merges, light.splits, light.retired) == (full.merges, full.splits, full.retired)
    assert expand(light.regroups, events) == expand(full.regroups, events)


def test_a_stored_event_absorbing_a_touched_one_keeps_its_id_and_members() -> None:
    big = event(1, (10, unit(1, 0.1)), (11, unit(1, 0.12)), (12, unit(1, 0.11)))
    small = event(2, (13, unit(1, 0.1)))
    plan = plan_maintenance([small], SETTINGS, focus={2}, summaries=[summarised(big)])
    assert plan.retired == (2,)
    assert plan.regroups == (Regroup(1, (13,), (1,)),)
