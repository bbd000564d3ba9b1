from __future__ import annotations

import tomllib

from newspulse.suggest import suggest_topics
from tests.write.helpers import make_article, make_event


def test_unclaimed_stories_become_named_topic_suggestions() -> None:
    rugby = [
        make_article(
            1,
            "England beat the All Blacks 33-19 at Allianz Stadium.",
            title="England beat All Blacks",
            source="bbc.example",
        ),
        make_article(
            2,
            "England came from behind to beat New Zealand's All Blacks 33-19.",
            title="England stun All Blacks",
            source="guardian.example",
        ),
    ]
    lonely = [make_article(3, "A one-outlet story about a local fete.", title="Local fete")]
    articles = {a.id: a for a in rugby + lonely}
    events = [make_event(1, rugby, direction=0), make_event(2, lonely, direction=1)]
    (suggestion,) = suggest_topics(events, articles)  # the one-outlet story is not offered
    assert suggestion.sources == 2
    assert suggestion.articles == 2
    assert "England" in suggestion.title or "All Blacks" in suggestion.title
    assert suggestion.examples == ("England beat All Blacks", "England stun All Blacks")
    entry = tomllib.loads(suggestion.to_toml("sports"))["topics"][0]
    assert entry["vertical"] == "sports"
    assert entry["slug"] == suggestion.slug
    assert entry["include"]
