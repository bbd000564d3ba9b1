"""Sentences and words: splitting messy excerpts, judging bullet quality, content words.

Owns the English word lists (``STOPWORDS``) and the content-word tokenizer
that the other text helpers build on, so "content word" means the same thing
in redundancy checks and names.  Input is the text of real news pages:
navigation words, hashtags, "Read more", and excerpts cut mid-sentence, so
every rule here is a heuristic tuned on the shared corpus, not a grammar.

Sentence splitting, in order:

1. newlines are hard breaks (excerpts keep paragraph and navigation lines),
   and list markers ("- ", "• ") at a line start are dropped;
2. inside a line, ``.``/``!``/``?``/``…`` followed by whitespace and a capital,
   digit, quote or currency sign is a candidate boundary, and so is a period
   glued to a capitalised word ("rejections.In practice");
3. a candidate after a period is dropped when the word before it is a known
   abbreviation: titles (``Dr.``) never end a sentence, ``No.``/``Jan.`` do not
   before a number, and company suffixes or initialisms (``Inc.``, ``U.S.``)
   end one only when the next word usually starts sentences (``The``, ``It``).
"""

from __future__ import annotations

import re

# Straight quotes, then curly ones written as escapes: U+201C/U+2018 open, U+201D/U+2019 close.
OPENING_QUOTES = "\"'\u201c\u2018"
CLOSING_QUOTES = "\"'\u201d\u2019"
APOSTROPHES = "'\u2019"


def word_set(words: str) -> frozenset[str]:
    """A frozenset from a whitespace-separated word list (keeps long lists readable)."""
    return frozenset(words.split())


STOPWORDS = word_set(
    """
    a about above according across after again against all almost along already also although
    always am among an and another any anyone anything are around as at be became because
    become been before being below between both but by can cannot could did do does doing done
    down during each either else enough even ever every few for from further get gets got had
    has have having he her here hers herself him himself his how however i if in into is it its
    itself just least less like made make makes many may me might more most much must my myself
    neither never no nor not now of off often on once one only onto or other others otherwise
    our ours ourselves out over own per perhaps quite rather really said same say says see seem
    seemed seems several she should since so some something still such than that the their
    theirs them themselves then there therefore these they this those though through thus to
    together too toward towards under until up upon us very via was we well were what whatever
    when whenever where whether which while who whoever whom whose why will with within without
    would yet you your yours yourself yourselves don doesn didn isn aren wasn weren hasn haven
    hadn couldn wouldn shouldn ll ve re
    """
)
"""English function words plus news filler ("said", "according") that carry no topic."""

TITLE_ABBREVIATIONS = word_set(
    "mr mrs ms dr prof sen rep gov gen col lt sgt capt cmdr adm rev hon pres supt insp "
    "st mt ft e.g i.e cf vs v approx fig def"
)
"""Abbreviations that never end a sentence: a name or a phrase always follows."""

NUMBER_ABBREVIATIONS = word_set(
    "no nos vol pp p art jan feb mar apr jun jul aug sep sept oct nov dec"
)
"""Abbreviations that do not end a sentence when a number follows ("No. 1", "Feb. 24")."""

AMBIGUOUS_ABBREVIATIONS = word_set("inc corp co ltd llc plc bros jr sr etc al a.m p.m")
"""Abbreviations that may end a sentence: split only before a typical sentence opener."""

SENTENCE_OPENERS = word_set(
    """
    the a an it its he she they we i this that these those there his her their our in on at for
    but and yet so as after before while when since if although though however meanwhile still
    according analysts shares investors others some many most both all no one two three
    """
)
"""Capitalised words that usually start a sentence, used after an ambiguous abbreviation."""

LEADING_CONJUNCTIONS = word_set("and but or nor so yet because however also plus")
"""A bullet that starts with one of these leans on the sentence before it."""

VERBISH_WORDS = word_set(
    """
    is are was were be been being am has have had do does did will would can could shall should
    may might must said says say make makes made take takes took go goes went get gets got
    become becomes became see sees saw show shows hit hits set sets cut cuts put puts lead leads
    led win wins won lose loses lost beat beats buy buys bought sell sells sold pay pays paid
    rise rises rose fall falls fell grow grows grew plan plans hold holds held run runs ran
    expect continue remain need want think believe know seek aim offer include allow help keep
    give find use come look call try ask work seem feel leave mean begin bring provide build
    report announce invest raise launch acquire agree face reach drop add move close open trade
    sign score return spend cost create deliver develop drive expand increase decline gain
    support target warn estimate forecast project seems seemed built stop stops
    stole struck fought sought caught taught brought thought drove wrote spoke broke chose froze
    began told left kept meant sent spent lent felt dealt swept shot stood understood shook came
    gave ate flew knew threw drew withdrew wore tore swore hid slid sat dug hung stuck swung
    sank shrank drank sprang rang laid met fled sped fed forgot overtook undertook
    """
)
"""Verb forms that the suffix test in ``looks_verbish`` misses: irregular and base forms."""

# "rejections.In practice": a period glued between a word and a capitalised word is a typo
# for a sentence end (domains and decimals have no capital right after the period).
GLUED_BOUNDARY = re.compile(r"(?<=[a-z]{3})\.(?=[A-Z][a-z])")
# "Since the normative discussionThe company is ...": a heading run into its paragraph with
# no stop at all; the paragraph starts where a sentence opener is glued to a word.
GLUED_OPENER = re.compile(r"\b([a-z]{3,})(?=(?:The|This|These|But|He|She|They|After|When)\s)")
CANDIDATE_BOUNDARY = re.compile(rf"([.!?…]+)([{CLOSING_QUOTES})\]]*)\s+")
NEXT_WORD = re.compile(
    rf"[{OPENING_QUOTES}(\[]*([^\s{OPENING_QUOTES}{CLOSING_QUOTES}()\[\],.;:!?]+)"
)
INITIALISM = re.compile(r"^(?:[A-Za-z]\.){2,}$")
SINGLE_INITIAL = re.compile(r"^[A-Z]$")
WHITESPACE = re.compile(r"\s+")

HASHTAG = re.compile(r"(?<![\w&])#[^\W\d_]\w*")
URL = re.compile(r"https?://|\bwww\.\S|\b[\w-]+\.(?:com|org|net|io|co|ai|html?)/", re.IGNORECASE)
BOILERPLATE = re.compile(
    r"\b(?:subscribe[ds]?|sign(?:ing)? up|sign in|log in|cookies?|read more|"
    r"click here|advertisement|newsletters?|all rights reserved|privacy policy|"
    r"terms of (?:use|service)|follow us|also read|skip to|min read|your support|"
    r"your donation|paywalls?|support now)\b",
    re.IGNORECASE,
)
# A colon within the first three words marks a label, a speaker or a heading run into the
# text: "Photo: ...", "Why it matters: ...", "Ivan Donaldson: Before we begin ...".
LABEL_PREFIX = re.compile(r"^(?:\S+\s+){0,2}?\S+:\s")
# Excerpts with links stripped out leave ", ," and ", ." behind: the sentence lost words.
BROKEN_PUNCTUATION = re.compile(r"[,;]\s*[,.;]")
NAVIGATION = re.compile(r"\s[|»\u203a]\s")
CITATION_CHIPS = re.compile(r"[^\W\d_]\+\d")
LIST_MARKER = re.compile(r"^\s*[-\u2013\u2014•*·▪►]+\s+")
TERMINAL = re.compile(rf"[.!?][{CLOSING_QUOTES})\]]*$")
QUESTION = re.compile(rf"\?[{CLOSING_QUOTES})\]]*$")
TRUNCATED = re.compile(rf"(?:\.\.\.|…)[{CLOSING_QUOTES})\]]*$")
WORD = re.compile(r"[^\W\d_]+")
# "It's", "there's", "they're", "we've": a contracted verb.
VERB_CONTRACTION = re.compile(
    rf"\b(?:it|that|there|here|he|she|what|who|let)[{APOSTROPHES}]s\b|"
    rf"[{APOSTROPHES}](?:re|ve|m|ll|d)\b",
    re.IGNORECASE,
)

POSSESSIVE = re.compile(rf"[{APOSTROPHES}]s\b")
# The end of an owner's word ("India's", "players'"): the name is the word without it.
OWNER_ENDING = re.compile(r"['\u2019]s?$")
CONTRACTION = re.compile(rf"n[{APOSTROPHES}]t\b")
TOKEN = re.compile(r"[^\W\d_][^\W_]*|\d+(?:[.,]\d+)*")
# A quotation inside a sentence: someone's words, not the sentence's own.
QUOTATION = re.compile(r"\u201c[^\u201c\u201d]*\u201d|\"[^\"]*\"")

UNFOLDED_WORDS = frozenset({"news", "series", "species", "physics", "economics", "politics"})
"""Words whose final "s" is not a plural or verb ending."""

CURRENCY_SIGNS = "$€£¥₹₩"

ABBREVIATION_WINDOW = 40

MIN_BULLET_WORDS = 7
MAX_BULLET_WORDS = 60
# More than half the words in capitals reads as a header or a shouted banner, not prose.
MAX_UPPERCASE_WORD_SHARE = 0.5


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` in order: list markers dropped, whitespace runs collapsed."""
    sentences: list[str] = []
    for line in GLUED_OPENER.sub("\\1\n", text).splitlines():
        sentences.extend(split_line(GLUED_BOUNDARY.sub(". ", LIST_MARKER.sub("", line))))
    return sentences


def split_line(line: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    for match in CANDIDATE_BOUNDARY.finditer(line):
        if match.end() >= len(line) or not is_boundary(line, match):
            continue
        pieces.append(line[start : match.end(2)])
        start = match.end()
    pieces.append(line[start:])
    return [collapsed for piece in pieces if (collapsed := WHITESPACE.sub(" ", piece).strip())]


def is_boundary(line: str, match: re.Match[str]) -> bool:
    """Whether the punctuation in ``match`` ends a sentence (step 2 and 3 of the module doc)."""
    following = line[match.end() : match.end() + ABBREVIATION_WINDOW]
    next_char = following[0]
    if not (next_char.isupper() or next_char.isdigit() or next_char in OPENING_QUOTES + "([$€£"):
        return False
    if match.group(1) != ".":
        return True
    # Abbreviations are short: a bounded window keeps long lines linear.
    window = line[max(0, match.start(1) - ABBREVIATION_WINDOW) : match.start(1) + 1].split()
    if not window:
        return True
    word = window[-1].lstrip(OPENING_QUOTES + "([")
    abbreviation = word.rstrip(".").lower()
    next_word_match = NEXT_WORD.match(following)
    next_word = next_word_match.group(1) if next_word_match else ""
    if abbreviation in TITLE_ABBREVIATIONS or SINGLE_INITIAL.match(word.rstrip(".")):
        return False
    if abbreviation in NUMBER_ABBREVIATIONS:
        return not next_char.isdigit()
    if abbreviation in AMBIGUOUS_ABBREVIATIONS or INITIALISM.match(word):
        return next_word.lower() in SENTENCE_OPENERS
    return True


def is_clean_sentence(sentence: str) -> bool:
    """Whether ``sentence`` can stand alone as a briefing bullet (see ``sentence_problem``)."""
    return sentence_problem(sentence) is None


def sentence_problem(sentence: str) -> str | None:
    """Why ``sentence`` is unfit as a bullet, or None when it is fit.

    Rejects, and names as the reason: fewer than 7 or more than 60 words,
    truncated endings ("..."/"…"), no terminal punctuation, questions (a bullet
    states a fact), a start in lowercase, with a conjunction or with a symbol
    ("*", "-"), hashtags, URLs, boilerplate (subscribe, cookies, read more, ...;
    a label, speaker or heading before a colon in the first three words;
    navigation separators; citation chips such as "Reuters+2"), punctuation
    left broken by removed links (", ,"), unbalanced quotes, mostly-uppercase
    text, and text without any verb-like lowercase word (title-case headlines).
    """
    text = sentence.strip()
    words = text.split()
    if len(words) < MIN_BULLET_WORDS:
        return "too short"
    if len(words) > MAX_BULLET_WORDS:
        return "too long"
    if TRUNCATED.search(text):
        return "truncated"
    if not TERMINAL.search(text):
        return "no terminal punctuation"
    if QUESTION.search(text):
        return "question"
    opening = text.lstrip(OPENING_QUOTES + "(")
    if opening[:1].islower():
        return "starts lowercase"
    if not (opening[:1].isalnum() or opening[:1] in CURRENCY_SIGNS):
        return "starts with a symbol"
    if opening.split(maxsplit=1)[0].strip(",").lower() in LEADING_CONJUNCTIONS:
        return "starts with a conjunction"
    if HASHTAG.search(text):
        return "hashtag"
    if URL.search(text):
        return "url"
    if any(
        pattern.search(text) for pattern in (BOILERPLATE, LABEL_PREFIX, NAVIGATION, CITATION_CHIPS)
    ):
        return "boilerplate"
    if BROKEN_PUNCTUATION.search(text):
        return "broken punctuation"
    if has_unbalanced_quotes(text):
        return "unbalanced quotes"
    lettered = [word for word in words if WORD.search(word)]
    shouted = [word for word in lettered if len(word) > 1 and word.isupper()]
    if len(shouted) > MAX_UPPERCASE_WORD_SHARE * len(lettered):
        return "mostly uppercase"
    lowercase_words = [word for word in WORD.findall(text) if word.islower()]
    if not (any(map(looks_verbish, lowercase_words)) or VERB_CONTRACTION.search(text)):
        return "no verb"
    return None


def has_unbalanced_quotes(text: str) -> bool:
    return text.count("“") != text.count("”") or text.count('"') % 2 == 1


def looks_verbish(word: str) -> bool:
    """A lowercase word that may be a verb: a known form or an -ed/-ing/-es/-s ending."""
    if word in VERBISH_WORDS:
        return True
    return word not in STOPWORDS and len(word) > 3 and word.endswith(("ed", "ing", "es", "s"))


def content_words(text: str) -> set[str]:
    """Lowercased, normalised words of ``text`` that carry meaning (see ``content_tokens``)."""
    return set(content_tokens(text))


def content_tokens(text: str) -> list[str]:
    """Content words of ``text`` in order: no stopwords, possessives or one-letter words.

    Numbers are kept ("1.2", "2026") because they distinguish otherwise similar
    news sentences; words go through ``normalise_word``.
    """
    cleaned = CONTRACTION.sub("", POSSESSIVE.sub("", text.lower()))
    tokens: list[str] = []
    for token in TOKEN.findall(cleaned):
        if token[0].isdigit():
            tokens.append(token.replace(",", ""))
        elif len(token) > 1 and token not in STOPWORDS:
            tokens.append(normalise_word(token))
    return tokens


def normalise_word(word: str) -> str:
    """Crude suffix folding so "raises", "raised", "raising" and "raise" meet.

    Not a linguistic stemmer: the results ("rais") are only keys for comparing
    two texts, and short words are left alone.
    """
    if len(word) <= 3 or not word.isalpha() or word in UNFOLDED_WORDS:
        return word
    if word.endswith(("ies", "ied")) and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    elif word.endswith("ing") and len(word) > 5:
        word = undouble(word[:-3])
    elif word.endswith("ed") and len(word) > 4:
        word = undouble(word[:-2])
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def undouble(stem: str) -> str:
    """Drop a doubled final consonant left by a removed suffix ("planned" -> "plan")."""
    if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "aeiouls":
        return stem[:-1]
    return stem
