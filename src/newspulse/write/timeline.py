"""A short timeline of the topic's key dated events, oldest first.

Each entry is one planned event: the date it was first reported by a source that
stated its publication date (estimated dates never make an entry), and that
article's headline as the line (its first clean sentence of headline length when
the title was made up from the URL), cited to it.  Date, line and citation come from the
same article, so each entry is checkable on its own.

Oldest first: a timeline is read as the order in which the story unfolded (an
``<ol>``), and "Notable recent developments" already puts the newest events at the
reader's eye.  The most salient events are chosen, then shown in date order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from newspulse.domain import Article, EventSummary, TimelineEntry
from newspulse.text.headlines import clean_headline
from newspulse.write.evidence import article_candidates
from newspulse.write.extractive import MAX_HEADLINE_WORDS

MAX_ENTRIES = 8
MIN_HEADLINE_WORDS = 4
MAX_LINE_WORDS = 30


def build_timeline(
    events: Sequence[EventSummary], articles: Mapping[int, Article], *, limit: int = MAX_ENTRIES
) -> tuple[TimelineEntry, ...]:
    """Entries for the most salient of ``events`` that have a stated date and a headline."""
    entries: list[TimelineEntry] = []
    for event in sorted(events, key=lambda e: (-e.salience, e.id)):
        entry = event_entry(event, articles)
        if entry is not None:
            entries.append(entry)
        if len(entries) == limit:
            break
    return tuple(sorted(entries, key=lambda e: (e.date, e.event_id)))


def event_entry(event: EventSummary, articles: Mapping[int, Article]) -> TimelineEntry | None:
    """The earliest dated report of the event with a real headline of a readable length."""
    members = [articles[a] for a in event.article_ids if a in articles]
    for article in sorted(members, key=lambda a: (a.published_at, a.id)):
        if article.date_estimated:
            continue
        line = one_line(article)
        if line:
            return TimelineEntry(article.published_at.date(), line, (article.uid,), event.id)
    return None


def one_line(article: Article) -> str | None:
    """The article's headline, or (for a title made up from its URL) its first usable
    sentence of headline length."""
    if not article.title_derived:
        line = clean_headline(article.title)
        if MIN_HEADLINE_WORDS <= len(line.split()) <= MAX_HEADLINE_WORDS:
            return line
    for candidate in article_candidates(article):
        if len(candidate.text.split()) <= MAX_LINE_WORDS:
            return candidate.text
    return None
