"""Events to the operator's facets: the themes a reader expects on a topic's page.

A facet is a short phrase, optionally followed by examples in parentheses ("Memory and
storage (HBM, DRAM, NAND, hard drives)"); the section is titled by the phrase.  An event goes
to the facet nearest in meaning: the cosine of its centroid to the facet's embedding when
facet vectors are given, else the share of the facet's content words its articles use.  An
event too far from every facet is left to the generated themes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np

from newspulse.domain import EventSummary, Vector
from newspulse.text.sentences import content_words

# Cosine of an event centroid to a facet phrase below which no facet claims the event.
MIN_FACET_COSINE = 0.2
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
    """(events per facet in facet order, events no facet claims), input order kept."""
    chosen: dict[str, list[EventSummary]] = {facet: [] for facet in facets}
    unclaimed: list[tuple[EventSummary, int]] = []
    for event in events:
        if vectors is not None and len(vectors) == len(facets):
            scores = [cosine(event.centroid, vector) for vector in vectors]
            floor = MIN_FACET_COSINE
        else:
            words = content_words(texts.get(event.id, ""))
            scores = [float(shared_words(facet, words)) for facet in facets]
            floor = MIN_FACET_WORDS
        best = int(np.argmax(scores)) if scores else 0
        if scores and scores[best] >= floor:
            chosen[facets[best]].append(event)
        else:
            unclaimed.append((event, best))
    if len(unclaimed) < MIN_UNCLAIMED_SECTION:
        for event, best in unclaimed:
            chosen[facets[best]].append(event)
        return chosen, []
    return chosen, [event for event, _ in unclaimed]


def cosine(a: Vector, b: Vector) -> float:
    norm = float(np.linalg.norm(a)) * float(np.linalg.norm(b))
    return float(np.dot(a, b)) / norm if norm else 0.0


def shared_words(facet: str, words: set[str]) -> int:
    """How many of the facet's words (examples included) ``words`` holds."""
    return len(content_words(facet.replace("(", " ").replace(")", " ")) & words)
