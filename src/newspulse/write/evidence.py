"""Source sentences as evidence: candidates for bullets, and who supports them.

A candidate is one clean sentence of one article with its content words,
figures and names precomputed.  An article *supports* a sentence when every
figure of the sentence appears in it, most of its names do, and it shares
enough of its content words; a bullet cites every supporting article in its
event, not only the one it was taken from.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from newspulse.domain import Article
from newspulse.text.figures import figure_keys
from newspulse.text.garbles import unshouted, without_echoes, written_forms
from newspulse.text.lead_in import strip_lead_in
from newspulse.text.names import mentions, name_keys, normalise_for_names
from newspulse.text.readability import (
    article_relative_time,
    dangling_opener,
    headline_fragment,
    page_scrap,
    strip_trailing_tag,
)
from newspulse.text.relative_time import anchor_relative_time, drop_weekdays
from newspulse.text.repeats import GENERIC_NAME_WORDS, FactKeys
from newspulse.text.repeats import same_fact as same_fact_keys
from newspulse.text.sentences import content_words, is_clean_sentence, split_sentences
from newspulse.text.similarity import jaccard

# Relative time words read wrongly on a page dated later than the article (product.md §1);
# a weekday with its date ("on Thursday 19 Feb", as ``compress`` writes it) is a date.
RELATIVE_TIME = re.compile(
    r"\b(today|tonight|yesterday|tomorrow|this (?:week|month|morning|afternoon|evening)|"
    r"last (?:week|night)|next week|earlier this (?:week|month)|on (?:monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday)(?!,?\s+\d))\b",
    re.IGNORECASE,
)
# "I" is not the pronoun inside an abbreviation ("F.B.I.", "(I-Vt.)", "D-R.I.") or as a
# numeral after a word that counts ("World War I", "Title I", "Phase I").
FIRST_PERSON = re.compile(
    r"\b(?:[Ww]e|[Oo]ur|[Mm]y|me|us|[Yy]ou|[Yy]our)\b|(?<![.-])(?<!War )(?<!Title )"
    r"(?<!Phase )(?<!Class )(?<!Schedule )(?<!Type )(?<!Part )(?<!Stage )(?<!Level )\bI\b(?![.-])"
)
# Sentences that lean on the previous one cannot stand alone as a bullet.
# The common nouns are lower case: "The New York Times ..." names its referent.
# "One" leans back as a pronoun ("One said ..."), not as a number before a name or a
# superlative ("One of President Trump's nominees", "One Capitol Police officer", "One of the
# largest ships"). "There" leans back as a place ("There, he met ..."), not as the subject of
# "there is/were" ("There were 40 deaths ...").
DANGLING_START = re.compile(
    r"^(?:this|that|these|those|it|its|they|their|he|she|his|her|there(?!\s+(?:is|are|was|were|"
    r"has|have|had|will|would|could|may|might|remains?|seems?|appears?)\b)|here|the (?-i:move|deal|"
    r"company|company's|firm|group|result|news|report|announcement|decision|plan|project|"
    r"platform|agreement|investment|partnership|round|funding|acquisition|merger|startup|effort|"
    r"initiative|system|surge|increase|new|latest)|of course|but|and|or|also|however|still|yet|"
    r"meanwhile|unlike|instead|so|such|both|"
    r"one(?!\s+(?-i:[A-Z])|\s+of\s+(?:(?-i:[A-Z])|the\s+(?:most|\w+est)\b))|"
    r"another|the other|learn|read|click|watch)\b",
    re.IGNORECASE,
)
# Text that addresses a language model ("ignore previous instructions"): never quoted,
# never shown to the LLM writer (article text is data, not instructions).
INSTRUCTION_LIKE = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.]{0,40}\b(?:instructions?|prompts?|rules)\b|"
    r"\bsystem prompt\b|\bnew instructions\b|\byou are now\b|<\s*/?\s*(?:system|passage)",
    re.IGNORECASE,
)
# Forward-looking or interpretive wording: the material of "Implications".
# Forward-looking words; not a past or counterfactual "could" ("could not deny the rookie",
# "could've easily been two") nor a moment of a match ("appeared poised to finish").
ANALYSIS_CUES = re.compile(
    r"\b((?:could|would)(?!\s+(?:have|not|barely|hardly|never)\b)(?!['\u2019]ve)|"
    r"is likely|are likely|"
    r"expected to|expects?|plans? to|aims? to|intends? to|(?:is|are|now) set to|"
    r"(?<!appeared )(?<!seemed )(?<!looked )poised to|on track to|forecasts?|forecast to|"
    r"projected|outlook|risks?|warns?|anticipates?|predicts?)\b",
    re.IGNORECASE,
)
# Emphasis, footnote marks and "(Source 6)" pointers into a generated article's own list.
MARKUP = re.compile(r"\*\*|__|\[\d+\]|\s*\((?i:sources?) \d+(?:\s*(?:,|and)\s*\d+)*\)")
# "According to DCD, Elon Musk's xAI has raised ...": attribution that adds nothing the
# citation does not say, and connectives that lean on the previous sentence.
LEADING_BOILERPLATE = re.compile(
    r"^(?:(?:according to|as per) (?:[A-Z][\w&.'\u2019-]*\s?){1,4},|"
    r"as per (?:[a-z]+ ){0,2}(?:news )?reports,|(?:however|meanwhile|additionally|"
    r"separately|also|moreover|furthermore|in addition|in other news|elsewhere|interestingly|"
    r"importantly|notably|crucially|surprisingly|unsurprisingly|ironically),)\s+(?=[A-Z$])",
    re.IGNORECASE,
)
# "The summit", "The ETF", then a comma or the verb: a description by its head word.
DEFINITE_OPENER = re.compile(r"^The (?P<head>[a-z][a-z-]+|[A-Z]{2,5})\b(?!['\u2019-])")
# A sentence that repeats the article's headline is a headline, whatever its punctuation.
TITLE_OVERLAP = 0.8
MIN_CONTENT_WORDS = 6
# Beyond this many supporting articles, more support no longer outweighs informativeness.
MAX_BREADTH = 6
MIN_WORD_SUPPORT = 0.5
MIN_NAME_SUPPORT = 0.6
MAX_SENTENCES_PER_ARTICLE = 12


@dataclass(frozen=True, slots=True)
class ArticleFacts:
    """What support checks need about one article, computed once."""

    article: Article
    words: frozenset[str]
    figures: frozenset[str]
    names_text: str

    @classmethod
    def of(cls, article: Article) -> ArticleFacts:
        text = f"{article.title}. {article.text}"
        return cls(
            article=article,
            words=frozenset(content_words(text)),
            figures=frozenset(figure_keys(text)),
            names_text=normalise_for_names(text),
        )


@dataclass(frozen=True)
class Fact:
    """A statement reduced to what decides whether two statements say the same thing."""

    text: str

    @cached_property
    def words(self) -> frozenset[str]:
        return frozenset(content_words(self.text))

    @cached_property
    def figures(self) -> frozenset[str]:
        return frozenset(figure_keys(self.text))

    @cached_property
    def names(self) -> frozenset[str]:
        return frozenset(name_keys(self.text))

    @cached_property
    def keys(self) -> FactKeys:
        return FactKeys.of(self.text)


REPEAT_WORD_OVERLAP = 0.45
REPEAT_NAMES = 3
REPEAT_NAMES_WORD_OVERLAP = 0.2


def same_fact(a: Fact, b: Fact) -> bool:
    """Two statements repeat each other: near-identical wording, the same figure about the
    same name ("Alphabet ... $175 billion"), or shared names with related wording
    (``text.repeats``, the rule the evaluation counts repeats by)."""
    overlap = jaccard(a.words, b.words)
    if a.text == b.text or overlap >= REPEAT_WORD_OVERLAP:
        return True
    # "AI" names no one: two amounts about two companies in AI are two facts.
    shared_names = len((a.names & b.names) - GENERIC_NAME_WORDS)
    if a.figures & b.figures and shared_names:
        return True
    if shared_names >= REPEAT_NAMES and overlap >= REPEAT_NAMES_WORD_OVERLAP:
        return True
    return same_fact_keys(a.keys, b.keys)


@dataclass(frozen=True)
class Candidate(Fact):
    article_id: int = 0
    position: int = 0

    @property
    def has_relative_time(self) -> bool:
        return RELATIVE_TIME.search(self.text) is not None

    @property
    def specificity(self) -> int:
        """How many checkable facts (figures, names) the sentence carries."""
        return len(self.figures) + len(self.names)


def is_analysis(candidate: Candidate) -> bool:
    """A concrete (a figure or two names) forward-looking or interpretive sentence."""
    concrete = bool(candidate.figures) or len(candidate.names) >= 2
    return concrete and ANALYSIS_CUES.search(candidate.text) is not None


def article_candidates(
    article: Article, cleaned: Sequence[Candidate] | None = None
) -> list[Candidate]:
    """Sentences of an article that stand alone, in reading order (the lead matters most).

    Each is cleaned (markup, a trailing outlet tag, leading attribution or connective
    dropped), its relative time written as dates from the article's own date, and kept
    only when it reads on its own (``standalone_problem``).
    """
    title_words = content_words(article.title) if not article.title_derived else set()
    return [
        candidate
        for candidate in (cleaned_sentences(article) if cleaned is None else cleaned)
        if standalone_problem(candidate.text, title_words) is None
    ]


def leaning_candidates(cleaned: Sequence[Candidate]) -> list[Candidate]:
    """Those of an article's ``cleaned_sentences`` that open on a definite description ("The
    summit, ..."): not on their own, but under a bullet that names the thing
    (``details.resolved_on``)."""
    return [c for c in cleaned if DEFINITE_OPENER.match(c.text)]


def cleaned_sentences(article: Article) -> list[Candidate]:
    """The article's first clean sentences, cleaned (``compress``), in reading order."""
    said_on = None if article.date_estimated else article.published_at.date()
    forms = written_forms(article.text)
    sentences = [
        compress(unshouted(" ".join(MARKUP.sub("", s).split()), forms), said_on)
        for s in split_sentences(article.text)
        if is_clean_sentence(s)
    ]
    return [
        Candidate(article_id=article.id, text=sentence, position=position)
        for position, sentence in enumerate(sentences[:MAX_SENTENCES_PER_ARTICLE])
    ]


def compress(sentence: str, said_on: dt.date | None) -> str:
    """Trailing outlet tag and leading boilerplate dropped, relative time anchored (or, in
    an article whose date is unknown, a weekday that only dated the statement dropped)."""
    text = without_echoes(strip_trailing_tag(strip_lead_in(sentence)))
    stripped = LEADING_BOILERPLATE.sub("", text)
    if stripped != text:
        text = stripped[:1].upper() + stripped[1:]
    if said_on is not None:
        return anchor_relative_time(text, said_on=said_on)
    return drop_weekdays(text)


def standalone_problem(sentence: str, title_words: set[str]) -> str | None:
    """Why a cleaned sentence cannot stand alone on a page, or None."""
    if FIRST_PERSON.search(sentence) or INSTRUCTION_LIKE.search(sentence):
        return "first person or instruction"
    if DANGLING_START.match(sentence) or dangling_opener(sentence):
        return "dangling opener"
    words = content_words(sentence)
    if len(words) < MIN_CONTENT_WORDS:
        return "too few content words"
    if article_relative_time(sentence) or page_scrap(sentence) or headline_fragment(sentence):
        return "relative time, page scrap or headline fragment"
    if title_words and len(words & title_words) >= TITLE_OVERLAP * len(words):
        return "the headline"
    return None


def support_score(candidate: Candidate, facts: ArticleFacts) -> float:
    """0 when the article contradicts or lacks the sentence's figures/names, else word overlap."""
    if candidate.article_id == facts.article.id:
        return 1.0
    if not candidate.figures <= facts.figures:
        return 0.0
    if candidate.names:
        found = sum(1 for name in candidate.names if mentions(facts.names_text, name))
        if found / len(candidate.names) < MIN_NAME_SUPPORT:
            return 0.0
    if not candidate.words:
        return 0.0
    overlap = len(candidate.words & facts.words) / len(candidate.words)
    return overlap if overlap >= MIN_WORD_SUPPORT else 0.0


def supporting_articles(
    candidate: Candidate, facts: Iterable[ArticleFacts]
) -> list[tuple[int, float]]:
    """(article id, score) of every article that supports the sentence, best first."""
    scored = [(f.article.id, support_score(candidate, f)) for f in facts]
    supported = [(article_id, score) for article_id, score in scored if score > 0]
    return sorted(supported, key=lambda pair: (-pair[1], pair[0]))


def informativeness(candidate: Candidate) -> float:
    """Names, amounts and dates make a bullet worth reading (product.md §1)."""
    words = len(candidate.text.split())
    score = min(len(candidate.figures), 3) * 1.0 + min(len(candidate.names), 4) * 0.5
    score += 0.6 if 12 <= words <= 35 else 0.0
    score -= 0.3 * candidate.position
    score -= 1.5 if candidate.has_relative_time else 0.0
    score -= 1.5 if candidate.specificity == 0 else 0.0
    return score


def best_candidates(
    candidates: Sequence[Candidate], facts: Sequence[ArticleFacts]
) -> list[tuple[Candidate, list[tuple[int, float]]]]:
    """Candidates with their supporters, ordered by support breadth and informativeness."""
    return ranked_by_score([(c, supporting_articles(c, facts)) for c in candidates])


def ranked_by_score(
    pairs: Iterable[tuple[Candidate, list[tuple[int, float]]]],
) -> list[tuple[Candidate, list[tuple[int, float]]]]:
    """(candidate, supporters) pairs best first (``candidate_score``, then reading order)."""
    return sorted(
        pairs, key=lambda pair: (-candidate_score(*pair), pair[0].article_id, pair[0].position)
    )


def candidate_score(candidate: Candidate, supporters: Sequence[tuple[int, float]]) -> float:
    # Broad support only counts for sentences that state something checkable:
    # generic sentences ("Demand keeps rising.") are "supported" by everything.
    weight = 1.2 if candidate.specificity >= 2 else 0.3
    breadth = min(len(supporters) - 1, MAX_BREADTH)
    return breadth * weight + informativeness(candidate)
