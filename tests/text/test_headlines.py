"""Event labels: the most central real headline, never a URL slug when a real one exists."""

from __future__ import annotations

from newspulse.text.headlines import best_headline, clean_headline


def test_the_headline_most_members_share_words_with_wins() -> None:
    titles = [
        ("Softbank is buying digitalbridge for dollar4 billion", True),
        ("SoftBank agrees to buy DigitalBridge for $4 billion - Reuters", False),
        ("SoftBank to buy data center investor DigitalBridge", False),
        ("Markets wrap: stocks slip", False),
    ]
    assert best_headline(titles) == "SoftBank agrees to buy DigitalBridge for $4 billion"


def test_a_slug_title_is_used_only_when_no_member_has_a_real_one() -> None:
    assert best_headline([("sam altmans biggest deal of 2025", True)]) == (
        "Sam altmans biggest deal of 2025"
    )
    assert best_headline([]) == ""


def test_ties_go_to_the_first_reported() -> None:
    first, second = "Etched raises $500 million", "Etched valued at $5 billion"
    assert best_headline([(first, False), (second, False)]) == first


def test_outlet_tags_are_cut() -> None:
    assert clean_headline("Nvidia beats estimates | TechCrunch") == "Nvidia beats estimates"
