"""Entity chips of an event page (issue 10 item 6): names only, one per entity."""

from __future__ import annotations

from newspulse.publish.chips import base_words, name_chips, strip_datelines

PROSE = (
    "Gautam Adani visited the temple on Sunday, and Redwood Materials said that cheaper "
    "electricity prices are unlikely this year because the future of power grids is uncertain. "
    "Analysts at Bank of America expect prices to rise as data center power infrastructure "
    "grows, while SK hynix and Jensen Huang of Nvidia Corp. talked about memory supply. The "
    "offers came after prayers at the site, where Adani spoke briefly with local officials "
    "about the plans of the group for the region and for the company over the next decade."
)


def test_outlets_and_datelines_are_not_chips() -> None:
    titles = ["LONDON (Reuters) - The cost of insuring Oracle's debt rose to a record"]
    texts = ["LONDON (Reuters) - The cost of insuring debt of Oracle rose, traders said."]
    keys = ["london", "reuters", "oracle"]
    assert name_chips(keys, titles, texts=texts, sources=["localnewswave.com"]) == ("Oracle",)
    by_domain = name_chips(
        ["trendforce news", "samsung"],
        ["TrendForce News: Samsung ships HBM4"],
        sources=["trendforce.com"],
    )
    assert by_domain == ("Samsung",)


def test_title_case_phrases_the_prose_writes_lowercase_are_dropped() -> None:
    titles = [
        "Don't Count on Cheaper Electricity Prices in 2026",
        "Gautam Adani Offers Prayers At The Temple",
        "Redwood Materials and the Future of Data Center Power Infrastructure",
    ]
    keys = [
        "cheaper electricity prices",
        "adani offers prayers",
        "gautam adani",
        "future of data center power infrastructure",
        "redwood materials",
    ]
    assert name_chips(keys, titles, texts=[PROSE]) == ("Gautam Adani", "Redwood Materials")


def test_real_names_survive_even_with_lowercase_words_or_without_prose() -> None:
    titles = ["SK Hynix, Bank of America and Nvidia on memory", "Jensen Huang speaks"]
    keys = ["sk hynix", "bank of america", "nvidia", "jensen huang"]
    expected = ("SK Hynix", "Bank of America", "Nvidia", "Jensen Huang")
    assert name_chips(keys, titles, texts=[PROSE]) == expected
    assert name_chips(keys, titles) == expected


def test_a_common_word_capitalised_by_a_headline_is_dropped() -> None:
    titles = ["Nvidia Denies Deal Is Stalled", "Nvidia Group Results"]
    keys = ["denies", "group", "nvidia"]
    assert name_chips(keys, titles, texts=[PROSE, PROSE]) == ("Nvidia",)
    assert name_chips(keys, titles, texts=[PROSE]) == ("Denies", "Nvidia")  # too little prose


def test_variants_of_one_name_merge_into_one_chip() -> None:
    titles = ["Nvidia Corp's chief Jensen Huang: NVIDIA's lead holds", "Huang speaks"]
    keys = ["nvidia corp", "nvidia's", "nvidia", "huang", "jensen huang", "jen-sen"]
    assert name_chips(keys, titles) == ("Nvidia", "Jensen Huang")
    assert base_words("NVIDIA Corp.'s") == ("nvidia",)


def test_a_recased_headline_spelling_gives_way_to_the_prose_spelling() -> None:
    titles = ["Pjm capacity costs hit record"]
    texts = ["Grid operator PJM said the auction cleared at a record, and PJM expects more."]
    assert name_chips(["pjm"], titles, texts=texts) == ("PJM",)


def test_datelines_are_stripped_from_paragraph_openings_only() -> None:
    text = "NEW YORK, Feb 3 (AP) — Stocks rose.\nShares of IBM rose in NEW YORK trading."
    assert strip_datelines(text) == "Stocks rose.\nShares of IBM rose in NEW YORK trading."
