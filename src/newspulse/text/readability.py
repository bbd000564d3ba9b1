"""Does a statement read on its own?  The faults a reader meets on a page of quoted sentences.

Each detector names one fault of a statement taken out of its article, returning the offending
phrase (or None):

- ``dangling_opener``: it opens on a pronoun, a determiner with a common noun ("The deals",
  "This move", "Under the agreement,"), or a connective ("However"), or uses
  "its"/"their"/"he" before it has named anyone: the referent was in a sentence the reader
  never saw.
- ``article_relative_time``: time told relative to the article ("on Monday", "recently",
  "last year", "two days ago", "over the next year") rather than as a date.
- ``page_scrap``: furniture of the source page: bylines, "min read", view counters, image
  paths, photo captions, a trailing outlet tag (", News."), a section label run into the text.
- ``headline_fragment``: a headline or teaser used as prose (no verb, title case), or a
  statement cut short ("... indices such.").

The writer refuses sentences with any of these; ``evaluation.readability`` counts them on
published pages, so a writer path that forgets the check shows up there.
"""

from __future__ import annotations

import re

from newspulse.text.descriptions import (
    SELF_CONTAINED_THE,
    definite_description,
    named_description,
    named_in_apposition,
)
from newspulse.text.grammar import COMPACT_FIGURE, has_finite_verb, headline_tense
from newspulse.text.names import find_names
from newspulse.text.relative_time import WEEKDAY_NAMES, is_title_word, weekday_in_name
from newspulse.text.sentences import (
    OPENING_QUOTES,
    STOPWORDS,
    VERB_CONTRACTION,
    looks_verbish,
    word_set,
)

PRONOUNS = word_set("it its they them their theirs he him his she her hers this that these those")
"""Words whose referent must come earlier in the same statement."""

CONNECTIVES = word_set(
    """
    however but and or also meanwhile still yet instead moreover furthermore additionally
    besides nonetheless nevertheless therefore thus hence consequently likewise similarly
    separately then so otherwise accordingly indeed notably anyway regardless interestingly
    importantly crucially surprisingly unsurprisingly ironically which whereas
    """
)
"""Openers that link to the previous sentence."""

ADDITIVE = word_set("another additional other similar")
"""Openers that add to something told before ("Additional contributions came from ...")."""
# "Two more testnet runs are scheduled ...": more of something told before ("More than" counts).
MORE_OF = re.compile(
    r"^(?:one|two|three|four|five|six|seven|eight|nine|ten|several|a few|many|some|\d+)\s+more\b"
    r"(?!\s+than)",
    re.IGNORECASE,
)

CONNECTIVE_PHRASES = re.compile(
    r"^(?:in addition|as a result|on the other hand|at the same time|in turn|by contrast|"
    r"in other words|in the midst of|to be sure|even then|after all|in fact|of course|"
    r"(?:first|second|third|finally|lastly|next),|"
    r"in contrast|even so|for (?:its|their|his|her) part|that said|to that end|"
    r"the (?:former|latter)|such (?:a|an)\b|the same\b|both (?:companies|firms|sides)|"
    r"(?:if|unless) (?:not|so)\b|either way|in (?:that|this|which) case|because of (?:this|that)|"
    r"despite (?:this|that)|as such|for this reason|in response|doing so|to do so|"
    r"back then|by then|since then|until then|at the time\b(?! of)|after that|before that)",
    re.IGNORECASE,
)
MONTH_WORDS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
# "Under the agreement, TCS will ...", "As part of the deal, ...": a prepositional opener whose
# definite common noun is the thing a previous sentence named; a date the writer put in
# ("After the 29 Jan 2026 presentation, ...") does not say which.
BACK_REFERENCE_OPENER = re.compile(
    r"^(?i:under|as part of|following|after|per|in|through|with|during|despite|amid|beyond)"
    rf"\s+the\s+(?:(?:[a-z][\w'\u2019-]*|\d{{1,4}}|(?i:{MONTH_WORDS})\.?)\s+){{0,4}}"
    r"[a-z][\w'\u2019-]*"
    r"(?:\s+of\s+the\s+(?:[a-z][\w'\u2019-]*\s+){0,2}[a-z][\w'\u2019-]*)?,"
)
# "(D-Mich.)", "(R)", "(R-Texas)": a lawmaker's party and state after the name.
PARTY_TAG = re.compile(r"\s*\((?:[DRI])(?:-[A-Z][\w.]*\.?)?\)")
# Words of an opening phrase before a comma ("Valued at over $10 billion, the deal ...").
MAX_OPENING_WORDS = 10
# "this latest investment", "these deals": a demonstrative, at most two modifiers, the noun.
DEMONSTRATIVE = re.compile(r"\b(?:this|these|those)\s+(?P<words>(?:[a-z][\w-]*\s*){1,3})")
TIME_NOUNS = word_set(
    "year week month quarter day morning afternoon evening weekend season time period summer "
    "winter spring autumn fall decade century"
)
# "those who ...", "those in need": "those" before the clause or phrase that says whom.
RESTRICTED_THOSE = word_set("who whose whom which that with without in at on of from under over")
LATE_PRONOUN = re.compile(r"\b(?:its|their|his|her|he|she|they|it|this|these|those)\b")

WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
NUMBER_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|several|a"
RELATIVE_TIME = re.compile(
    rf"\b(?:(?:on|last|this|next|since|by|until|from|before|after)\s+)?(?:{WEEKDAYS})\b"
    rf"(?!,?\s+\(?(?:\d{{1,2}}\s+)?(?:{MONTH_WORDS})\b)(?!,?\s+\(?\d)|"
    r"\b(?:today|tonight|yesterday|tomorrow|last night|this (?:morning|afternoon|evening)|"
    r"(?:earlier|later) (?:today|this (?:week|month|year))|"
    r"(?:this|last|next|past|coming) (?:week|month|year|quarter|weekend|few (?:days|weeks|months))|"
    rf"(?:last|next|past) (?:{MONTH_WORDS})(?!\s+\d)|"
    r"(?:recently|lately|right now|in recent (?:days|weeks|months))|"
    r"(?:in|over|during) the (?:coming|next|past|last) (?:few )?(?:days?|weeks?|months?|years?)|"
    rf"(?:\d+|{NUMBER_WORDS}) (?:days?|weeks?|months?|years?) (?:ago|prior|later|before)|"
    rf"(?<!from )(?:\d+|{NUMBER_WORDS}) (?:days?|weeks?|months?) earlier)\b",
    re.IGNORECASE,
)

# "FARMINGDALE, N.Y., Sept 29 (AP): ": a wire story's dateline.
# "Per Next Gen Stats, he ...", "According to Reuters, the deal ...": the source named
# first is not who the sentence is about; the opener that follows still needs a referent.
ATTRIBUTION = re.compile(
    r"^(?:per|according to|citing|as (?:first )?(?:reported|noted|told) (?:by|to))\s+[^,]{1,80}, ",
    re.IGNORECASE,
)
# "... (AP): ", "WASHINGTON (AP) — ", "(CNN)", "(Reuters) - " or a press release's "NEW YORK,
# September 2, 2025 — ".
DATELINE = re.compile(
    r"^(?:(?:[A-Z][A-Z .'-]{2,}(?:,[^:()]{0,40})?)?\((?:AP|AFP|Reuters(?: Breakingviews)?|PTI|"
    r"IANS|ANI|UPI|dpa|Xinhua|CNN|CNN Business|NBC|CBS|Bloomberg)\)\s*(?::|[-\u2013\u2014])?|"
    rf"[A-Z][\w .'-]{{2,30}}, (?i:{MONTH_WORDS})\.?(?: \d{{1,2}},)? "
    r"\d{4}\s*[-\u2013\u2014]|"
    # "Farmingdale, N.Y. — ", "Washington, D.C. — ": a town and its state's abbreviation.
    r"[A-Z][a-z]+(?: [A-Z][a-z]+){0,2}, [A-Z][a-z]{0,4}\.(?:[A-Z]\.)?\s*[\u2013\u2014])\s*"
)
# "Chelsea's Estevao celebrates scoring their second goal with teammates.": a photo's
# caption, which tells the pictured moment in the present tense.
CAPTION = re.compile(
    r"^(?:[A-Z][\w'\u2019.-]*\s+){1,5}(?:celebrates|reacts|looks on|gestures|applauds|poses|"
    r"embraces|hugs|kneels|smiles|waves|tries to calm)\b"
)
# "By John Smith": a capitalised name, so "By capturing both titles, ..." is a sentence.
BYLINE = re.compile(r"^(?i:by|written by|reporting by)\s+[A-Z][a-z]+\s+[A-Z]")
SCRAP = re.compile(
    r"\b\d+\s*min(?:ute)?s?\s+read\b|\b\d[\d.,]*\s*[kKmM]?\s+(?:views|comments|likes)\b|"
    # "1.2K shares" counts a post; "10,000 shares at $25 each" is a stock offering.
    r"\b\d[\d.]*\s*[kK]\s+shares\b|"
    r"\.(?:jpe?g|png|gif|webp|svg)\b|\b(?:posted|updated|published)\s+\d+\s+"
    r"(?:minutes?|hours?|days?)\s+ago\b|^post\s+\d+\s+(?:minutes?|hours?)\s+ago\b|"
    r"\b(?:image|photo|photograph|picture)\s*(?:credit|courtesy|source)?\s*:|"
    r"\b(?:getty images|shutterstock|ap photo|reuters/|afp via)\b|"
    r"\ball rights reserved\b|\bshare this (?:article|story)\b|\bcamera ?icon|"
    # A social post pasted into the story: "Dave Roberts \U0001f5e3 Yamamoto ...", "(@the5blairs)".
    r"[\U0001f300-\U0001faff\u2600-\u27bf]|(?<![\w.])@[A-Za-z_]\w{1,14}\b|"
    # An outlet speaking of itself: "The Independent is trusted by Americans across ...".
    r"\bis trusted by\b|\bsign up (?:for|to) our\b|\bsubscribe (?:to our|now)\b|"
    # An author's bio: "Jane Doe is a senior reporter at ...", "... Professor of Journalism".
    r"\bis an? (?:senior |staff |contributing |freelance )?(?:reporter|writer|editor|"
    r"correspondent|columnist|journalist) (?:at|for|with|covering)\b|\bprofessors? of journalism|"
    r"\bsupport (?:our|independent) journalism\b|\bour (?:newsletter|journalism)\b|"
    # "(Source 6)": a generated article's pointer to its own source list.
    r"\(sources? \d+(?:\s*(?:,|and)\s*\d+)*\)|"
    # "... Title Win/ Newslooks/ WASHINGTON/ J. Mansour/ ...": a page header's fields.
    r"(?:[^\s/]/\s+[^/\n]{1,80}){3,}|"
    # "Polymarket\u03b2s": a Greek or Cyrillic letter inside a Latin word, text garbled by a
    # wrong encoding (the reader cannot read it).
    r"[a-z][\u0370-\u03ff\u0400-\u04ff]|[\u0370-\u03ff\u0400-\u04ff][a-z]",
    re.IGNORECASE,
)
# ", News." / " - Reuters." / " | TechCrunch": an outlet name glued to the end of the sentence.
TRAILING_TAG = re.compile(
    r"(?:,|\s[-\u2013\u2014|])\s*(?:[A-Z][\w&.'\u2019-]*)(?:\s+[A-Z][\w&.'\u2019-]*){0,2}\s*[.!]?$"
)
# "Company news $425 million, Series E the fundraising ...": a page's section label run into
# the sentence (a label, then a figure or a capitalised phrase, with no verb between).
# "Record Revenue and Growth: Fiscal Q1 ...", "Core Viewpoint - TSMC ...": a heading run into
# the sentence.
# "Who is covered and when:Eligible users are ...": a label glued to the text by a colon.
GLUED_LABEL = re.compile(r"^[^.:]{1,50}:(?=[A-Z])")
HEADING_PREFIX = re.compile(
    r"^(?:(?:[A-Z][\w'\u2019&-]*|and|of|&)\s+){0,4}[A-Z][\w'\u2019&-]*\s*(?::|\s[-\u2013\u2014])\s"
)
SECTION_LABEL = re.compile(
    r"^(?i:company news|breaking(?: news)?|exclusive|analysis|opinion|update[ds]?|related|"
    r"sponsored|advertisement|editor'?s? (?:note|pick)|top stories|latest news|key takeaways?|"
    r"market news|tech news|news)\b[\s:|\u2013\u2014-]+(?=[$€£\d]|[A-Z])"
)
TITLE_WORD = re.compile(r"[^\W\d_][\w'\u2019.&-]*")
MIN_TITLE_CASE_WORDS = 5
# "Oversight failure: $93 million lost, ...": a slide's or list's item under its label.
LIST_LABEL = re.compile(r"^(?P<label>[A-Z][^.:;,!?]{2,60}):\s")
TITLE_CASE_SHARE = 0.7


def opening_words(text: str, count: int = 3) -> list[str]:
    return text.lstrip(OPENING_QUOTES + "( ").split()[:count]


# "Adani Group followed with a $100 billion commitment", "Meta followed suit": the verb
# leans on an earlier actor the reader never saw ("was followed by" names it).
# "A new technique ... does exactly that": what "that" is was told before.
LEANING_VERB = re.compile(
    r"\b(?:followed (?:suit|with)|did (?:the same|likewise)|"
    r"(?:do|does|did|doing) (?:exactly |just |precisely )?(?:that|this)(?= by\b|[.,;]))",
    re.I,
)


# "Tiger Global led the round, ...": which round (or deal) was named in a sentence before.
DEAL_OBJECT = re.compile(
    r"\b(?:led|joined|backed|closed|completed|approved|blocked|signed|finali[sz]ed)\s+the\s+"
    r"(?:round|deal|acquisition|transaction|agreement|merger|offering|raise|investment|funding)"
    r"\b(?!\s+(?:of|for|in|into|with|by)\s+[A-Z])"
)


def unsized_deal(text: str) -> str | None:
    """ "led the round" in a sentence with no figure: which round was said before ("Valor
    led the $2 billion round" says which by its amount)."""
    found = DEAL_OBJECT.search(text)
    return found.group(0) if found and not re.search(r"\d", text) else None


def dangling_opener(text: str) -> str | None:
    """The opening (or early pronoun) that leans on a sentence the reader never saw."""
    stripped = text.lstrip(OPENING_QUOTES + "( ")
    attribution = ATTRIBUTION.match(stripped)
    if attribution and len(stripped) > attribution.end():
        rest = stripped[attribution.end() :]
        return dangling_opener(rest[:1].upper() + rest[1:])
    words = opening_words(stripped)
    if not words:
        return None
    first = words[0].strip(",;:").lower().replace("\u2019", "'")
    if first in PRONOUNS or first.removesuffix("'s") in PRONOUNS:
        return words[0]
    if first in CONNECTIVES or first in ADDITIVE:
        return words[0]
    phrase = (
        CONNECTIVE_PHRASES.match(stripped)
        or BACK_REFERENCE_OPENER.match(stripped)
        or MORE_OF.match(stripped)
    )
    if phrase:
        return phrase.group(0)
    description = definite_description(stripped)
    if description:
        return description
    intensifier = INTENSIFIER.match(stripped)
    if intensifier:
        return intensifier["word"]
    leaning = LEANING_VERB.search(stripped)
    return (
        (leaning.group(0) if leaning else None)
        or unsized_deal(stripped)
        or early_pronoun(stripped)
        or demonstrative_reference(stripped)
        or description_after_opening(stripped)
    )


def description_after_opening(text: str) -> str | None:
    """ "Valued at over $10 billion, the deal aims to ...": after an opening phrase the
    subject is a description of something the reader never saw."""
    opening, comma, rest = text.partition(", ")
    if not comma or len(opening.split()) > MAX_OPENING_WORDS:
        return None
    if has_finite_verb(TITLE_WORD.findall(opening)):
        return None  # a clause, not an opening phrase: "Revenue rose 20%, the company said."
    words = rest.split()[:2]
    if len(words) < 2 or words[0] != "the" or not words[1][:1].islower():
        return None
    head = words[1].strip(",").lower()
    if head in SELF_CONTAINED_THE or named_in_apposition(rest):
        return None
    description, closed, _ = rest.partition(", ")
    # An apposition: "Roger Stone, the former adviser to Trump, was ...", "Anthropic, the first
    # frontier AI firm to ... since 2024, has ...".
    named_opening = is_name(opening) or (
        opening.split()[-1][:1].isupper() and not has_finite_verb(description.split())
    )
    return None if closed and named_opening else " ".join(words)


def is_name(phrase: str) -> bool:
    """ "Anthropic", "Bank of England", "The Clean Energy Performance Program", "Rep. John
    Conyers (D-Mich.)": capitalised words (and joiners, a party tag), not an opening phrase
    such as "In Texas"."""
    words = PARTY_TAG.sub("", phrase).split()
    if words[:1] == ["The"]:
        words = words[1:]
    return (
        0 < len(words) <= 5
        and words[0].lower() not in STOPWORDS
        and all(w[:1].isupper() or w in ("of", "and", "&", "de") for w in words)
    )


def demonstrative_reference(text: str) -> str | None:
    """ "... led this latest investment": "this"/"these"/"those" before a noun the statement
    has not named, i.e. a thing the reader never saw ("this year" is time, told elsewhere)."""
    for match in DEMONSTRATIVE.finditer(text):
        words = [w.lower() for w in match["words"].split()]
        if match.group(0).startswith("those ") and words[0] in RESTRICTED_THOSE:
            continue  # "those who qualify", "those with jobs": whom the clause says
        if any(w in TIME_NOUNS or w.rstrip("s") in TIME_NOUNS for w in words):
            continue
        earlier = text[: match.start()].lower()
        if match.group(0).startswith("this ") and clause_before(text[: match.start()]):
            continue
        if not any(w in earlier for w in words if w not in STOPWORDS):
            return match.group(0).strip()
    return None


# ", positioning this capacity": a participle after a main clause whose content "this" names.
PARTICIPLE_CLAUSE = re.compile(r"^(?P<main>.+?), (?:[a-z]+ing)\b[^,]*$")


def clause_before(text: str) -> bool:
    """``text`` (what precedes a demonstrative) is a main clause and a participle opening
    the demonstrative's clause: "Adani will invest $100 billion to grow from 2 to 5 GW,
    positioning this additional capacity for AI" says what "this" is."""
    found = PARTICIPLE_CLAUSE.match(text)
    return found is not None and has_finite_verb(found["main"].split())


# "Kraken itself secured ...": the intensifier sets the name against something said before.
INTENSIFIER = re.compile(r"^(?:[A-Z][\w'\u2019.&-]*\s+){1,4}(?P<word>itself|themselves)\b")


# A main clause that opens on a name ("the Dodgers took", "Dario Amodei argued").
NAMED_SUBJECT = re.compile(r"(?:the\s+)?[A-Z][\w'\u2019.&-]*")


def early_pronoun(text: str) -> str | None:
    """A third-person pronoun before the statement names anyone ("its CEO, Irving Tan")."""
    pronoun = LATE_PRONOUN.search(text)
    if pronoun is None:
        return None
    # "Proof of this growth ...": a lone capitalised word before "of" opens the sentence as
    # a common noun, not a name.
    names = [n for n in find_names(text) if not text.startswith(f"{n} of ") or " " in n]
    positions = [text.find(name) for name in names if text.find(name) >= 0]
    if positions and min(positions) < pronoun.start():
        return None
    # "With their 6-5 win, the Dodgers took ...": the opening phrase points ahead to the
    # name that opens the main clause.
    comma = text.find(", ")
    if pronoun.start() < comma and NAMED_SUBJECT.match(text, comma + 2):
        subject = text[comma + 2 :]
        # "..., the San Francisco expansion underscores ...": a description, not a name.
        if named_description(opening_words(subject[:1].upper() + subject[1:], 4)) is None:
            return None
    # "It is expected that ..." style expletives open the sentence and are caught above.
    return pronoun.group(0)


def article_relative_time(text: str) -> str | None:
    """A time phrase read relative to the article's date rather than as a date."""
    for match in RELATIVE_TIME.finditer(text):
        if match.group(0)[:1] == "T" and is_title_word(text, match.start()):
            continue
        if match.group(0).lower() in WEEKDAY_NAMES and weekday_in_name(text, *match.span()):
            continue
        return match.group(0)
    return None


def page_scrap(text: str) -> str | None:
    """A byline, counter, image path, outlet tag or section label left in the sentence."""
    stripped = text.strip()
    for pattern in (DATELINE, BYLINE, CAPTION, SCRAP, SECTION_LABEL, HEADING_PREFIX, GLUED_LABEL):
        match = pattern.search(stripped)
        if match:
            return match.group(0).strip()
    tag = trailing_tag(stripped)
    return tag


def trailing_tag(text: str) -> str | None:
    """ ", News." at the end: capitalised words after the last comma/dash with no verb."""
    match = TRAILING_TAG.search(text)
    if match is None:
        return None
    tail = match.group(0)
    words = [w.lower() for w in TITLE_WORD.findall(tail)]
    if any(looks_verbish(w) for w in words) or any(w in STOPWORDS for w in words):
        return None
    # "..., Nvidia and AMD." ends on a list of names, "in Milpitas, California." on a place:
    # an outlet tag follows a lowercase word.
    before = text[: match.start()].rstrip().split()
    if not before or not before[-1][:1].islower() or before[-1] in ("and", "or"):
        return None
    if len(words) == 1 or tail.rstrip(".! ").split()[-1].lower() in {"news", "reports", "times"}:
        return tail.strip()
    return None


# Words a sentence never ends on: a statement ending "... indices such." was cut short.
INCOMPLETE_END = word_set(
    "a an the of to and or but with from that which whose than such including if whether "
    "because its their his her into between"
)


def incomplete_ending(text: str) -> str | None:
    """The last word when it leaves the statement unfinished ("... mainstream indices such.")."""
    words = text.rstrip(" .!?\"'\u201d\u2019)").split()
    return words[-1] if words and words[-1].lower() in INCOMPLETE_END else None


def headline_fragment(text: str) -> str | None:
    """Why the statement reads as a headline or teaser rather than a sentence, or None."""
    if incomplete_ending(text):
        return "incomplete"
    if text.startswith("("):
        return "incomplete"  # "(BTC) had dropped 30% ...": cut from the sentence's start
    words = TITLE_WORD.findall(text)
    lowercase = [w for w in words if w.islower()]
    if not (any(looks_verbish(w) for w in lowercase) or VERB_CONTRACTION.search(text)):
        return "no verb"
    if words and words[0].lower().endswith("ing") and not has_finite_verb(words):
        return "no verb"  # "Building chips to reduce reliance on Nvidia."
    if words and words[0] in ("A", "An") and not has_finite_verb(words):
        return "no verb"  # an image caption: "A blue holographic workspace showing ..."
    if COMPACT_FIGURE.search(text) and headline_tense(words, lowercase):
        return "headline style"
    label = LIST_LABEL.match(text)
    if label and not has_finite_verb(TITLE_WORD.findall(label["label"])):
        return "list label"  # "External fund manager oversight failure: $93 million lost"
    content = [w for w in words[1:] if w.lower() not in STOPWORDS]
    # "Europe won the Ryder Cup at Bethpage Black": many names, but its verb is lowercase.
    lowercase_verb = any(looks_verbish(w) for w in content if w.islower())
    if len(content) >= MIN_TITLE_CASE_WORDS and not lowercase_verb:
        capitalised = sum(1 for w in content if w[:1].isupper())
        if capitalised / len(content) >= TITLE_CASE_SHARE:
            return "title case"
    return None


def strip_trailing_tag(text: str) -> str:
    """The sentence without a trailing outlet tag (", News." → ".")."""
    tag = trailing_tag(text)
    if tag is None:
        return text
    return text[: len(text) - len(tag)].rstrip(" ,;-\u2013\u2014|") + "."
