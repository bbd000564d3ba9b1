"""Grouping a topic's events into themes, and naming each theme from its content.

1. Average-linkage agglomerative clustering of event centroids (cosine), merged
   until the number of themes fits the number of events (3-7 by default).
2. Themes are named by c-TF-IDF over candidate phrases (names and content-word
   bigrams of the events' titles and lead sentences): phrases frequent in this
   theme and rare in the others (Grootendorst 2022, BERTopic's class-based TF-IDF).
   Frequency counts *events*, not articles (``name_themes_by_events``): a phrase
   that five outlets repeat about one story names that story, not the theme; one
   that several of the theme's events share names what they have in common.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from newspulse.domain import EventSummary
from newspulse.text.grammar import NOT_IN_A_NOUN_PHRASE, verbal_word
from newspulse.text.names import find_names
from newspulse.text.sentences import STOPWORDS, VERBISH_WORDS

WORD = re.compile(r"[A-Za-z][A-Za-z0-9&'\-]+")
GENERIC_PHRASES = frozenset(
    {
        "company",
        "companies",
        "year",
        "billion",
        "million",
        "percent",
        "report",
        "reports",
        "news",
        "week",
        "month",
        "said",
        "says",
        "new",
        "inc",
        "ceo",
        "read",
        "more",
        "ai",
        "artificial",
        "intelligence",
        "artificial intelligence",
        "quarter",
        "first",
        "second",
        "third",
        "fourth",
        "fiscal",
        "record",
        "deal",
        "plans",
        "latest",
    }
)


def theme_count(events: int, *, min_themes: int, max_themes: int) -> int:
    """About one theme per three events, within the configured bounds."""
    if events <= 1:
        return events
    return max(min(min_themes, events), min(max_themes, round(events / 3)))


def group_events(events: Sequence[EventSummary], k: int) -> list[list[EventSummary]]:
    """Average-linkage clustering into ``k`` groups; deterministic for the same input.

    Group similarities are updated with the Lance-Williams formula, so each merge
    costs one vector operation over the remaining groups.
    """
    if not events:
        return []
    vectors = np.stack([e.centroid / max(float(np.linalg.norm(e.centroid)), 1e-9) for e in events])
    similarity = (vectors @ vectors.T).astype(np.float64)
    np.fill_diagonal(similarity, -np.inf)
    members: dict[int, list[int]] = {i: [i] for i in range(len(events))}
    alive = np.ones(len(events), dtype=bool)
    while len(members) > max(k, 1):
        masked = np.where(alive[:, None] & alive[None, :], similarity, -np.inf)
        a, b = divmod(int(np.argmax(masked)), len(events))
        a, b = min(a, b), max(a, b)
        size_a, size_b = len(members[a]), len(members[b])
        merged = (size_a * similarity[a] + size_b * similarity[b]) / (size_a + size_b)
        similarity[a], similarity[:, a] = merged, merged
        similarity[a, a] = -np.inf
        alive[b] = False
        members[a] = sorted(members[a] + members.pop(b))
    return [[events[i] for i in group] for group in members.values()]


def merge_small_groups(
    groups: list[list[EventSummary]], *, min_groups: int
) -> list[list[EventSummary]]:
    """Fold single-event groups into their nearest larger group while enough groups remain.

    A one-event "theme" reads as a stray section; its event fits better as a bullet of
    the closest theme.
    """
    groups = [list(group) for group in groups]
    while len(groups) > min_groups:
        singles = [i for i, group in enumerate(groups) if len(group) == 1]
        if not singles:
            break
        single = groups.pop(singles[-1])[0]
        vector = single.centroid / max(float(np.linalg.norm(single.centroid)), 1e-9)
        scores = [group_similarity(vector, group) for group in groups]
        groups[int(np.argmax(scores))].append(single)
    return groups


def group_similarity(vector: npt.NDArray[np.float32], group: Sequence[EventSummary]) -> float:
    centroid = np.mean([e.centroid for e in group], axis=0)
    return float(vector @ centroid / max(float(np.linalg.norm(centroid)), 1e-9))


def theme_phrases(
    texts: Sequence[str], stop: frozenset[str] = frozenset(), *, names: bool = True
) -> Counter[str]:
    """Candidate naming phrases of one theme, counted once per text: lowercase noun-like
    bigrams, and names when ``names`` (section titles take none: a title that is a name or
    a pair of names tells the reader nothing about the theme)."""
    counts: Counter[str] = Counter()
    ignored = GENERIC_PHRASES | stop
    found = [find_names(text) for text in texts]
    # "SK hynix": a word that is part of a name is no common noun, whatever its case.
    name_words = {word.lower() for names_found in found for n in names_found for word in n.split()}
    for text, text_names in zip(texts, found, strict=True):
        phrases: set[str] = set()
        if names:
            phrases = {name for name in text_names if name.lower() not in ignored}
        words = [w for w in WORD.findall(text)]
        for index, (first, second) in enumerate(itertools.pairwise(words)):
            low1, low2 = first.lower(), second.lower()
            # "SK hynix follows", "BTC reserves shrank": a lowercase word right after a
            # capitalised one may be the tail of a name or a clause about it.
            if not names and index and words[index - 1][:1].isupper():
                continue
            if low1 in STOPWORDS or low2 in STOPWORDS:
                continue
            if low1 in ignored or low2 in ignored:
                continue
            if not names and (low1 in name_words or low2 in name_words):
                continue
            if first[0].islower() and second[0].islower() and noun_like(low1, low2):
                phrases.add(f"{low1} {low2}")
        counts.update(phrases)
    return counts


def name_themes(
    theme_texts: Sequence[Sequence[str]],
    *,
    max_phrases: int = 3,
    stop: frozenset[str] = frozenset(),
    names: bool = True,
) -> list[str]:
    """One distinct title per theme from its most distinctive phrases.

    ``stop`` holds lowercase words every theme of the topic shares (the topic's own
    title words), which would name nothing.
    """
    counts = [theme_phrases(texts, stop, names=names) for texts in theme_texts]
    document_frequency: Counter[str] = Counter()
    for theme in counts:
        document_frequency.update(set(theme))
    titles: list[str] = []
    used: set[str] = set()
    for theme in counts:
        scored = sorted(
            (
                (count * math.log(1 + len(counts) / document_frequency[phrase]), phrase)
                for phrase, count in theme.items()
            ),
            key=lambda pair: (-pair[0], pair[1]),
        )
        # Phrases used by two or more articles name a theme best; single mentions (often
        # page furniture) are the fallback for themes with nothing shared.
        shared = [pair for pair in scored if theme[pair[1]] >= 2]
        chosen: list[str] = []
        for _, phrase in shared or scored[:1]:
            if any(overlaps(phrase, other) for other in chosen) or phrase.lower() in used:
                continue
            chosen.append(phrase)
            if len(chosen) == max_phrases:
                break
        used.update(p.lower() for p in chosen)
        title = join_phrases(chosen) if chosen else "Other developments"
        while title in titles:
            title = f"{title} (continued)"
        titles.append(title)
    return titles


def overlaps(a: str, b: str) -> bool:
    """Phrases that share a word or a word stem ("China" / "Chinese") name the same thing."""
    stems_a = {word[:4] for word in a.lower().split()}
    stems_b = {word[:4] for word in b.lower().split()}
    return bool(stems_a & stems_b)


def join_phrases(phrases: Sequence[str]) -> str:
    shown = [phrases[0][0].upper() + phrases[0][1:], *phrases[1:]]
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " and " + shown[-1]


# "reported strong", "recently announced": a verb or adverb leading a bigram names nothing.
# A second phrase joins the title only when it is about as strong as the first.
SECOND_PHRASE_SHARE = 0.5
NOT_A_NOUN_PHRASE = re.compile(r"^[a-z][a-z\-]*(?:ed|ly) ")


def name_themes_by_events(
    theme_event_texts: Sequence[Sequence[Sequence[str]]],
    *,
    max_phrases: int = 2,
    stop: frozenset[str] = frozenset(),
) -> list[str]:
    """One distinct title per theme from the phrases most of its events share.

    ``theme_event_texts[t][e]`` holds the texts of event ``e`` of theme ``t``.  Phrases
    count once per event and are weighted by how rare they are among the other themes;
    only phrases two or more events share qualify.  A theme with none (a single event,
    or events with nothing in common) keeps the article-count name of ``name_themes``.
    """
    coverage: list[Counter[str]] = []
    mentions: list[Counter[str]] = []
    for events in theme_event_texts:
        counts: Counter[str] = Counter()
        articles: Counter[str] = Counter()
        for texts in events:
            phrases = theme_phrases(texts, stop, names=False)
            counts.update(set(phrases))
            articles.update(phrases)
        coverage.append(counts)
        mentions.append(articles)
    fallback = name_themes(
        [[text for texts in events for text in texts] for events in theme_event_texts],
        stop=stop,
        names=False,
    )
    document_frequency: Counter[str] = Counter()
    for counts in coverage:
        document_frequency.update(set(counts))
    titles: list[str] = []
    used: set[str] = set()
    for counts, articles, default in zip(coverage, mentions, fallback, strict=True):
        scored = sorted(
            (
                (
                    articles[phrase] * math.log(1 + len(coverage) / document_frequency[phrase]),
                    phrase,
                )
                for phrase, count in counts.items()
                if count >= 2 and not NOT_A_NOUN_PHRASE.match(phrase)
            ),
            key=lambda pair: (-pair[0], -len(pair[1]), pair[1]),
        )
        chosen: list[str] = []
        for score, phrase in scored:
            if chosen and score < SECOND_PHRASE_SHARE * scored[0][0]:
                break
            if phrase.lower() in used or any(
                overlaps(phrase, other) or abbreviates(phrase, other) for other in chosen
            ):
                continue
            chosen.append(phrase)
            if len(chosen) == max_phrases:
                break
        title = join_phrases(chosen) if chosen else default
        used.update(p.lower() for p in chosen)
        while title in titles:
            title = f"{title} (continued)"
        titles.append(title)
    return titles


def noun_like(first: str, second: str) -> bool:
    """ "data center", "memory prices": not "company announced", "said that", "will build"."""
    if first in VERBISH_WORDS or second in VERBISH_WORDS:
        return False
    if verbal_word(first) or second in NOT_IN_A_NOUN_PHRASE:
        return False
    if second.endswith(("ed", "ly")) or first.endswith("ly"):
        return False
    return not (first.isdigit() or second.isdigit())


def abbreviates(a: str, b: str) -> bool:
    """An all-capitals short form whose letters run through the other name ("BTC", "Bitcoin")."""
    short, long = sorted((a, b), key=len)
    if not (short.isupper() and short.isalpha()) or len(short) >= len(long):
        return False
    remaining = iter(long.lower())
    return all(letter in remaining for letter in short.lower())
