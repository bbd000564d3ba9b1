"""Event titles: the most central real headline, cleaned; never a URL slug or a body
sentence when anything better exists."""

from __future__ import annotations

from newspulse.text.event_titles import TitleSource, event_title
from newspulse.text.headlines import clean_headline


def test_the_headline_most_members_share_words_with_wins() -> None:
    members = [
        TitleSource("Softbank is buying digitalbridge for dollar4 billion", True),
        TitleSource("SoftBank agrees to buy DigitalBridge for $4 billion - Reuters", False),
        TitleSource("SoftBank to buy data center investor DigitalBridge", False),
        TitleSource("Markets wrap: stocks slip", False),
    ]
    assert event_title(members) == "SoftBank agrees to buy DigitalBridge for $4 billion"


def test_a_slug_title_is_recased_as_the_texts_spell_its_words() -> None:
    text = "SoftBank said it would buy DigitalBridge for $4 billion to grow its AI business."
    members = [TitleSource("Softbank is buying digitalbridge for dollar4 billion", True, text)]
    assert event_title(members) == "SoftBank is buying DigitalBridge for $4 billion"
    assert event_title([]) == ""


def test_a_cut_off_slug_gives_way_to_the_lead_sentence() -> None:
    text = (
        "Elon Musk's xAI has raised $20 billion in a Series E round, the company said on its "
        "website, which will fund new data centers. The round was oversubscribed."
    )
    members = [TitleSource("Musks xai just raised 20 billion heres what its fo", True, text)]
    assert event_title(members) == "Elon Musk's xAI has raised $20 billion in a Series E round"


def test_a_body_sentence_title_gives_way_to_a_shortened_lead() -> None:
    text = (
        "February 26, 2026 /SemiMedia/ \u2014 SK hynix said it has teamed up with SanDisk to "
        "standardize High Bandwidth Flash, a new memory for AI inference servers."
    )
    members = [TitleSource(text[:110] + "...", True, text)]
    assert event_title(members) == (
        "SK hynix has teamed up with SanDisk to standardize High Bandwidth Flash"
    )


def test_a_teaser_or_tagged_headline_gives_way_to_a_clean_one() -> None:
    members = [
        TitleSource("Snail-speed superbrain, big-time drama", False),
        TitleSource("[FCE] Anthropic raises $30bn in latest round", False),
    ]
    assert event_title(members) == "Anthropic raises $30bn in latest round"


def test_ties_go_to_the_first_reported() -> None:
    first, second = "Etched raises $500 million", "Etched valued at $5 billion"
    assert event_title([TitleSource(first, False), TitleSource(second, False)]) == first


def test_outlet_tags_are_cut() -> None:
    assert clean_headline("Nvidia beats estimates | TechCrunch") == "Nvidia beats estimates"
