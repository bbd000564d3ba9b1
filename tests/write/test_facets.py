"""Events to an operator's facets: by meaning with vectors, by shared words without."""

from __future__ import annotations

import numpy as np

from newspulse.write.facets import assign_facets, facet_place, facet_title

from .helpers import make_article, make_event

FACETS = (
    "Memory and storage (HBM, DRAM, NAND flash, hard drives)",
    "Data centers and power (data center campuses, electricity, nuclear energy)",
)


def events_and_texts() -> tuple[list, dict[int, str]]:
    texts = {
        1: "Western Digital sold out its hard drives as DRAM prices climbed.",
        2: "Meta signed nuclear energy deals to power a data center campus in Ohio.",
        3: "Samsung posted record profit on HBM and NAND flash sales.",
        4: "The league suspended a player for four games.",
        5: "A referee was injured during the match.",
    }
    events = [make_event(i, [make_article(i, t)], direction=i) for i, t in texts.items()]
    return events, texts


def test_facet_titles_drop_their_examples() -> None:
    assert facet_title(FACETS[0]) == "Memory and storage"
    assert facet_title("power for data centers") == "Power for data centers"


def test_without_vectors_events_go_to_the_facet_whose_words_they_use() -> None:
    events, texts = events_and_texts()
    chosen, unclaimed = assign_facets(FACETS, events, texts)
    assert [e.id for e in chosen[FACETS[0]]] == [1, 3]
    assert [e.id for e in chosen[FACETS[1]]] == [2]
    assert [e.id for e in unclaimed] == [4, 5]  # two off-facet events make a theme of their own


def test_with_vectors_the_nearest_facet_wins() -> None:
    events, texts = events_and_texts()
    memory, power = np.zeros(8, dtype=np.float32), np.zeros(8, dtype=np.float32)
    memory[1] = memory[3] = 1.0
    power[2] = 1.0
    chosen, unclaimed = assign_facets(FACETS, events, texts, [memory, power])
    assert [e.id for e in chosen[FACETS[0]]] == [1, 3]
    assert [e.id for e in chosen[FACETS[1]]] == [2]
    assert [e.id for e in unclaimed] == [4, 5]


def test_a_single_stray_event_joins_its_nearest_facet_instead_of_its_own_section() -> None:
    events, texts = events_and_texts()
    chosen, unclaimed = assign_facets(FACETS, events[:4], texts)
    assert unclaimed == []
    assert sum(len(group) for group in chosen.values()) == 4


def test_an_event_about_as_close_to_every_facet_follows_its_story() -> None:
    events, texts = events_and_texts()
    memory, power = np.zeros(8, dtype=np.float32), np.zeros(8, dtype=np.float32)
    memory[1] = memory[3] = 1.0
    power[2] = 1.0
    # Event 6 is about as close to both facets (a little closer to memory), and close to
    # event 7's story, which the power facet claims.
    ambiguous = make_event(6, [make_article(6, "A deal was struck.")], direction=6)
    ambiguous.centroid[:] = 0.0
    ambiguous.centroid[1], ambiguous.centroid[2] = 0.45, 0.3
    ambiguous.centroid[6] = 1.0
    twin = make_event(7, [make_article(7, "The same deal.")], direction=2)
    twin.centroid[6] = 0.9
    chosen, unclaimed = assign_facets(
        FACETS, [*events[:3], twin, ambiguous], texts, [memory, power]
    )
    placed = {e.id: facet for facet, group in chosen.items() for e in group}
    assert placed[7] == FACETS[1]
    assert placed[6] == FACETS[1]  # not claimed by a facet: it follows its story's twin
    assert unclaimed == []


def test_a_facet_place_is_a_clear_claim_by_meaning() -> None:
    vectors = [np.eye(8, dtype=np.float32)[0], np.eye(8, dtype=np.float32)[1]]
    events, _ = events_and_texts()
    place = facet_place(FACETS, vectors)
    assert place is not None
    # make_event points event i along axis i: event 1 lies on the second facet, 2 and 3 on none.
    assert [place(e) for e in events[:3]] == [True, False, False]
    assert facet_place(FACETS, None) is None
    assert facet_place((), vectors) is None
