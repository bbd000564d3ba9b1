"""Headlines as a reader should see them: cleaned of outlet tags, and one chosen per story.

An event is labelled by the member headline that best says what its articles share: the
real (not URL-derived) headline whose content words overlap most with the other members'
headlines, the first reported on ties.  A headline derived from a URL slug ("Softbank is
buying digitalbridge for dollar4 billion") is used only when no member has a real one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from newspulse.text.sentences import content_words

# " - Outlet", " | Site", " \u2013 Outlet": a trailing site name in a headline.
HEADLINE_SUFFIX = re.compile("\\s+[-|\u2013\u2014]\\s+[^-|\u2013\u2014]{2,40}$")


def clean_headline(title: str) -> str:
    """Drop a trailing " - Outlet" or " | Site" and surrounding whitespace."""
    return HEADLINE_SUFFIX.sub("", " ".join(title.split())).strip()


# A headline sharing this share of its content words with a source title copies it.
COPIED_TITLE_OVERLAP = 0.8


def copied_title(text: str, titles: Sequence[str]) -> str | None:
    """The first of ``titles`` that ``text`` (nearly) repeats: most content words shared,
    counted against the longer of the two."""
    words = content_words(text)
    if not words:
        return None
    for title in titles:
        title_words = content_words(title)
        if title_words:
            overlap = len(words & title_words) / max(len(words), len(title_words))
            if overlap >= COPIED_TITLE_OVERLAP:
                return title
    return None


def best_headline(titles: Sequence[tuple[str, bool]]) -> str:
    """The most central real headline of ``titles`` ((title, derived from the URL) pairs)."""
    real = [clean_headline(t) for t, derived in titles if not derived and t.strip()]
    pool = real or [clean_headline(t) for t, _ in titles if t.strip()]
    if not pool:
        return ""
    words = [content_words(title) for title in pool]

    def centrality(index: int) -> float:
        mine = words[index]
        return sum(
            len(mine & other) / len(mine | other)
            for j, other in enumerate(words)
            if j != index and mine | other
        )

    best = min(range(len(pool)), key=lambda i: (-round(centrality(i), 6), i))
    title = pool[best]
    return title[:1].upper() + title[1:]
