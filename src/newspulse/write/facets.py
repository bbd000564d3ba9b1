"""Events to the operator's facets: the themes a reader expects on a topic's page.

A facet is a short phrase, optionally followed by examples in parentheses ("Memory and
storage (HBM, DRAM, NAND, hard drives)"); the section is titled by the phrase.  An event goes
to the facet nearest in meaning: the cosine of its centroid to the facet's embedding when
facet vectors are given, else the share of the facet's content words its articles use.  An
event too far from every facet is left to the generated themes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from newspulse.domain import EventSummary, Vector
from newspulse.text.sentences import content_words

# Cosine of an event centroid to a facet phrase below which no facet claims the event.
MIN_FACET_COSINE = 0.2
# An event must be this much closer to its best facet than to the others on average
# (MiniLM on the AI topic: a misplaced event sat at 0.025, the least clear right ones at 0.10).
MIN_FACET_MARGIN = 0.08
# An unclaimed event follows a claimed one this close (its story's other half).
CLOSE_STORY_COSINE = 0.7
# Fewer unclaimed events than this make no section of their own: each joins its best facet.
MIN_UNCLAIMED_SECTION = 2
# Facet words (examples included) an event's text must use when no vectors are given.
MIN_FACET_WORDS = 2
EXAMPLES = re.compile(r"\s*\(.*\)\s*$")


def facet_title(facet: str) -> str:
    """The facet's phrase without its examples, capitalised: a section title."""
    phrase = EXAMPLES.sub("", facet).strip() or facet.strip()
    return phrase[:1].upper() + phrase[1:]


def assign_facets(
    facets: Sequence[str],
    events: Sequence[EventSummary],
    texts: Mapping[int, str],
    vectors: Sequence[Vector] | None = None,
) -> tuple[dict[str, list[EventSummary]], list[EventSummary]]:
    """(events per facet in facet order, events no facet claims), input order kept.

    An event no facet clearly claims (below the floor, or about as close to every facet)
    follows its nearest claimed event when that one tells a close story; a lone event left
    over joins its best facet rather than make a section of its own.
    """
    chosen: dict[str, list[EventSummary]] = {facet: [] for facet in facets}
    facet_of: dict[int, str] = {}
    unclaimed: list[tuple[EventSummary, int]] = []
    for event in events:
        scores, claimed = facet_scores(event, facets, texts, vectors)
        best = int(np.argmax(scores)) if scores else 0
        if claimed:
            chosen[facets[best]].append(event)
            facet_of[event.id] = facets[best]
        else:
            unclaimed.append((event, best))
    claimed_events = [e for group in chosen.values() for e in group]
    left: list[tuple[EventSummary, int]] = []
    for event, best in unclaimed:
        neighbour = nearest(event, claimed_events)
        if neighbour is not None:
            chosen[facet_of[neighbour.id]].append(event)
        else:
            left.append((event, best))
    if len(left) < MIN_UNCLAIMED_SECTION:
        for event, best in left:
            chosen[facets[best]].append(event)
        return chosen, []
    return chosen, [event for event, _ in left]


def facet_place(
    facets: Sequence[str], vectors: Sequence[Vector] | None
) -> Callable[[EventSummary], bool] | None:
    """Whether one of the topic's facets clearly claims an event (by meaning): the page has
    a place for it.  None without facets or their vectors (nothing to judge by)."""
    if not facets or vectors is None or len(vectors) != len(facets):
        return None
    return lambda event: facet_scores(event, facets, {}, vectors)[1]


def facet_scores(
    event: EventSummary,
    facets: Sequence[str],
    texts: Mapping[int, str],
    vectors: Sequence[Vector] | None,
) -> tuple[list[float], bool]:
    """The event's score per facet, and whether its best facet clearly claims it."""
    if vectors is not None and len(vectors) == len(facets):
        scores = [cosine(event.centroid, vector) for vector in vectors]
        best = max(scores, default=0.0)
        others = sorted(scores)[:-1]
        margin = best - (sum(others) / len(others) if others else 0.0)
        return scores, best >= MIN_FACET_COSINE and margin >= MIN_FACET_MARGIN
    words = content_words(texts.get(event.id, ""))
    scores = [float(shared_words(facet, words)) for facet in facets]
    return scores, max(scores, default=0.0) >= MIN_FACET_WORDS


def nearest(event: EventSummary, others: Sequence[EventSummary]) -> EventSummary | None:
    """The closest of ``others`` when it tells a close story (``CLOSE_STORY_COSINE``)."""
    scored = [(cosine(event.centroid, other.centroid), other) for other in others]
    best = max(scored, key=lambda pair: pair[0], default=None)
    return best[1] if best is not None and best[0] >= CLOSE_STORY_COSINE else None


def cosine(a: Vector, b: Vector) -> float:
    norm = float(np.linalg.norm(a)) * float(np.linalg.norm(b))
    return float(np.dot(a, b)) / norm if norm else 0.0


def shared_words(facet: str, words: set[str]) -> int:
    """How many of the facet's words (examples included) ``words`` holds."""
    return len(content_words(facet.replace("(", " ").replace(")", " ")) & words)
