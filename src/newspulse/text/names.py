"""Named things in news text by capitalisation: organisations, people, places, products.

Owns the heuristic entity reader that the verifier uses to check that a name in
a written statement occurs in its cited sources, and that events use as key
facts.  It needs no model: a name is a maximal run of capitalised tokens
("Jane Street", "Bank of America", "OpenAI", "H200", "Gibbs-White").

1. Hashtags, handles and URLs are blanked out first.
2. Tokens are read in order; a run continues over single spaces and the
   connectors "of", "&", "de", "van", ... when a capitalised token follows.
3. A run ends at punctuation, a line break, a possessive ("Nvidia's"), a
   stopword, a month or weekday name, or a title such as "CEO".
4. At a sentence start, leading words that are common English (stopwords,
   typical openers, words the same text also writes in lowercase, and long
   -ed/-ing/-ly words the text never capitalises mid-sentence) are dropped,
   so "Shares of Nvidia" gives "Nvidia" and "Founded by" gives nothing.

Known limits: lowercase brand parts ("SK hynix" gives "SK"); title-case
headlines (every word becomes part of a name); a sentence-initial common noun
the text never writes in lowercase ("Memory prices rose") is taken for a name,
and a sentence-initial name the text also writes in lowercase ("Apple" beside
"apple") is dropped; a possessive splits a name ("Women's World Cup" gives
"Women" and "World Cup").  For support checks, compare a statement's name keys
with the lowercased source text rather than with the source's own names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newspulse.text.sentences import APOSTROPHES, STOPWORDS, word_set

CONNECTORS = word_set("of & de du da del della van von der")
"""Lowercase words (and "&") that may join two capitalised parts of one name."""

CALENDAR_WORDS = word_set(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday
    saturday sunday mon tue tues wed thu thur thurs fri sat sun
    """
)
"""Month and weekday names: capitalised, but dates rather than names; they end a run."""

NON_NAMES = word_set(
    """
    ceo cfo cto coo cio cmo evp svp vp md chairman chairwoman chair president founder
    co-founder cofounder director chief executive officer minister secretary senator governor
    cco cso cpo cro analyst editor reporter mr mrs ms dr prof sir am pm est edt pst pdt gmt utc
    cet ist et pt tldr faq inc corp ltd llc plc co thousand million billion trillion gw mw kw
    gwh mwh twh gb tb pb nm
    """
)
"""Titles, company suffixes, scale words, units: capitalised, naming no one; they end a run."""

SENTENCE_STARTERS = word_set(
    """
    according additionally advertisement after although amid analysts analysis background
    breaking but chart click conclusion despite earlier exclusive finally first following
    furthermore here image including instead introduction investors key last later like
    meanwhile moreover next opinion overall overview photo read recently related second shares
    since some source sponsored subscribe summary takeaways third today tomorrow unlike update
    watch yes yesterday two three four five six seven eight nine ten
    """
)
"""Capitalised openers that are common words, even when the text never writes them lowercase."""

BLANKED = re.compile(r"https?://\S+|\bwww\.\S+|[#@][\w.]+")
TOKEN = re.compile(
    rf"(?:[A-Z]\.){{2,}}|&|[^\W_](?:[\w{APOSTROPHES}&.-]*[^\W_])?(?:[{APOSTROPHES}]s?)?"
)
# A possessive or a contraction ("Nvidia's", "I'm", "It's") ends the name.
POSSESSIVE_END = re.compile(rf"[{APOSTROPHES}](?:s|m|re|ve|ll|d)?$")
FISCAL_PERIOD = re.compile(r"^(?:Q[1-4]|H[12]|FY\d{2,4})$")
LOWERCASE_WORD = re.compile(r"\b[a-z]+\b")
SENTENCE_END = re.compile(r"[.!?:;…]|\n")
RUN_GAP = re.compile(r"[ \t\u00a0]+")
CORPORATE_SUFFIX = re.compile(r"\s+(?:inc|corp|corporation|ltd|llc|plc|co|group)\.?$")
YEAR = re.compile(r"^(?:19|20)\d{2}$")
INITIAL_PERIOD = re.compile(r"\b([a-z])\.")
# Sentence openers such as "Founded", "Using", "Recently" are verbs and adverbs; shorter words
# ("Ahmed", "Italy") are too often names to judge by their ending.
OPENER_ENDINGS = ("ed", "ing", "ly")
MIN_OPENER_LENGTH = 6


@dataclass(frozen=True, slots=True)
class Token:
    """One word of the text as the run builder sees it."""

    text: str
    joined: bool  # only spaces since the previous token: a name may continue
    sentence_start: bool
    ends_run: bool  # a possessive or a cut lowercase tail: "Nvidia's", "AI-ready"


def find_names(text: str) -> list[str]:
    """Capitalised names in ``text`` in order of first appearance, without repeats."""
    names: list[str] = []
    seen: set[str] = set()
    for name in name_runs(text):
        key = name.lower()
        if key not in seen:
            seen.add(key)
            names.append(name)
    return names


def name_keys(text: str) -> set[str]:
    """Lowercase keys of the names in ``text`` for support checks.

    Curly apostrophes become straight, company suffixes and the periods of
    initials are dropped and whitespace is collapsed, so "Nvidia Corp." and
    "Nvidia" share the key "nvidia", and "U.S." and "US" the key "us".
    """
    return {key for name in find_names(text) if (key := name_key(name))}


def name_key(name: str) -> str:
    key = " ".join(name.lower().replace("\u2019", "'").split())
    return INITIAL_PERIOD.sub(r"\1", CORPORATE_SUFFIX.sub("", key))


def normalise_for_names(text: str) -> str:
    """Source text spelled the way ``name_key`` spells names, for ``mentions`` lookups."""
    lowered = " ".join(text.lower().replace("\u2019", "'").split())
    return INITIAL_PERIOD.sub(r"\1", lowered)


def mentions(normalised_text: str, key: str) -> bool:
    """Whether a name key occurs as whole words ("us" must not match inside "business")."""
    return re.search(rf"(?<!\w){re.escape(key)}(?!\w)", normalised_text) is not None


def name_runs(text: str) -> list[str]:
    """Every name occurrence, steps 1-4 of the module docstring."""
    blanked = BLANKED.sub(lambda match: "\n" * len(match.group(0)), text)
    tokens = tokenize(blanked)
    lowercase_words = set(LOWERCASE_WORD.findall(blanked))
    inner_capitalised = {token.text for token in tokens if not token.sentence_start}
    runs: list[str] = []
    current: list[Token] = []

    def close() -> None:
        if current:
            name = spell_run(current, lowercase_words, inner_capitalised)
            if name:
                runs.append(name)
            current.clear()

    for token in tokens:
        if not token.joined:
            close()
        if current and token.text in CONNECTORS:
            current.append(token)
            continue
        if not is_name_token(token.text, in_run=bool(current)):
            close()
            continue
        current.append(token)
        if token.ends_run:
            close()
    close()
    return runs


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    previous_end = 0
    for match in TOKEN.finditer(text):
        gap = text[previous_end : match.start()]
        previous_end = match.end()
        bare, ends_run = clean_token(match.group(0))
        tokens.append(
            Token(
                text=bare,
                joined=bool(tokens) and RUN_GAP.fullmatch(gap) is not None,
                sentence_start=not tokens or SENTENCE_END.search(gap) is not None,
                ends_run=ends_run,
            )
        )
    return tokens


def clean_token(token: str) -> tuple[str, bool]:
    """The token as a name part, and whether the name must end after it.

    "Nvidia's" gives ``("Nvidia", True)``; a lowercase hyphenated tail is cut and
    ends the name ("AI-ready" gives "AI"); a lowercase prefix is dropped
    ("ex-Google" gives "Google").
    """
    bare = POSSESSIVE_END.sub("", token)
    ends_run = bare != token
    parts = bare.split("-")
    if len(parts) > 1 and parts[0].isalpha() and parts[0].islower() and parts[1][:1].isupper():
        parts = parts[1:]
    for index, part in enumerate(parts[1:], start=1):
        if part.isalpha() and part.islower():
            return "-".join(parts[:index]), True
    return "-".join(parts), ends_run


def is_name_token(token: str, *, in_run: bool) -> bool:
    """Whether ``token`` can be part of a name (``in_run``: it would extend one)."""
    lower = token.lower()
    if not token or lower in CALENDAR_WORDS or lower in NON_NAMES or FISCAL_PERIOD.match(token):
        return False
    if token[0].isdigit():
        # "70B" may extend "Llama"; a plain number or year never belongs to a name.
        return in_run and any(char.isupper() for char in token) and not YEAR.match(token)
    if token[0].isupper():
        # "US" in capitals is the country, not the pronoun.
        return lower not in STOPWORDS or (token.isupper() and lower == "us")
    # Camel case: "iPhone", "xAI", "eBay".
    return any(char.isupper() for char in token[1:])


def spell_run(run: list[Token], lowercase_words: set[str], inner_capitalised: set[str]) -> str:
    """The name a run of tokens spells, or "" (step 4 of the module docstring)."""
    words = [token.text for token in run]
    if run[0].sentence_start and is_common_opener(words[0], lowercase_words, inner_capitalised):
        words.pop(0)
    while words and words[-1] in CONNECTORS:
        words.pop()
    while words and words[0] in CONNECTORS:
        words.pop(0)
    name = " ".join(words)
    if len(name) < 2 or name.isdigit():
        return ""
    return name


def is_common_opener(word: str, lowercase_words: set[str], inner_capitalised: set[str]) -> bool:
    """Whether a sentence-initial capitalised ``word`` is just a common word."""
    lower = word.lower()
    if word.isupper() and len(word) > 1:
        return False
    if lower in STOPWORDS or lower in SENTENCE_STARTERS or lower in lowercase_words:
        return True
    if word in inner_capitalised:
        return False
    return len(word) >= MIN_OPENER_LENGTH and lower.endswith(OPENER_ENDINGS)
