"""Headlines as a reader should see them: cleaned of outlet tags, and told apart from a
source's title they copy.  An event's one title is chosen in ``text.event_titles``.
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
