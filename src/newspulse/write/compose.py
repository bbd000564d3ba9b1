"""Written, not quoted: the headline and the summary composed from the page's own statements.

Nothing new is claimed: the headline joins the main clauses of the two most salient events'
facts (each keeps its decisive figure), and the summary restates the page's main facts by their
main clauses, each cited as the sentence it shortens.  Both are cut from statements that cite
their sources, so no fact enters that a source does not state.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from newspulse.domain import Briefing, Section, Statement
from newspulse.text.figures import figure_keys
from newspulse.text.headlines import copied_title
from newspulse.text.names import find_names
from newspulse.text.readability import dangling_opener, headline_fragment, incomplete_ending
from newspulse.text.repeats import FactKeys, same_fact
from newspulse.text.sentences import split_sentences

QUOTED_STOP = re.compile(r"[.!?](?=[\"'\u201d\u2019]$)")
# A clause ends where a comma opens an aside or a consequence ("..., marking ..."), or at
# a dash or colon that is not inside a score or a time ("a 6\u20135 win", "04:11 UTC").
CLAUSE_END = re.compile(
    r"\s*(?:[;(\u2014]|(?<!\d)[:\u2013](?!\d)|\s-\s|,\s+(?=(?:which|who|while|as|after|according|marking|making|"
    r"bringing|following|including|with|a|an|the|its|their|up|reflecting|underscoring|despite|"
    r"amid|and|but|in|to|from|for|led|according|driven|fueled|fuelled|spurred|prompted)\b|"
    r"[a-z]+ing\b))"
)
# "In a historic move that has reset the race, Alphabet ...": the opener before the subject.
LEADING_ADVERBIAL = re.compile(
    r"^(?:In|On|At|During|After|Amid|With|Following|Despite)\b[^,]{0,120},\s+(?=[A-Z])"
)
PARENTHETICAL = re.compile(r"\s*\([^()]{0,80}\)")
CUT_POINT = re.compile(
    r"\s(?:to|that|which|amid|after|as|with|while|for the|in a bid|in order|aimed at|"
    r"reflecting|underscoring|marking|making|driven by|fueled by|led by|"
    r"and(?= [a-z]+(?:s|ed)\b))\s"
)
DATE_COMMA = re.compile(r"(\d),(?=\s+(?:19|20)\d\d\b)")
# A figure a "to" continues as a range: "$2.4 million to $3 million", "5% to 7%".
RANGE_START = re.compile(r"\d(?:[.,]\d+)?\s*(?:%|[a-z]+illion|bn|[kmb])?$", re.IGNORECASE)
MIN_CLAUSE_WORDS = 5
# "Bitcoin dropped below $90,000": four words carry a headline when one is the figure.
MIN_FIGURE_CLAUSE_WORDS = 4
# The subject's name opens the clause or follows a title ("President Trump's ...").
MAX_WORDS_BEFORE_NAME = 1
# A conditional ("warns that if X is removed ...") whose consequence was cut off.
CONDITIONAL = re.compile(r"\b(?:if|unless|whether)\b", re.IGNORECASE)
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
    clause = main_clause(text)
    if len(clause.split()) > max_words:
        clause = shortened(clause, need_figure=need_figure)
    words = clause.split()
    least = MIN_FIGURE_CLAUSE_WORDS if figure_keys(clause) else MIN_CLAUSE_WORDS
    if not least <= len(words) <= max_words or not complete(clause):
        return None
    if not opens_on_name(clause) or dangling_opener(clause):
        return None
    if need_figure and not figure_keys(clause):
        return None
    if describes_a_state(clause):
        return None
    # 'with "10,000 shares at $25 each."': the quote's own full stop ends no headline.
    return QUOTED_STOP.sub("", clause)


# "Solana's market cap is roughly $110 billion": a copula with no participle after it.
STATE_VERB = re.compile(r"\b(?:is|are)\b(?!\s+(?:\w+ing|\w+ed|set|due|about|expected)\b)")
FIRST_VERB = re.compile(r"\b(?:[a-z]+(?:ed|s)|is|are|was|were|will|has|have|had|can|could)\b")


def describes_a_state(clause: str) -> bool:
    """The clause tells how things stand, not what happened: its first verb is "is" or
    "are" as a copula.  A headline names the period's events; a state is background."""
    first = FIRST_VERB.search(clause)
    return first is not None and STATE_VERB.match(clause, first.start()) is not None


def main_clause(text: str) -> str:
    """The text up to where an aside begins; none when that would cut a list at its last
    comma ("encode workflows, domain knowledge, and tools")."""
    parts = CLAUSE_END.split(text, maxsplit=1)
    clause = parts[0].strip().rstrip(".!,")
    listed = DATE_COMMA.sub(r"\1", clause).split()[-4:]  # "October 5, 2025" lists nothing
    if len(parts) > 1 and any(word.endswith(",") for word in listed):
        return ""
    return clause


def opens_on_name(clause: str) -> bool:
    names = find_names(clause)
    if not names or not clause[:1].isupper():
        return False
    first = clause.find(names[0])
    return first >= 0 and len(clause[:first].split()) <= MAX_WORDS_BEFORE_NAME


def complete(clause: str) -> bool:
    """Not cut before what its last word or an open conditional still needs."""
    words = clause.split()
    return bool(words) and incomplete_ending(clause) is None and not CONDITIONAL.search(clause)


def shortened(clause: str, *, need_figure: bool) -> str:
    """The clause up to the first cut point after which nothing it needs is lost."""
    for match in CUT_POINT.finditer(clause):
        head = clause[: match.start()].rstrip(" ,")
        if match.group(0).strip() == "to" and RANGE_START.search(head):
            continue  # "2.4 million to 3 million GPUs": a range, not a purpose
        if len(head.split()) < MIN_FIGURE_CLAUSE_WORDS or not complete(head):
            continue
        if not need_figure or figure_keys(head):
            return head
    return clause


def compose_headline(briefing: Briefing, ranked_events: Sequence[int] = ()) -> str:
    """What the period was about: the main clauses of the two most salient events the page
    tells (``ranked_events``, most salient first), joined; then the leading themes'; the
    themes' names when no statement makes one."""
    groups = [*event_texts(briefing, ranked_events), *theme_texts(briefing)]
    titles = [ref.title for ref in briefing.sources]
    # A result ("Norris won the Sao Paulo Grand Prix") may have no figure to keep.
    clauses = headline_clauses(groups, titles, need_figure=True) or headline_clauses(
        groups, titles, need_figure=False
    )
    if not clauses:
        return theme_headline(briefing)
    if len(clauses) == 2 and len(" ".join(clauses).split()) <= MAX_HEADLINE_WORDS:
        second = clauses[1]
        first_word, _, rest = second.partition(" ")
        if first_word in ("The", "A", "An"):
            second = f"{first_word.lower()} {rest}"
        return f"{clauses[0]}; {second}"
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


def headline_clauses(
    groups: Sequence[Sequence[str]], titles: Sequence[str], *, need_figure: bool
) -> list[str]:
    """The first headline clause of each group, up to two different facts."""
    clauses: list[str] = []
    for texts in groups:
        for text in texts:
            clause = headline_clause(text, need_figure=need_figure)
            if clause is None or copied_title(clause, titles) is not None:
                continue
            if not any(same_fact(FactKeys.of(clause), FactKeys.of(c)) for c in clauses):
                clauses.append(clause)
            break
        if len(clauses) == 2:
            break
    return clauses


def event_texts(briefing: Briefing, ranked_events: Sequence[int]) -> list[list[str]]:
    """The statements the page tells of each event, most salient event first: its lead
    statement (the event's main fact, told there first) and bullets; then, in the same
    order, each event's sub-bullets, so a detail ("Solana's market cap is ...") heads the
    page only when no event's main fact can."""
    told: dict[int, list[str]] = {}
    details: dict[int, list[str]] = {}
    event_of = {ref.id: ref.event_id for ref in briefing.sources if ref.event_id is not None}
    for statement in briefing.lead:
        events = [event_of[uid] for uid in statement.citations if uid in event_of]
        if events:
            told.setdefault(events[0], []).append(statement.text)
    bullets = [b for s in briefing.sections for b in s.bullets] + list(briefing.notable)
    for bullet in bullets:
        if bullet.event_id is not None:
            told.setdefault(bullet.event_id, []).append(bullet.text)
            details.setdefault(bullet.event_id, []).extend(c.text for c in bullet.children)
    return [
        texts[event_id]
        for texts in (told, details)
        for event_id in ranked_events
        if texts.get(event_id)
    ]


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
