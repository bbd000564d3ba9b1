"""Episodes: the sub-stories of one event that a reader expects told apart.

Incremental clustering follows a story as coverage moves on, so one event can hold a
World Series' Game 3 and Game 7, a season's races, or a market crash and the slide
weeks later: close enough in meaning that merging them is right for the event (it is
one running story), but a page that tells such an event in one bullet keeps only its
best-covered episode.  Episodes are the event's articles grouped by average linkage at
the tighter ``write.episode_cosine``; each group from at least ``episode_min_sources``
outlets is one, and the articles of smaller groups join the episode nearest in meaning.
Episodes are found only for a version that is written (``pipeline.briefings``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

import numpy as np

from newspulse.cluster.maintain import average_linkage
from newspulse.domain import EventSummary, Vector

# Members an event's episodes are found among (an even sample of a bigger event; the rest
# join the nearest episode): linkage over 1,000 members took 3.1 s, over 200 about 0.03 s.
LINKED_MEMBERS = 200


def event_episodes(
    event: EventSummary, vectors: Mapping[int, Vector], *, cosine: float, min_sources: int
) -> tuple[tuple[int, ...], ...]:
    """Member ids per episode, most outlets first (then first member); ``()`` when the
    event tells one story.  Members without a stored vector stay with the whole event."""
    ids = [a for a in event.article_ids if a in vectors]
    if len(ids) < 2 * min_sources:
        return ()
    matrix = np.stack([vectors[a] for a in ids]).astype(np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix = (matrix / np.where(norms > 0, norms, 1.0)).astype(np.float32)
    outlet = dict(zip(event.article_ids, event.sources, strict=True))
    # Average linkage is cubic in the members: a big event is grouped on an even sample.
    step = -(-len(ids) // LINKED_MEMBERS)
    linked = list(range(0, len(ids), step))
    groups = [[linked[i] for i in g] for g in average_linkage(matrix[linked], cosine)]
    told = [g for g in groups if len({outlet[ids[i]] for i in g}) >= min_sources]
    if len(told) < 2:
        return ()
    members = [list(g) for g in told]
    centres = np.stack([matrix[g].mean(axis=0) for g in told])
    grouped = {position for group in told for position in group}
    for position in range(len(ids)):
        if position not in grouped:
            members[int(np.argmax(centres @ matrix[position]))].append(position)
    episodes = [tuple(ids[i] for i in sorted(group)) for group in members]
    episodes.sort(key=lambda episode: (-len({outlet[a] for a in episode}), episode[0]))
    return tuple(episodes)


def with_episodes(
    events: Sequence[EventSummary],
    vectors: Mapping[int, Vector],
    *,
    cosine: float,
    min_sources: int,
) -> list[EventSummary]:
    """``events`` with their episodes filled in (``event_episodes``)."""
    return [
        dataclasses.replace(
            event,
            episodes=event_episodes(event, vectors, cosine=cosine, min_sources=min_sources),
        )
        for event in events
    ]
