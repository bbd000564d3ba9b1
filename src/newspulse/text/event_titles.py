"""One title per event, as a reader should see it on the Sources, event and History pages.

In order of preference: the most central real member headline that passes every rule of
``text.title_rules`` once cleaned of outlet tags and datelines (or once cut at its dash
when it runs long); else a slug-derived title re-cased as the texts spell its words (on
the bundled corpora these read better than made ones: "Etched is betting one chip on
transformers ..." against "In a fab queue at TSMC ..."); else a headline made from a
member's lead sentence (subject, verb and object with its figure, trailing clauses cut);
else the best of what is left, cleaned.  Same members in the same order give the same
title.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from newspulse.text.lead_in import strip_lead_in
from newspulse.text.readability import (
    ATTRIBUTION,
    INCOMPLETE_END,
    article_relative_time,
    dangling_opener,
)
from newspulse.text.sentences import content_words, looks_verbish, split_sentences, word_set
from newspulse.text.title_rules import (
    MAX_TITLE_WORDS,
    clean_title,
    recase_slug,
    spellings,
    title_problem,
)

# A title made from a lead sentence is cut to this many words.
MAX_MADE_WORDS = 14
MIN_MADE_WORDS = 5
# Sentences of each member's text tried for a made title.
LEAD_SENTENCES = 2
# Characters of each member's text read (the lead is at the top).
TEXT_CHARS = 3000
# Members a title is chosen from (the first, by article id): the story's own headlines, and a
# bound on what each clustering batch reads for an event that keeps growing (spellings cost
# about 1.4 ms per member).
TITLE_MEMBERS = 50


@dataclass(frozen=True, slots=True)
class TitleSource:
    """A member article as the title needs it."""

    title: str
    derived: bool
    text: str = ""


def event_title(members: Sequence[TitleSource]) -> str:
    """The event's title (module docstring); "" when no member has a title or text."""
    names = spellings(m.text[:TEXT_CHARS] for m in members if m.text)
    real = [clean_title(m.title) for m in members if not m.derived and m.title.strip()]
    usable = [t for t in dict.fromkeys(fitted(t, names) for t in real) if t]
    if usable:
        return most_central(usable)
    slugs = [recase_slug(clean_title(m.title), names) for m in members if m.derived]
    slugs = [t for t in slugs if t]
    usable = [t for t in dict.fromkeys(slugs) if title_problem(t, names) is None]
    if usable:
        return most_central(usable)
    made = [t for m in members for t in lead_titles(m.text[:TEXT_CHARS], names)]
    return most_central(list(dict.fromkeys(made)) or real or slugs)


def fitted(title: str, names: Mapping[str, str]) -> str | None:
    """The headline as it is when it passes every rule, or cut at its dash or colon when
    that makes it pass ("Trump approves Nvidia H200 exports to China, with 25% fee
    attached — report suggests ..."); None when neither does."""
    if title_problem(title, names) is None:
        return title
    head = re.split(r"\s[\u2013\u2014-]\s|:\s|\?\s|!\s", title, maxsplit=1)[0].strip()
    if head != title and title_problem(head, names) is None:
        return head
    return None


def most_central(pool: Sequence[str]) -> str:
    """The title sharing most content words with the others, the first on ties."""
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


# Where a lead sentence's trailing clause starts: it is cut there.
CLAUSE_BREAK = re.compile(
    r",\s+(?:which|who|whose|where|when|while|creating|making|marking|bringing|sending|"
    r"giving|adding|according|as|after|amid|with|following|citing|despite|but|and|a move|"
    r"wherein|whereby|up from|down from|"
    r"the\s+\w+\s+said|said|says)\b|\s[\u2013\u2014]\s|\s-\s|;\s|:\s|\s\(",
)
# "X said (on Monday) (that) it has raised ..." → "X has raised ...".
REPORTED = re.compile(
    r"^(?P<subject>.{3,80}?)\s+(?:said|says|announced|reported|confirmed|revealed|disclosed)"
    r"(?:\s+(?:this|last)\s+week|\s+on\s+\w+|\s+\w+day|\s+today)?(?:\s+that)?"
    r"\s+(?:it|they|the company|the firm)\s+(?P<rest>.+)$"
)
# Words before which a long headline may be cut: what follows adds, the head still says.
CUT_BEFORE = re.compile(
    r"\s(?=(?:to|in|at|for|as|amid|after|from|on|with|that|and|by|over|under|into|"
    r"across|while|than|since)\s)"
)
PARENTHESIS = re.compile(r"\s*\([^()]{0,80}\)")


def lead_titles(text: str, names: Mapping[str, str]) -> Iterator[str]:
    """Headlines made from the first sentences of ``text`` that pass every rule."""
    for sentence in split_sentences(text)[:LEAD_SENTENCES]:
        made = shortened(LEADING_WHEN.sub("", strip_lead_in(clean_title(sentence))))
        if (
            made
            and made.split()[0].lower() not in SCENE_OPENERS
            and title_problem(made, names) is None
            and dangling_opener(made) is None
            and article_relative_time(made) is None
        ):
            yield made


# "On January 9, 2026, Meta revealed ...": the date goes, the sentence stays.
LEADING_WHEN = re.compile(
    r"^(?:on|in|by|as of)\s+(?:[A-Z][a-z]+\.?\s+\d{1,2}(?:,\s*\d{4})?|[A-Z][a-z]+day|"
    r"\d{4}|[A-Z][a-z]+\s+\d{4}),\s+(?=[A-Z])"
)
# A sentence that sets a scene or opens on a subordinate clause names no event up front.
SCENE_OPENERS = word_set(
    "after while although though when whenever if because since before once unless as in on "
    "at for with amid during despite over under from by to this these those there here it "
    "what why how who where"
)


def shortened(sentence: str) -> str:
    """Subject, verb and object with its figure: the sentence without attribution,
    parentheses and trailing clauses, cut to ``MAX_MADE_WORDS`` at a phrase boundary."""
    text = PARENTHESIS.sub("", ATTRIBUTION.sub("", sentence)).strip()
    reported = REPORTED.match(text)
    if reported and not reported["subject"].endswith(","):
        text = f"{reported['subject']} {reported['rest']}"
    text = CLAUSE_BREAK.split(text, maxsplit=1)[0]
    text = text.rstrip(" .,;:!?\u2026")
    words = text.split()
    if len(words) > MAX_MADE_WORDS:
        fit = range(MIN_MADE_WORDS, MAX_MADE_WORDS + 1)
        # A comma closes a phrase: cut there first, else before a linking word.
        commas = [m.start() for m in re.finditer(",", text)]
        linked = [m.start() for m in CUT_BEFORE.finditer(text)]
        heads = [text[:c] for c in commas if len(text[:c].split()) in fit] or [
            text[:c] for c in linked if len(text[:c].split()) in fit
        ]
        if not heads:
            return ""
        text = heads[-1]
    words = text.split()
    while words and words[-1].lower().strip(",") in INCOMPLETE_END:
        words.pop()
    if not MIN_MADE_WORDS <= len(words) <= MAX_TITLE_WORDS:
        return ""
    if not any(looks_verbish(w) for w in words[1:] if w.islower()):
        return ""
    made = " ".join(words).rstrip(",")
    return made[:1].upper() + made[1:]
