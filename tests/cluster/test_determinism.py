"""Clustering decisions never depend on set or dict order (and so on PYTHONHASHSEED)."""

from __future__ import annotations

import itertools
from collections import Counter

from newspulse.cluster.index import MAX_EVENT_FACTS, top_facts


def test_top_facts_breaks_ties_by_key_not_by_insertion_order() -> None:
    keys = [f"key-{n:02d}" for n in range(MAX_EVENT_FACTS + 5)]
    results = set()
    for order in itertools.islice(itertools.permutations(keys), 0, 5000, 997):
        results.add(top_facts(Counter(order)))
    assert len(results) == 1
    (chosen,) = results
    assert chosen == frozenset(sorted(keys)[:MAX_EVENT_FACTS])


def test_top_facts_prefers_the_most_frequent_keys() -> None:
    counts = Counter({"rare": 1, "common": 5, **{f"k{n:02d}": 2 for n in range(40)}})
    chosen = top_facts(counts)
    assert "common" in chosen
    assert "rare" not in chosen or len(counts) <= MAX_EVENT_FACTS
