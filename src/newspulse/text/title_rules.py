"""What makes an event title bad for a reader, and how titles are cleaned and re-cased.

An event's title is read on its own, as a headline: it must not be a URL slug (names
lower-cased, "dollar4", "Pjm s capacity", a word cut off), a body sentence (too long, a
dateline or outlet tag in front, a full stop or "..." at the end, "said" / "announced that"
inside, an opener that leans on a previous sentence) or a teaser (no verb, no figure, no
name).  How a name is spelled is read from the event's own texts (``spellings``): "intel"
is a lower-cased name when the texts only ever write "Intel".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

from newspulse.text.lead_in import LEADING_DATE, strip_lead_in
from newspulse.text.readability import (
    CONNECTIVE_PHRASES,
    CONNECTIVES,
    DATELINE,
    INCOMPLETE_END,
    MONTH_WORDS,
    TITLE_WORD,
    WEEKDAYS,
)
from newspulse.text.sentences import (
    STOPWORDS,
    TITLE_ABBREVIATIONS,
    VERB_CONTRACTION,
    looks_verbish,
    word_set,
)

# A title longer than this is a sentence from the body, not a headline.
MAX_TITLE_WORDS = 20
# A title shorter than this names no event ("Breaking", "Nvidia").
MIN_TITLE_WORDS = 3

# "[FCE] Anthropic raises ...": an outlet's tag in brackets.
OUTLET_TAG = re.compile(r"^\s*\[[^\]]{1,24}\]\s*")
# "Exclusive: ...", "BREAKING | ...", "Watch - ...": a page label before the headline.
LABEL_PREFIX = re.compile(
    r"^(?i:exclusive|breaking(?:\s+news)?|just in|update[ds]?|watch|video|live|analysis|"
    r"opinion|explainer|report|podcast|sponsored|press release|news|market news|tech news)"
    r"\s*(?::|\||\s[-\u2013\u2014])\s*"
)
# "/SemiMedia/ — ": an outlet between slashes, as a wire's dateline prints it.
SLASHED_OUTLET = re.compile(r"^/[^/\s][^/]{0,30}/\s*(?:[-\u2013\u2014:]\s*)?")
# A dateline anywhere near the start ("February 26, 2026 /SemiMedia/ —", "LONDON (Reuters) -").
DATED_START = re.compile(
    rf"^(?:(?:{MONTH_WORDS})\.?\s+\d{{1,2}},?\s+\d{{4}}\b|(?:date[:\s]\s*)?\d{{4}}-\d\d-\d\d\b)",
    re.IGNORECASE,
)
WRAPPING_QUOTES = re.compile('^["\u201c](?P<inner>[^"\u201c\u201d]+)["\u201d]$')

# What a slug leaves of "$4 billion", "PJM's", "can't" and a date.
SLUG_MONEY = re.compile(r"\b(?:dollars?|usd|euros?)\d", re.IGNORECASE)
# "Pjm s capacity", "23 b valuation": a possessive or a unit torn off its word.
ORPHAN_LETTER = re.compile(r"(?<=\w) s (?=\w)|(?<=\d) [bmk]\b")
# "above 125000": a slug drops the commas a headline prints.
BARE_LARGE_NUMBER = re.compile(r"(?<![\d.,$€£])\d{5,}(?![\d.,])")
PERCENT = re.compile(r"(?P<value>\d+(?:\.\d+)?)\s?%")
# "35 profit jump", "up 14 on": a change whose percent sign a slug dropped.
BARE_CHANGE = re.compile(
    r"(?<![\d.,$€£])(?P<value>\d+(?:\.\d+)?)(?=\s+(?:profit\s+)?(?:jump|rise|gain|drop|decline|"
    r"increase|surge|fall|growth|plunge|slide|stake|cut|decrease|rally|on|after|in\s+(?:revenue|"
    r"profit|sales))\b)|\b(?:up|down|by|surges|jumps|rises|falls|drops|slides) "
    r"(?P<after>\d+(?:\.\d+)?)(?![\d.%,])(?!\s*(?:percent|billion|million|trillion|bn|m\b))"
)
# "30 billion": an amount whose currency sign a slug dropped (the texts write "$30 billion").
AMOUNT = re.compile(
    r"(?P<sign>[$€£¥₹]\s?)?(?P<value>\d+(?:[.,]\d+)?)\s?(?P<scale>trillion|billion|million|bn|mn)\b",
    re.IGNORECASE,
)
SLUG_DATE = re.compile(r"\b20\d\d \d{1,2} \d{1,2}\b")
UNAPOSTROPHED = word_set(
    "cant dont wont doesnt didnt isnt wasnt arent werent hasnt havent hadnt couldnt wouldnt "
    "shouldnt heres theres whats thats whos youre theyre weve womens mens childrens"
)
# Lower-cased in a slug, never in a headline: acronyms, months and weekdays.
SLUG_LOWERCASE = word_set(
    "ai yoy qoq ceo cfo ipo etf etfs gpu gpus cpu tpu hbm llm nfl nba mlb nhl ufc fifa uefa "
    "usd btc eth "
    "january february april june july august september october november december "
    + " ".join(WEEKDAYS.split("|"))
)
ACRONYMS = word_set("ai ceo cfo ipo etf etfs gpu gpus cpu tpu hbm llm nfl nba mlb nhl ufc")
# Short words a title may end on; any other one- or two-letter lowercase word was cut off.
SHORT_ENDINGS = word_set("ai us uk eu up in on go tv ev it ok no me be do vs")

SAID = re.compile(
    r"\bsaid\b|\b(?:announced|reported|revealed|confirmed|noted|stated|indicates?|indicated|"
    r"shows?|showed|suggests?)\b(?:\s+[\w\u2019']+){0,3}\s+that\b",
    re.IGNORECASE,
)
TOKEN = re.compile(r"[^\W\d_][\w'\u2019&-]*[\w]|[^\W\d_]")
# A word at a sentence start is capitalised whatever it is: its spelling tells nothing.
SENTENCE_START = re.compile(r"(?:^|[.!?:;\"\u201c\u2014\u2013(\n]\s*)$")


def spellings(texts: Iterable[str]) -> dict[str, str]:
    """How the texts spell the words they never write in lower case: "intel" → "Intel",
    "matx" → "MatX", "ai" → "AI" (the most frequent spelling past a sentence's start);
    "30 billion" → "$30 billion"; "35 pct" → "35%"; a word they write in lower case → ""."""
    written: dict[str, Counter[str]] = {}
    lowercase: set[str] = set()
    texts = list(texts)
    for text in texts:
        for match in TOKEN.finditer(text):
            word = match.group(0).rstrip("'\u2019")
            if word.endswith(("'s", "\u2019s")):
                word = word[:-2]
            key = word.lower()
            if word == key:
                lowercase.add(key)
            elif word[1:] != word[1:].lower() or not SENTENCE_START.search(
                text[max(0, match.start() - 3) : match.start()]
            ):
                # A capital past the first letter ("SoftBank", "xAI") is the name's own
                # spelling even where a sentence starts.
                written.setdefault(key, Counter())[word] += 1
        for run in NAME_RUN.finditer(text):
            phrase = " ".join(run.group(0).split())
            written.setdefault(phrase.lower(), Counter())[phrase] += 1
        for percent in PERCENT.finditer(text):
            written.setdefault(f"{percent['value']} pct", Counter())[percent.group(0)] += 1
        for amount in AMOUNT.finditer(text):
            key = f"{amount['value']} {amount['scale'].lower()}"
            if amount["sign"]:
                written.setdefault(key, Counter())[amount.group(0)] += 1
            else:
                lowercase.add(key)
    # A phrase the texts also write in lower case ("all-time high") is no name.
    plain = "\n".join(texts)
    lowercase |= {k for k in written if " " in k and not k[0].isdigit() and k in plain}
    spelled = {
        key: min(counts, key=lambda w: (-counts[w], w))
        for key, counts in written.items()
        if key not in lowercase and len(key) > 1
    }
    # Words the texts write in lower case map to "": seen, and no name.
    return {**dict.fromkeys(sorted(lowercase), ""), **spelled}


# "Western Digital", "US Open": two or three capitalised words past a sentence's start.
NAME_RUN = re.compile(r"(?<=[a-z,] )(?:[A-Z][\w&\u2019'-]*\s){1,2}[A-Z][\w&-]*[\w](?![\w\u2019'])")


def clean_title(title: str) -> str:
    """The headline without what a page put around it: an outlet tag ("[FCE] "), a label
    ("Exclusive: "), a dateline, wrapping quotes and a trailing " - Outlet"."""
    text = " ".join(title.split())
    for _ in range(3):
        before = text
        text = OUTLET_TAG.sub("", text)
        text = LABEL_PREFIX.sub("", text)
        text = DATED_START.sub("", text).lstrip(" ,")
        text = SLASHED_OUTLET.sub("", text)
        text = strip_lead_in(text)
        if text == before:
            break
    text = HEADLINE_SUFFIX.sub("", text).strip().lstrip("-\u2013\u2014|:, ")
    quoted = WRAPPING_QUOTES.match(text)
    if quoted:
        text = quoted["inner"].strip()
    return text[:1].upper() + text[1:]


HEADLINE_SUFFIX = re.compile("\\s+[-|\u2013\u2014]\\s+[^-|\u2013\u2014]{2,40}$")


def title_problem(title: str, names: Mapping[str, str] | None = None) -> str | None:
    """Why ``title`` is no headline a reader should see (module docstring), or None;
    ``names`` are the event texts' spellings (``spellings``)."""
    text = " ".join(title.split())
    words = text.split()
    if len(words) < MIN_TITLE_WORDS:
        return "too short"
    return (
        page_furniture(text)
        or slug_shape(text, names or {})
        or body_sentence(text, words)
        or teaser(text)
    )


def page_furniture(text: str) -> str | None:
    """An outlet tag, page label or dateline in front of the headline."""
    if OUTLET_TAG.match(text) or LABEL_PREFIX.match(text) or SLASHED_OUTLET.search(text[:60]):
        return "outlet tag"
    if DATELINE.match(text) or DATED_START.match(text) or LEADING_DATE.match(text):
        return "dateline"
    return None


def slug_shape(text: str, names: Mapping[str, str]) -> str | None:
    """What a URL slug left: "dollar4", "Pjm s", "cant", lower-cased names, a cut-off word."""
    if SLUG_MONEY.search(text):
        return "slug: money as a word"
    if ORPHAN_LETTER.search(text) or SLUG_DATE.search(text) or BARE_LARGE_NUMBER.search(text):
        return "slug: punctuation lost"
    for amount in AMOUNT.finditer(text):
        key = f"{amount['value']} {amount['scale'].lower()}"
        if not amount["sign"] and names.get(key):
            return f"slug: currency lost ({key})"
    for change in BARE_CHANGE.finditer(text):
        if names.get(f"{change['value'] or change['after']} pct"):
            return f"slug: percent lost ({change.group(0)})"
    lowered = text.lower()
    # A multi-word name lower-cased ("Western digital", "us open") counts only in a title
    # with no capital past its first word: the shape a slug leaves.
    slug_cased = not any(w[:1].isupper() for w in TITLE_WORD.findall(text)[1:])
    for key, spelled in names.items():
        if slug_cased and spelled and " " in key and not key[0].isdigit() and key in lowered:
            start = lowered.find(key)
            return f"slug: lower-cased name ({text[start : start + len(key)]})"
    words = TITLE_WORD.findall(text)
    for index, word in enumerate(words):
        bare = word.strip(".'\u2019-")
        low = bare.lower()
        if low in UNAPOSTROPHED:
            return f"slug: apostrophe lost ({bare})"
        spelling = names.get(low)
        if index and bare.islower() and (low in SLUG_LOWERCASE or spelling):
            return f"slug: lower-cased name ({bare})"
        if bare == low.capitalize() and (
            (spelling and bare != spelling and not spelling.istitle()) or low in ACRONYMS
        ):
            return f"slug: miscased name ({bare})"
        if possessive_lost(low, names) and not names[low[:-1]][:1].isdigit():
            return f"slug: apostrophe lost ({bare})"
    last = text.split()[-1]
    if last.islower() and (
        last in INCOMPLETE_END or (len(last) <= 2 and last.isalpha() and last not in SHORT_ENDINGS)
    ):
        return f"cut off ({last})"
    return None


def body_sentence(text: str, words: list[str]) -> str | None:
    """A sentence from an article's body: too long, cut off, ending on a full stop,
    reporting speech, or opening on a word that leans on the sentence before."""
    if text.endswith(("...", "\u2026")):
        return "body sentence: cut off"
    if len(words) > MAX_TITLE_WORDS:
        return "body sentence: too long"
    last = words[-1].rstrip("\"'\u201d\u2019)")
    if (
        last.endswith(".")
        and not re.fullmatch(r"(?:[A-Za-z]\.)+", last)
        and last[:-1].lower() not in TITLE_ABBREVIATIONS
    ):
        return "body sentence: full stop"
    if SAID.search(text):
        return "body sentence: reported speech"
    first = words[0].strip(",").lower()
    if first in CONNECTIVES or CONNECTIVE_PHRASES.match(text):
        return "body sentence: connective opener"
    return None


def teaser(text: str) -> str | None:
    """A teaser: no verb, no figure and no name past its first word."""
    if re.search(r"\d", text):
        return None
    words = TITLE_WORD.findall(text)
    if any(w[:1].isupper() for w in words[1:]):
        return None
    lowercase = [w.strip(",.:;!?") for w in words if w.islower()]
    if any(looks_verbish(w) for w in lowercase) or VERB_CONTRACTION.search(text):
        return None
    if any(w in STOPWORDS and w in {"is", "are", "was", "were"} for w in lowercase):
        return None
    return "teaser: no verb, figure or name"


# --- re-casing a slug -----------------------------------------------------------------------


def recase_slug(title: str, names: Mapping[str, str]) -> str:
    """A slug-derived title spelled as the event's texts spell it: "Softbank is buying
    digitalbridge for dollar4 billion" → "SoftBank is buying DigitalBridge for $4 billion"."""
    text = SLUG_MONEY_WORD.sub(
        lambda m: (
            {"dollar": "$", "usd": "$", "euro": "€"}[m["unit"].lower().rstrip("s")] + m["digit"]
        ),
        " ".join(title.split()),
    )
    text = re.sub(r"\bu s\b", "US", text, flags=re.IGNORECASE)
    text = re.sub(r"\b(\d+) (\d{1,2}) (?=(?:trillion|billion|million)\b)", r"\1.\2 ", text)
    text = ORPHAN_LETTER.sub(lambda m: "'s " if m.group(0).strip() == "s" else m.group(0), text)
    text = re.sub(r"(?<=\w)'s  ?", "'s ", text)
    lowered = text.lower()
    for key, spelled in sorted(names.items(), key=lambda item: (-len(item[0]), item[0])):
        if (spelled and " " in key and key in lowered and not spelled[0].isdigit()) or (
            spelled and key[0].isdigit() and key in lowered
        ):
            text = re.sub(rf"(?<![\w$€£]){re.escape(key)}(?!\w)", spelled, text, flags=re.I)
            lowered = text.lower()
    text = BARE_CHANGE.sub(
        lambda m: m.group(0) + ("%" if names.get(f"{m['value'] or m['after']} pct") else ""), text
    )
    words = [recase_word(word, names) for word in text.split(" ")]
    out = " ".join(words)
    return out[:1].upper() + out[1:]


SLUG_MONEY_WORD = re.compile(r"\b(?P<unit>dollars?|usd|euros?)(?P<digit>\d)", re.IGNORECASE)


def recase_word(word: str, names: Mapping[str, str]) -> str:
    """One slug word as the texts spell it, with its lost apostrophe put back."""
    if word.endswith("'s") and len(word) > 3:
        return recase_word(word[:-2], names) + "'s"
    low = word.lower()
    if low in UNAPOSTROPHED:
        cut = 2 if low.endswith(("re", "ve")) else 1
        return word[:-cut] + "'" + word[-cut:]
    if names.get(low):
        return names[low]
    if low in ACRONYMS:
        return low.upper()
    if low in SLUG_LOWERCASE:
        return low.capitalize()
    if possessive_lost(low, names):
        return names[low[:-1]] + "'s"
    return word


def possessive_lost(low: str, names: Mapping[str, str]) -> bool:
    """ "nvidias", "sambanovas": a name the texts spell ("Nvidia") with its "'s" run in."""
    stem = low[:-1]
    return low.endswith("s") and len(stem) >= 4 and low not in names and bool(names.get(stem))
