"""A short timeline of the topic's key dated events, oldest first.

Each entry is one planned event: the date it was first reported by a source that
stated its publication date (estimated dates never make an entry), and the headline of
that day's report whose words the event's other reports use most, as the line (its first
clean sentence of headline length when the title was made up from the URL), cited to it.
Date, line and citation come from the same article, so each entry is checkable on its own.

Oldest first: a timeline is read as the order in which the story unfolded (an
``<ol>``), and "Notable recent developments" already puts the newest events at the
reader's eye.  The most salient events are chosen, then shown in date order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from newspulse.domain import Article, EventSummary, TimelineEntry
from newspulse.text.headlines import clean_headline
from newspulse.text.readability import TITLE_CASE_SHARE, TITLE_WORD
from newspulse.text.sentences import content_words, looks_verbish
from newspulse.write.evidence import article_candidates
from newspulse.write.extractive import MAX_HEADLINE_WORDS

MAX_ENTRIES = 8
MIN_HEADLINE_WORDS = 4
MAX_LINE_WORDS = 30
# Reports read to find the first day's most representative headline (bounded work per event).
MAX_READ = 50


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
    """The event's first stated day, told by that day's report whose headline the others'
    words tell most (``central_first``), or the next day's when none of its reports has a
    usable line."""
    members = [articles[a] for a in event.article_ids if a in articles]
    dated = sorted(
        (a for a in members if not a.date_estimated), key=lambda a: (a.published_at, a.id)
    )
    days = sorted({a.published_at.date() for a in dated})
    for day in days:
        lines = [(a, one_line(a)) for a in dated if a.published_at.date() == day]
        usable = [(a, line) for a, line in lines if line]
        if usable:
            article, line = central_first(usable, members)
            return TimelineEntry(day, line, (article.uid,), event.id)
    return None


def central_first(
    lines: Sequence[tuple[Article, str]], members: Sequence[Article]
) -> tuple[Article, str]:
    """The line whose words the event's other reports (up to ``MAX_READ``) use most: one
    outlet's angle ("Where's the outrage over ...?") gives way to what all of them report;
    a real headline before a first sentence; on a tie, the earliest report."""
    if len(lines) == 1:
        return lines[0]
    read = members[:MAX_READ]
    bodies = {a.id: frozenset(content_words(f"{a.title}. {a.text}")) for a in read}

    def told_by_others(pair: tuple[Article, str]) -> float:
        words = content_words(pair[1])
        if not words:
            return 0.0
        others = [body for article_id, body in bodies.items() if article_id != pair[0].id]
        return sum(len(words & body) / len(words) for body in others)

    # A real headline before a sentence standing in for a made-up title.
    scores = [(pair[1] == clean_headline(pair[0].title), told_by_others(pair)) for pair in lines]
    return lines[scores.index(max(scores))]


def one_line(article: Article) -> str | None:
    """The article's headline, or (for a title made up from its URL, or a teaser that tells
    no event: "Snail-speed superbrain, big-time drama") its first usable sentence of
    headline length; the teaser when the article has none."""
    teaser = None
    if not article.title_derived:
        line = clean_headline(article.title)
        if MIN_HEADLINE_WORDS <= len(line.split()) <= MAX_HEADLINE_WORDS:
            if tells_an_event(line):
                return line
            teaser = line
    for candidate in article_candidates(article):
        if len(candidate.text.split()) <= MAX_LINE_WORDS:
            return candidate.text
    return teaser


def tells_an_event(headline: str) -> bool:
    """Whether a headline in sentence case has a lowercase verb ("Trump slams Kerry ...",
    "BTC slips below $90K"): a teaser of noun phrases tells no event.  Title Case hides
    its verbs ("MatX Raises $500M"), so such a headline is taken as it is."""
    words = TITLE_WORD.findall(headline)
    lowercase = [w for w in words if w.islower() and "-" not in w]
    if len(lowercase) < len(words) * (1 - TITLE_CASE_SHARE):
        return True
    return any(looks_verbish(word) for word in lowercase)
