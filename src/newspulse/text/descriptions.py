"""Definite descriptions: which ones lean on an earlier sentence, and which say what they mean.

A statement opening on "The" and a common noun usually points back at something its article
named before ("The deals are with ...", "The Japanese conglomerate said ...", "The Intel
investment ...", "The ETF opened ..."): ``definite_description`` finds such an opener, the
writer refuses the statement and the page gauge counts it as dangling
(``readability.dangling_opener``).  A description that names its referent in apposition ("The
exchange Gemini, which ...") or in an "of" phrase ("The funding round of Anthropic") does
not lean.  Nor does a discourse-new one, recognised after the heuristics of Vieira and
Poesio (2000, "An empirically based system for processing definite descriptions"):

- a role or institution a named place or people has only one of ("The Ohio legislature",
  "The New York attorney general", "The American oil industry");
- a restrictive postmodifier that names its referent within the subject: a prepositional
  phrase that reaches a name before any verb ("The authorities in Britain", "The
  differences between President Trump and Joe Biden");
- a measure of a kind of thing ("The number of people seeking unemployment benefits").

The nouns that usually stand for a thing told before (a deal, a company, a round) are never
taken as named by a postmodifier: "The deal in March", "The startup in Paris" still lean.
"""

from __future__ import annotations

import re

from newspulse.text.relative_time import MONTH_NAMES, WEEKDAY_NAMES
from newspulse.text.sentences import STOPWORDS, VERBISH_WORDS, looks_verbish, word_set

# One per named place or people: "The Ohio legislature", "The French president".
UNIQUE_HEADS = word_set(
    """
    legislature parliament congress senate assembly government economy industry military army
    navy police authorities electorate public people population cabinet judiciary opposition
    treasury president governor mayor chancellor king queen monarchy administration
    """
)
UNIQUE_HEAD_PAIRS = frozenset(
    {
        "attorney general", "prime minister", "foreign minister", "central bank",
        "foreign ministry", "defense ministry", "defence ministry", "health ministry",
        "supreme court", "stock market", "labor market", "housing market", "justice system",
        "health system", "air force", "secretary general", "solicitor general",
    }
)  # fmt: skip
# Heads that stand for a thing told before, whatever follows them.
ANAPHORIC_HEADS = word_set(
    """
    move deal deals company companies firm firms group result news report announcement decision
    plan project platform agreement investment partnership round funding acquisition merger
    startup effort initiative system surge increase talks transaction stake bid offer bill
    """
)
# "The deals", "The collapse of the talks", "The two companies": a definite description whose
# head noun is common (lowercase) points back at something named earlier.
DEFINITE_DESCRIPTION = re.compile(r"^the\s+(?:[a-z][\w'\u2019-]*|\d+)\b")
# "The recent funding round of Anthropic ...": the description names what it is about in an
# "of" phrase (a name, not "of the talks"), so nothing is left for an earlier sentence to say.
NAMED_BY_OF = re.compile(r"^The\s+(?P<words>(?:[a-z][\w'\u2019-]*\s+){1,3})of\s+(?:the\s+)?[A-Z]")
# "The Japanese conglomerate": a nationality adjective before a common noun points back too.
DEMONYM_DESCRIPTION = re.compile(r"^[Tt]he\s+[A-Z][a-z]+(?:ese|an|ian|ish|i)\s+[a-z]")
# Definite descriptions that name something the reader knows without an antecedent.
SELF_CONTAINED_THE = word_set(
    """
    world world's us u.s. uk eu european global federal white supreme pentagon
    """
)
# "The ETF opened with ...", "The IPO was ...": an acronym that names a kind of thing, not
# one thing, points back like a common noun.
# "Spaniard", "Dutchman", "Briton": capitalised, but a description, not a name.
DEMONYM_WORD = re.compile(
    r"[A-Z][a-z]+(?:ese|an|ian|ish|ard|man|men)|Briton|Scot|Swede|Dane|Finn|Pole|Turk|Greek"
)
# Words after "The" in which a description may name its referent.
APPOSITION_WORDS = 6
ADVERBS = word_set(
    "now also still already just then again later once previously recently currently finally "
    "reportedly officially"
)
NAMED_BODIES = word_set("administration campaign government")
NAME_JOINERS = word_set("of for and de")
COMMON_ACRONYMS = word_set("ETF IPO CEO CFO CTO COO GPU CPU TPU NFT DAO LLM API SPAC IT")
MAX_PREMODIFIERS = 4
# Capitalised words that name a date or a period, not a referent.
NOT_NAMES = (
    frozenset(WEEKDAY_NAMES)
    | frozenset(name.lower() for name in MONTH_NAMES)
    | word_set("q1 q2 q3 q4 h1 h2 fy")
)
PREPOSITIONS = (
    "of|in|at|from|between|against|near|for|on|over|inside|outside|across|among|toward|towards"
)
# "The number of people seeking unemployment benefits ...", "The price of bitcoin ...": a
# measure of a kind of thing (no determiner before it), not of a thing told before.
MEASURE_OF_KIND = re.compile(
    r"^The\s+(?:(?:total|overall|average)\s+)?(?:number|pace|rate|price|cost|value|level|"
    r"amount|share|percentage|volume)\s+of\s+(?!(?:the|a|an|this|that|these|those|its|their|"
    r"his|her|such|each)\b)[a-z]"
)
# After a plural head, the prepositions that place it ("The authorities in Britain", "The
# differences between ..."), unlike a verb's particle ("builds on", "comes from").
PLACING = word_set("in between among across against near inside outside of")
# "The <noun phrase> <preposition> <lowercase words> <Name>": the description's
# own phrase names its referent.
POSTMODIFIED = re.compile(
    r"^The\s+(?P<phrase>(?:[\w'\u2019-]+\s+){0,3}?[a-z][\w'\u2019-]*\s+)"
    rf"(?P<preposition>{PREPOSITIONS})\s+(?P<between>(?:[a-z][\w'\u2019-]*\s+){{0,10}}?)"
    r"(?P<name>[A-Z][\w.'\u2019-]*)"
)


def names_its_referent(text: str) -> bool:
    """Whether ``text`` opens on a discourse-new definite description (module docstring)."""
    return (
        unique_in_place(text) or postmodifier_names(text) or MEASURE_OF_KIND.match(text) is not None
    )


def unique_in_place(text: str) -> bool:
    """ "The Ohio legislature ...", "The American oil industry ...": "The", modifiers among
    which a capitalised name or nationality, then a head a place has one of."""
    words = [w.strip(",;:") for w in text.split()[: MAX_PREMODIFIERS + 3]]
    if len(words) < 3 or words[0] != "The":
        return False
    for at in range(2, len(words)):
        head = words[at].lower()
        pair = f"{words[at - 1].lower()} {head}"
        modifiers = words[1 : at - 1] if pair in UNIQUE_HEAD_PAIRS else words[1:at]
        if head in UNIQUE_HEADS or pair in UNIQUE_HEAD_PAIRS:
            following = words[at + 1] if at + 1 < len(words) else ""
            return (
                any(w[:1].isupper() for w in modifiers)
                and not any(w.islower() and looks_verbish(w) for w in modifiers)
                and not continues_noun(following)  # "The U.S. government shutdown"
            )
    return False


def continues_noun(word: str) -> bool:
    """A lowercase word that is no verb, adverb or function word: the noun phrase goes on."""
    return (
        word.isalpha()
        and word.islower()
        and word not in STOPWORDS
        and not looks_verbish(word)
        and not word.endswith("ly")
    )


def postmodifier_names(text: str) -> bool:
    """ "The authorities in Britain said ...", "The man arrested on suspicion of ... near a
    north London mosque is ...": the phrase after the head reaches a name before a verb."""
    found = POSTMODIFIED.match(text)
    if found is None:
        return False
    phrase = found["phrase"].split()
    head = phrase[-1].lower()
    words = [w.lower() for w in phrase]
    if any(w in ANAPHORIC_HEADS or w.removesuffix("s") in ANAPHORIC_HEADS for w in words):
        return False
    if looks_verbish(head) and not head.endswith("ing") and found["preposition"] not in PLACING:
        return False  # "The roadmap builds on ...": a verb and its particle, not a plural noun
    modifiers = [w.lower() for w in phrase[:-1]]
    if any(w in VERBISH_WORDS or (looks_verbish(w) and not w.endswith("ing")) for w in modifiers):
        return False  # a clause about an unnamed subject: "The deal includes all of ..."
    if head in VERBISH_WORDS or head.endswith("ed"):
        return False  # "The deal was in March ..."
    for word in found["between"].split():
        if word in VERBISH_WORDS or word in ANAPHORIC_HEADS:
            return False  # "The core of the deal involves Cerebras ...": a verb, a deal
        if looks_verbish(word) and not word.endswith("ing"):
            return False
    name = found["name"].strip(".,'\u2019")
    return name.lower() not in NOT_NAMES and name not in COMMON_ACRONYMS


def definite_description(stripped: str) -> str | None:
    """The definite description ``stripped`` opens on when it points back at something
    told before ("The deals", "The Japanese conglomerate", "The Intel investment", "The
    ETF"), or None: no such opener, or one that names its referent."""
    words = stripped.split()[:3]
    description = DEFINITE_DESCRIPTION.match(stripped.lower())
    if description and words[0] == "The" and len(words) > 1 and not words[1][:1].isupper():
        head = words[1].strip(",").lower()
        if (
            head not in SELF_CONTAINED_THE
            and not (len(words) > 2 and words[2] in ("who", "whose"))  # "The man who shot ..."
            and not named_in_apposition(stripped)
            and not named_by_of(stripped)
            and not names_its_referent(stripped)
        ):
            return " ".join(words[:2])
    if acronym_description(words):
        return " ".join(words[:2])
    demonym = DEMONYM_DESCRIPTION.match(stripped)
    if demonym and not (named_in_apposition(stripped, after=2) or names_its_referent(stripped)):
        return " ".join(words[:3])
    named = named_description(stripped.split()[:4])
    if named and not (
        named_in_apposition(stripped, after=len(named.split())) or names_its_referent(stripped)
    ):
        return named
    return None


def named_in_apposition(text: str, *, after: int = 1) -> bool:
    """ "The well-known cryptocurrency exchange Gemini, which ...", "The British rookie
    Oliver Bearman took ...": the description names its referent before any verb (and no
    possessive makes it someone else's: "The company's rival, OpenAI").  A name that a
    common noun follows only modifies it: "The prominent Silicon Valley company said ..."."""
    words = text.split()
    for at, word in enumerate(words[after:APPOSITION_WORDS], start=after):
        bare = word.strip(",;:")
        if not bare[:1].isalnum() or "'" in bare or "\u2019" in bare:
            return False  # a dash or a possessive: what follows is not the description's name
        if looks_verbish(bare):
            return False
        if bare[:1].isupper() and not DEMONYM_WORD.fullmatch(bare):
            if words[at - 1].lower() in STOPWORDS:
                return False  # "The deal in March ...": a name inside a phrase, no apposition
            return bare not in COMMON_ACRONYMS and not modifies_a_noun(words, at)
        if word.endswith((",", ";", ":")):
            return False
    return False


def modifies_a_noun(words: list[str], at: int) -> bool:
    """Whether the run of capitalised words from ``words[at]`` is followed by a common noun
    (not a verb or a function word): "Silicon Valley company", not "Gemini said"."""
    end = at
    while end < len(words) and words[end][:1].isupper() and not words[end].endswith(","):
        end += 1
    if end >= len(words) or words[end - 1].endswith(","):
        return False
    return continues_noun(words[end].strip(",;:."))


def named_by_of(text: str) -> bool:
    """ "The recent funding round of Anthropic": "The", a noun phrase, then "of" and a name.
    A verb before "of" makes it a clause about an unnamed subject ("The project is part of
    OpenAI's plan", "The deal includes all of Groq's assets"); "-ing" words pass, as nouns
    ("funding round")."""
    match = NAMED_BY_OF.match(text)
    if match is None:
        return False
    return not any(
        word in VERBISH_WORDS or (looks_verbish(word) and not word.endswith("ing"))
        for word in match["words"].split()
    )


def named_description(words: list[str]) -> str | None:
    """ "The Intel investment also ...", "The Series E round was ...", "The San Francisco
    facility, which ...": "The", a name, then a common noun (not a verb) heads the subject:
    which investment, round or facility was said in a sentence the reader never saw."""
    if len(words) < 3 or words[0] != "The" or not words[1][:1].isupper():
        return None
    name = words[1].rstrip(",")
    if name.lower() in SELF_CONTAINED_THE or name.rstrip(".") in COMMON_ACRONYMS:
        return None
    if words[1].endswith(","):
        return None  # "The Senate, the upper chamber, voted ...": the name, then an apposition
    # "The Series E round", "The San Francisco facility": a two-word name before the head.
    head_at = 3 if len(words) > 3 and words[2][:1].isupper() else 2
    head = words[head_at].rstrip(",;:")
    following = words[head_at + 1] if len(words) > head_at + 1 else ""
    if head in ADVERBS or (head.endswith("ly") and looks_verbish(following)):
        return None  # "The Dodgers now lead ...", "The Senate overwhelmingly passed ...".
    if head in NAMED_BODIES or head in NAME_JOINERS:
        return None  # "The Trump administration said ...", "The House of Representatives"
    if head.isalpha() and head.islower() and not looks_verbish(head):
        return " ".join([*words[:head_at], head])
    return None


def acronym_description(words: list[str]) -> bool:
    """ "The ETF opened ...": "The", a common-noun acronym, then the verb."""
    if len(words) < 3 or words[0] != "The":
        return False
    head = words[1].strip(",").removesuffix("'s").removesuffix("\u2019s").removesuffix("s")
    return head in COMMON_ACRONYMS and looks_verbish(words[2])
