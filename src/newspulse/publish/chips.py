"""An event's entity chips: the names of people, companies, organisations, products and
places its articles are about, one chip per entity.

The stored fact keys are lowercase and come from title-case headlines, where every word is
capitalised, so a capitalised match proves little.  The member articles' running text is
the evidence: a name is written capitalised in the middle of a sentence ("said Jensen
Huang", "bought by SoftBank"), a phrase such as "cheaper electricity prices" is not.  The
outlets that carry the story (their domains, and the credits of wire datelines such as
"LONDON (Reuters) -") are who told it, not what it is about, and a dateline's place names
only where the story was filed: both are left out.  Pure and deterministic: the same keys
and texts give the same chips in the same order.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from newspulse.text.sentences import OWNER_ENDING

# Words that stay lowercase inside a name ("Bank of America", "Tour de France").
FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "at",
        "by",
        "de",
        "del",
        "der",
        "des",
        "di",
        "du",
        "for",
        "in",
        "la",
        "le",
        "of",
        "on",
        "or",
        "the",
        "to",
        "van",
        "von",
        "y",
    ]
)
# Legal-form and holding words that name the same company with or without them.
CORPORATE_SUFFIXES = frozenset(
    [
        "inc",
        "corp",
        "corporation",
        "co",
        "company",
        "ltd",
        "limited",
        "llc",
        "plc",
        "ag",
        "sa",
        "nv",
        "se",
        "gmbh",
        "holdings",
        "group",
    ]
)
# A wire dateline opening a paragraph: "LONDON (Reuters) -", "NEW YORK, Feb 3 (AP) —".
DATELINE = re.compile(
    r"^[ \t]*(?P<place>[A-Z][A-Z.'\u2019 -]{1,40}?[A-Z.])"
    r"(?:,[ \t]*[A-Z][\w.' ]{1,30}?)?[ \t]*(?:\((?P<credit>[^()\n]{1,40})\))?"
    r"[ \t]*[-\u2013\u2014][ \t]+",
    re.MULTILINE,
)
CREDIT = re.compile(r"\(([A-Z][\w&.' -]{0,30}?)(?: Photo| Images)?(?:/[^()\n]{0,60})?\)")
WORD = re.compile(r"[^\W_][\w'\u2019&.-]*")
# Member bodies an event page reads for its chips: prose enough to tell names from common
# words, and a bound on what one page of a story with hundreds of articles reads.
EVIDENCE_ARTICLES = 50
# Prose long enough that a name the event is about would be repeated in it.
AMPLE_PROSE_WORDS = 150
# A line whose words are mostly capitalised is a headline, caption or menu, not prose.
TITLE_CASE_SHARE = 0.6


@dataclass(frozen=True, slots=True)
class Evidence:
    """How the members' prose writes one key: capitalised or lowercase (``upper``,
    ``lower``: mid-sentence, or past a sentence's first word), and how often at all."""

    upper: int = 0
    lower: int = 0
    seen: int = 0


def strip_datelines(text: str) -> str:
    """``text`` without its dateline openers, which name where a story was filed."""
    return DATELINE.sub("", text)


def outlet_names(sources: Iterable[str], texts: Iterable[str]) -> frozenset[str]:
    """Compact names of the outlets: member sources ("reuters.com" → "reuters") and the
    credits of datelines and photos ("(Reuters)", "(AP Photo/…)")."""
    found: set[str] = set()
    for source in sources:
        host = source.strip().lower().removeprefix("www.")
        stem = host.split(".")[0] if "." in host and " " not in host else host
        found.update(filter(None, (compact(host), compact(stem))))
    for text in texts:
        for match in DATELINE.finditer(text):
            if match.group("credit"):
                found.add(compact(match.group("credit")))
        for match in CREDIT.finditer(text):
            found.add(compact(match.group(1)))
    return frozenset(found - {""})


def compact(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


def base_words(key: str) -> tuple[str, ...]:
    """The words one entity keeps across spellings: no possessive, no corporate suffix
    ("NVIDIA Corp.'s" → ("nvidia",))."""
    words = [OWNER_ENDING.sub("", w) for w in re.findall(r"[\w'\u2019&-]+", key.lower())]
    words = [w for w in words if w]
    while len(words) > 1 and words[-1] in CORPORATE_SUFFIXES:
        words.pop()
    return tuple(words)


def is_prose(line: str) -> bool:
    words = [w for w in WORD.findall(line) if w.lower() not in FUNCTION_WORDS and w[0].isalpha()]
    if len(words) < 4:
        return False
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised / len(words) < TITLE_CASE_SHARE


def prose_lines(texts: Iterable[str]) -> list[str]:
    return [line for text in texts for line in text.splitlines() if is_prose(line)]


def key_pattern(key: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(key)}(?![\w-])", re.IGNORECASE)


def mid_sentence(line: str, start: int) -> bool:
    before = line[:start].rstrip()
    return bool(before) and (before[-1].islower() or before[-1].isdigit() or before[-1] in ",;")


def inside_longer_name(line: str, start: int, end: int) -> bool:
    """A capitalised word next to the match: "Group" in "Adani Group" says nothing of
    how the prose writes "group" alone."""
    before = WORD.findall(line[:start][-40:])
    after = WORD.findall(line[end:][:40])
    near = [w for w in (before[-1:] + after[:1]) if w.lower() not in FUNCTION_WORDS]
    return any(w[0].isupper() or w[0].isdigit() for w in near) and mid_sentence(line, start)


def judge(occurrence: str, mid: bool) -> bool | None:
    """True when an occurrence is written as a name, False as common words, None when it
    says nothing (a single word opening a sentence)."""
    words = [w for w in WORD.findall(occurrence) if w.lower() not in FUNCTION_WORDS]
    if not mid:
        words = words[1:]
    if not words:
        return None
    return all(w[0].isupper() or w[0].isdigit() for w in words)


def evidence(pattern: re.Pattern[str], lines: Sequence[str], *, alone: bool = False) -> Evidence:
    upper = lower = seen = 0
    for line in lines:
        for match in pattern.finditer(line):
            seen += 1
            if alone and inside_longer_name(line, match.start(), match.end()):
                continue
            verdict = judge(match.group(0), mid_sentence(line, match.start()))
            if verdict is True:
                upper += 1
            elif verdict is False:
                lower += 1
    return Evidence(upper, lower, seen)


def is_common(key: str, lines: Sequence[str], headlines: int) -> bool:
    """Whether the members' prose writes ``key`` as ordinary words rather than a name.

    A word is common when the prose writes it lowercase more often than not.  A phrase
    is a name when the prose writes it capitalised at least as often as not; otherwise it
    is common when one of its words is common elsewhere in the prose ("cheaper" in
    "Cheaper Electricity Prices", but not "hynix" in "SK hynix"), or when ample prose
    never repeats it and only one headline has it ("Adani Offers Prayers", "Denies").  Without
    prose there is no evidence and the key stays.
    """
    pattern = key_pattern(key)
    words = [w for w in key.split() if w not in FUNCTION_WORDS]
    ample = sum(len(line.split()) for line in lines) >= AMPLE_PROSE_WORDS
    unseen = ample and headlines < 2
    whole = evidence(pattern, lines, alone=len(words) < 2)
    if len(words) < 2:
        return whole.lower > whole.upper if whole.seen else unseen
    if whole.upper and whole.upper >= whole.lower:
        return False
    rest = [pattern.sub(" | ", line) for line in lines]
    for word in words:
        elsewhere = evidence(key_pattern(word), rest, alone=True)
        if elsewhere.lower > elsewhere.upper:
            return True
    return not whole.seen and unseen


def best_spelling(pattern: re.Pattern[str], titles: Sequence[str], prose: Sequence[str]) -> str:
    """The capitalised spelling the event writes most ("PJM" over a re-cased "Pjm"), every
    word capitalised first ("Samsung Electronics" over "Samsung electronics"); the first
    headline's spelling wins a tie.  "" when no headline names the key."""
    headline = [m.group(0) for t in titles for m in pattern.finditer(t) if m.group(0)[0].isupper()]
    if not headline:
        return ""
    counts = Counter(headline)
    counts.update(m.group(0) for line in prose for m in pattern.finditer(line))
    order = {spelling: i for i, spelling in reversed(list(enumerate(headline)))}
    capitalised = [s for s in counts if s[0].isupper()]
    return min(
        capitalised,
        key=lambda s: (not judge(s, True), -counts[s], order.get(s, len(order)), s),
    )


def name_chips(
    keys: Sequence[str],
    titles: Sequence[str],
    *,
    texts: Sequence[str] = (),
    sources: Sequence[str] = (),
) -> tuple[str, ...]:
    """An event's names as chips: one per person or company, spelled as its articles
    spell them, junk left out.

    The stored keys are lowercase ("huang", "jensen huang", "jen-sen", "ai", "deal.at").
    A key is kept when a headline names it (datelines aside), it is not an outlet of the
    event (``sources``, dateline credits) and the prose of ``titles`` and ``texts`` does
    not write it as ordinary words.  Variants of one name merge: case, possessives and
    corporate suffixes ("NVIDIA Corp" / "Nvidia"), a key inside a longer one ("huang" /
    "jensen huang"), or the same once spaces and hyphens go ("jen-sen" / "jensen").
    """
    titles = [strip_datelines(title) for title in titles]
    texts = [strip_datelines(text) for text in texts]
    outlets = outlet_names(sources, texts)
    lines = prose_lines([*titles, *texts])
    body_lines = prose_lines(texts)
    spelled: dict[str, str] = {}
    for key in keys:
        if len(key) < 2 or any(mark in key for mark in "./@:#"):
            continue
        base = base_words(key)
        if not base or is_outlet(base, outlets):
            continue
        pattern = key_pattern(key)
        spelling = best_spelling(pattern, titles, body_lines)
        headlines = len({title for title in titles if pattern.search(title)})
        if spelling and not is_common(key, lines, headlines):
            spelled[key] = spelling
    kept: list[tuple[str, ...]] = []
    chips: dict[str, str] = {}
    # Most words first, so a surname meets its full name; of one name's variants the
    # shortest spelling ("Nvidia", not "NVIDIA Corp") stands for it.
    for key in sorted(spelled, key=lambda k: (-len(base_words(k)), len(k), k)):
        words = base_words(key)
        if not any(same_entity(words, other) for other in kept):
            kept.append(words)
            chips[key] = spelled[key]
    return tuple(chips[key] for key in keys if key in chips)


def is_outlet(words: tuple[str, ...], outlets: frozenset[str]) -> bool:
    """A name that is, or opens with, an outlet of the event ("Reuters", "TrendForce News")."""
    return any("".join(words[:n]).replace("-", "") in outlets for n in range(1, len(words) + 1))


def same_entity(words: tuple[str, ...], longer: tuple[str, ...]) -> bool:
    """``words`` names what ``longer`` names: part of it ("huang" / "jensen huang") or one
    of its words once hyphens go ("jen-sen" / "jensen")."""
    joined = "".join(words).replace("-", "")
    return set(words) <= set(longer) or joined in {w.replace("-", "") for w in longer}
