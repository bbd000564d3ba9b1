"""The periodic maintenance pass: split events that drifted, merge events that converged.

A single pass decides each article once, in arrival order, so two reports of one
story can start two events before the coverage that links them arrives, and a
chain of small steps can pull an event away from its first articles.  Miranda et
al. (EMNLP 2018) repair the first with a merge step (English pairwise F1 0.870
without it, 0.940 with it: shared/data/INDEX.md); this module does both repairs
with the criterion of average-linkage clustering, the offline reference:

1. Split: the members of each event in ``focus`` are regrouped by average linkage;
   groups whose mean cross cosine is below ``split_threshold`` part.  The largest
   group keeps the event's id; the others become new events.
2. Merge: two events (after step 1) merge when the mean cosine between their
   members, the inner product of their mean vectors, reaches ``merge_threshold``.
   Candidate pairs involve at least one event in ``focus`` (only a changed event can
   have converged with another); each pair is checked again against the merged
   groups, best first, as agglomerative clustering would.

Both thresholds rise with the live events in the window as the join threshold does
(``cluster.similarity.crowded_threshold``).

Pure functions over the members of the events in one window; the caller loads them,
applies the returned plan and persists it.  Nothing outside the window is touched.
Events outside ``focus`` can come as ``StoredEvent`` (stored size and centroid) instead
of their members: they never split, and a merge needs only their mean vector, so the
live pipeline does not reload every member vector of the window per batch (issue 11,
item 4).  A regroup that absorbs one names it in ``whole_events``: all its members move.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from newspulse.cluster.similarity import crowded_threshold
from newspulse.domain import Vector
from newspulse.settings import ClusterSettings

# Average linkage is cubic in the members of one event; an event this large is a
# long-running story whose split is better left to an operator.
MAX_SPLIT_MEMBERS = 400
# Merge candidates per focused event, from its nearest neighbours by mean vector.
MERGE_CANDIDATES = 10

FloatMatrix = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Member:
    """One article of an event, as maintenance sees it."""

    article_id: int
    vector: Vector
    published_at: dt.datetime


@dataclass(frozen=True, slots=True)
class EventMembers:
    event_id: int
    members: tuple[Member, ...]


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event outside the focus as stored: its member count and mean member vector."""

    event_id: int
    size: int
    centroid: Vector


@dataclass(frozen=True, slots=True)
class Regroup:
    """One event after maintenance: keeps ``event_id``, or is new when it is None.

    Its members are ``article_ids`` plus every member of the summarised events in
    ``whole_events``.
    """

    event_id: int | None
    article_ids: tuple[int, ...]
    whole_events: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class MaintenancePlan:
    """Only what changed: regrouped events and the ids that no longer exist."""

    regroups: tuple[Regroup, ...] = ()
    retired: tuple[int, ...] = ()
    splits: int = 0
    merges: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.regroups or self.retired)


@dataclass(slots=True)
class Group:
    """A working group of members while the plan is built."""

    event_id: int | None
    members: list[Member]
    total: Vector
    changed: bool = False
    size: int = 0  # members, summarised events' included
    whole_events: list[int] = field(default_factory=list)

    @property
    def mean(self) -> Vector:
        return (self.total / self.size).astype(np.float32)


def plan_maintenance(
    events: Sequence[EventMembers],
    settings: ClusterSettings,
    *,
    focus: Collection[int] | None = None,
    summaries: Sequence[StoredEvent] = (),
) -> MaintenancePlan:
    """Steps 1-2 of the module docstring over ``events`` (all of them when no ``focus``)
    and the summarised events beside them, which can only merge."""
    focused = {event.event_id for event in events} if focus is None else set(focus)
    summaries = [summary for summary in summaries if summary.size > 0]
    live = sum(1 for event in events if event.members) + len(summaries)
    split_threshold = crowded_threshold(settings.split_threshold, live, settings)
    merge_threshold = crowded_threshold(settings.merge_threshold, live, settings)
    groups: list[Group] = []
    splits = 0
    for event in events:
        if not event.members:
            continue
        parts = split_event(event, split_threshold) if event.event_id in focused else []
        if len(parts) > 1:
            splits += 1
            groups += parts
        else:
            groups.append(make_group(event.event_id, list(event.members)))
    groups += [summary_group(summary) for summary in summaries]
    focus_positions = [
        position
        for position, group in enumerate(groups)
        if group.changed or group.event_id in focused
    ]
    groups, merges = merge_groups(groups, focus_positions, merge_threshold)
    changed = [group for group in groups if group.changed]
    surviving = {group.event_id for group in groups}
    known = [event.event_id for event in events] + [summary.event_id for summary in summaries]
    retired = tuple(sorted(event_id for event_id in known if event_id not in surviving))
    regroups = tuple(
        Regroup(
            group.event_id,
            tuple(member.article_id for member in group.members),
            tuple(group.whole_events),
        )
        for group in changed
    )
    return MaintenancePlan(regroups, retired, splits, merges)


def make_group(event_id: int | None, members: list[Member], *, changed: bool = False) -> Group:
    total = np.stack([member.vector for member in members]).sum(axis=0, dtype=np.float32)
    return Group(event_id, members, total, changed, len(members))


def summary_group(summary: StoredEvent) -> Group:
    total = (summary.centroid * summary.size).astype(np.float32)
    return Group(summary.event_id, [], total, size=summary.size, whole_events=[summary.event_id])


def split_event(event: EventMembers, threshold: float) -> list[Group]:
    """Step 1: the event's members by average linkage; the largest group keeps the id."""
    members = list(event.members)
    if len(members) < 2 or len(members) > MAX_SPLIT_MEMBERS:
        return [make_group(event.event_id, members)]
    vectors = np.stack([member.vector for member in members]).astype(np.float32)
    parts = average_linkage(vectors, threshold)
    if len(parts) == 1:
        return [make_group(event.event_id, members)]
    # Largest first; among equals the part holding the earliest member keeps the id.
    parts.sort(key=lambda part: (-len(part), min(part)))
    return [
        make_group(event.event_id if rank == 0 else None, [members[i] for i in part], changed=True)
        for rank, part in enumerate(parts)
    ]


def merge_groups(
    groups: list[Group], focus_positions: Sequence[int], threshold: float
) -> tuple[list[Group], int]:
    """Step 2: merge converged groups; the survivor is the larger (then the older id)."""
    if len(groups) < 2 or not focus_positions:
        return groups, 0
    means = np.stack([group.mean for group in groups])
    pairs = candidate_pairs(means, focus_positions, threshold)
    parent = list(range(len(groups)))

    def root(position: int) -> int:
        while parent[position] != position:
            parent[position] = parent[parent[position]]
            position = parent[position]
        return position

    merges = 0
    for _, first, second in pairs:
        a, b = root(first), root(second)
        if a == b:
            continue
        left, right = groups[a], groups[b]
        # Recheck against the groups as they are now: average linkage, not single linkage.
        if float(left.mean @ right.mean) < threshold:
            continue
        keeper, absorbed = (a, b) if survives(left, right) else (b, a)
        kept = groups[keeper]
        kept.members += groups[absorbed].members
        kept.total = kept.total + groups[absorbed].total
        kept.size += groups[absorbed].size
        kept.whole_events += groups[absorbed].whole_events
        kept.changed = True
        parent[absorbed] = keeper
        merges += 1
    return [group for position, group in enumerate(groups) if root(position) == position], merges


def candidate_pairs(
    means: FloatMatrix, focus_positions: Sequence[int], threshold: float
) -> list[tuple[float, int, int]]:
    """Pairs (score, a, b) with a focused group and a score at or above ``threshold``."""
    scores = means[list(focus_positions)] @ means.T
    found: list[tuple[float, int, int]] = []
    for row, position in enumerate(focus_positions):
        scores[row, position] = -np.inf
        count = min(MERGE_CANDIDATES, len(means) - 1)
        nearest = np.argpartition(-scores[row], count - 1)[:count]
        found += [
            (float(scores[row, other]), position, int(other))
            for other in nearest
            if scores[row, other] >= threshold
        ]
    found.sort(key=lambda pair: -pair[0])
    return found


def survives(left: Group, right: Group) -> bool:
    """Whether ``left`` keeps its id when merged with ``right``."""
    if (left.event_id is None) != (right.event_id is None):
        return left.event_id is not None
    if left.size != right.size:
        return left.size > right.size
    return (left.event_id or 0) <= (right.event_id or 0)


def average_linkage(vectors: FloatMatrix, threshold: float) -> list[list[int]]:
    """Groups of row positions: agglomerative average linkage on cosine, cut at ``threshold``.

    Unit rows: the mean pairwise cosine between two groups is their summed cross
    cosines over the product of their sizes (Lance-Williams update by addition).
    """
    count = len(vectors)
    sums = (vectors @ vectors.T).astype(np.float64)
    sizes = np.ones(count)
    alive = np.ones(count, dtype=bool)
    groups: list[list[int]] = [[i] for i in range(count)]
    while alive.sum() > 1:
        average = sums / np.outer(sizes, sizes)
        average[~alive, :] = -np.inf
        average[:, ~alive] = -np.inf
        np.fill_diagonal(average, -np.inf)
        a, b = np.unravel_index(int(np.argmax(average)), average.shape)
        if average[a, b] < threshold:
            break
        sums[a, :] += sums[b, :]
        sums[:, a] += sums[:, b]
        sizes[a] += sizes[b]
        alive[b] = False
        groups[a] += groups[b]
    return [sorted(groups[i]) for i in range(count) if alive[i]]
