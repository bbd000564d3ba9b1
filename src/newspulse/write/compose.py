"""Written, not quoted: the headline and the summary composed from the page's own statements.

Nothing new is claimed: the headline joins the main clauses of the two leading themes' first
facts (each keeps its decisive figure), and the summary restates the page's main facts by their
main clauses, each cited as the sentence it shortens.  Both are cut from statements that cite
their sources, so no fact enters that a source does not state.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from newspulse.domain import Article, Briefing, Section, Statement
from newspulse.text.figures import figure_keys
from newspulse.text.headlines import copied_title
from newspulse.text.names import find_names
from newspulse.text.readability import dangling_opener, headline_fragment
from newspulse.text.repeats import FactKeys, same_fact
from newspulse.text.sentences import split_sentences

# A clause ends where a comma opens an aside or a consequence ("..., marking ...").
CLAUSE_END = re.compile(
    r"\s*(?:[;:(\u2014\u2013]|\s-\s|,\s+(?=(?:which|who|while|as|after|according|marking|making|"
    r"bringing|following|including|with|a|an|the|its|their|up|reflecting|underscoring|despite|"
    r"amid|and|but|in|to|from|for|led|according)\b|[a-z]+ing\b))"
)
# "In a historic move that has reset the race, Alphabet ...": the opener before the subject.
LEADING_ADVERBIAL = re.compile(
    r"^(?:In|On|At|During|After|Amid|With|Following|Despite)\b[^,]{0,120},\s+(?=[A-Z])"
)
PARENTHETICAL = re.compile(r"\s*\([^()]{0,80}\)")
CUT_POINT = re.compile(
    r"\s(?:to|that|which|amid|after|as|with|while|for the|in a bid|in order|aimed at|"
    r"reflecting|underscoring|marking|making)\s"
)
MIN_CLAUSE_WORDS = 5
MAX_CLAUSE_WORDS = 18
MAX_HEADLINE_WORDS = 26
# Each restates a fact the page tells in full: two keep the page within its repeat budget.
SUMMARY_SENTENCES = 2
MAX_SUMMARY_WORDS = 24


def headline_clause(
    text: str, *, max_words: int = MAX_CLAUSE_WORDS, need_figure: bool = True
) -> str | None:
    """The main clause of a statement when it makes a headline: it opens on a name, is
    short and (``need_figure``) keeps a figure; else None.

    A leading adverbial ("In a historic move that ..., ") is dropped, the clause ends where
    an aside begins (``CLAUSE_END``), and a clause still too long is cut before a purpose
    or circumstance ("to accelerate ...", "amid ...") once it holds its figure.
    """
    sentences = split_sentences(text)  # a bullet's conflict note is a sentence of its own
    text = sentences[0] if sentences else text
    text = PARENTHETICAL.sub("", LEADING_ADVERBIAL.sub("", text, count=1))
    clause = CLAUSE_END.split(text, maxsplit=1)[0].strip().rstrip(".!,")
    if len(clause.split()) > max_words:
        clause = shortened(clause, need_figure=need_figure)
    words = clause.split()
    if not MIN_CLAUSE_WORDS <= len(words) <= max_words:
        return None
    names = find_names(clause)
    if not names or not clause.startswith(names[0].split()[0]) or dangling_opener(clause):
        return None
    if need_figure and not figure_keys(clause):
        return None
    return clause


def shortened(clause: str, *, need_figure: bool) -> str:
    """The clause up to the first cut point after which nothing it needs is lost."""
    for match in CUT_POINT.finditer(clause):
        head = clause[: match.start()].rstrip(" ,")
        if len(head.split()) >= MIN_CLAUSE_WORDS and (not need_figure or figure_keys(head)):
            return head
    return clause


def compose_headline(briefing: Briefing, articles: Mapping[int, Article]) -> str:
    """What the period was about: the leading themes' main clauses, joined; the briefing's
    headline when no statement makes one."""
    titles = [ref.title for ref in briefing.sources]
    clauses: list[str] = []
    for texts in theme_texts(briefing):
        for text in texts:
            clause = headline_clause(text)
            if clause is not None and copied_title(clause, titles) is None:
                clauses.append(clause)
                break
        if len(clauses) == 2:
            break
    if not clauses:
        return theme_headline(briefing)
    if len(clauses) == 2 and len(" ".join(clauses).split()) <= MAX_HEADLINE_WORDS:
        return f"{clauses[0]}; {clauses[1]}"
    return clauses[0]


def theme_headline(briefing: Briefing) -> str:
    """The page's themes when no statement makes a headline: never one source's title."""
    titles = [s.title for s in briefing.sections[:2]]
    if not titles:
        return briefing.topic.title
    themes = (
        titles[0] if len(titles) == 1 else f"{titles[0]} and {titles[1][:1].lower()}{titles[1][1:]}"
    )
    return f"{briefing.topic.title}: {themes}"


def theme_texts(briefing: Briefing) -> list[list[str]]:
    """The statements of each theme, the lead's first, in page order."""
    groups = [[s.text for s in briefing.lead]]
    for section in briefing.sections:
        groups.append([b.text for b in section.bullets] + [s.text for s in section.intro])
    groups.append([b.text for b in briefing.notable])
    return groups


def summary_statements(
    lead: Sequence[Statement], sections: Sequence[Section], page: Sequence[str] = ()
) -> tuple[Statement, ...]:
    """The page's main facts restated briefly: the main clause of each lead sentence (or of
    the leading sections' first bullets), cited as the sentence it shortens.

    A clause that would restate more than the one statement it shortens (``page`` holds
    every statement of the page) is passed over: each summary sentence repeats one fact once.
    """
    told = [
        *lead,
        *(Statement(s.bullets[0].text, s.bullets[0].citations) for s in sections[:3] if s.bullets),
    ]
    page_keys = [FactKeys.of(text) for text in page]
    summary: list[Statement] = []
    for statement in told:
        clause = headline_clause(statement.text, max_words=MAX_SUMMARY_WORDS, need_figure=False)
        if clause is None or any(clause in s.text for s in summary):
            continue
        if headline_fragment(f"{clause}."):
            continue
        keys = FactKeys.of(clause)
        if sum(1 for other in page_keys if same_fact(keys, other)) > 1:
            continue
        summary.append(Statement(f"{clause}.", statement.citations))
        if len(summary) == SUMMARY_SENTENCES:
            break
    return tuple(summary)
