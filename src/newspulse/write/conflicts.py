"""Figures the sources of one event disagree on, so a bullet can say so instead of picking one.

1. Each amount of money (as ``text.figures`` normalises it, the same reading
   enrich stores) is given the role the nearest cue word in its clause names:
   "valued at $150 billion" is a valuation, "raised $6.6 billion" a round size,
   "a $730 billion pre-money valuation" a pre-money valuation.  Amounts without
   a cue are ignored.
2. An article *reports* a role when it states exactly one value for it (in one
   currency).  An article that states two ("valued at $157 billion, up from $86
   billion") or a range compares values, and says nothing about which is right.
3. Reports of one role that differ by more than rounding, whose sentences share a
   name, and that are no more than ``MAX_RATIO`` apart (farther apart they are
   rarely the same quantity), form a conflict with one side per value.

The bullet then ends with a note naming both sides and cites every article of
each side; the verifier checks each side against its own citations.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from newspulse.domain import Article, Bullet, Conflict, ConflictSide, Figure
from newspulse.text.figures import match_figures
from newspulse.text.names import find_names, mentions, name_key, normalise_for_names
from newspulse.text.sentences import split_sentences

# Role → cue words.  Order breaks ties: an earlier role wins at equal distance.
ROLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("pre-money valuation", re.compile(r"\bpre-money\b", re.IGNORECASE)),
    ("post-money valuation", re.compile(r"\bpost-money\b", re.IGNORECASE)),
    ("valuation", re.compile(r"\bvalu(?:ation|ations|ed|ing|es)\b", re.IGNORECASE)),
    (
        "round size",
        re.compile(
            r"\b(?:rais(?:e|es|ed|ing)|funding|financing|round|series [a-h])\b", re.IGNORECASE
        ),
    ),
    ("revenue", re.compile(r"\b(?:revenues?|sales)\b", re.IGNORECASE)),
    (
        "capital spending",
        re.compile(r"\b(?:capital expenditures?|capex|capital spending)\b", re.IGNORECASE),
    ),
    (
        "deal value",
        re.compile(r"\b(?:acqui(?:re|res|red|ring|sition)|takeover|buyout)\b", re.IGNORECASE),
    ),
)
# "between $52 billion and $56 billion": two figures that together state one range.
RANGE_GAP = re.compile(r"\s*(?:and|to|or|[-\u2013\u2014/])\s*", re.IGNORECASE)
# A figure compared with the one before it is of the same kind ("up from $86 billion").
COMPARISON = re.compile(
    r"\b(?:from|compared (?:with|to)|versus|vs\.?|than|previous(?:ly)?|prior|earlier)\b",
    re.IGNORECASE,
)
# Cue words count only this close to the figure, and never across another figure.
CUE_REACH = 60
# Values within this share of each other are the same value, rounded differently
# ("$72 billion" and "$72.2 billion").
ROUNDING = 0.01
MAX_RATIO = 1.5
MAX_NAMED_SOURCES = 3


@dataclass(frozen=True, slots=True)
class Report:
    """One article's single value for one role."""

    role: str
    figure: Figure
    article: Article
    names: frozenset[str]


def figure_roles(sentence: str) -> list[tuple[str, Figure, bool]]:
    """(role, figure, in a range) for each amount of money with a cue word near it.

    Ranges ("$175 billion to $185 billion", "between $52 billion and $56 billion") are
    flagged: a range does not disagree with a value inside it, and an article that
    gives one has no single value for the role.
    """
    matches = match_figures(sentence)
    joined: set[int] = set()
    for index in range(len(matches) - 1):
        if RANGE_GAP.fullmatch(sentence[matches[index].end : matches[index + 1].start]):
            joined.update((index, index + 1))
    found: list[tuple[str, Figure, bool]] = []
    for index, match in enumerate(matches):
        if match.figures[0].kind != "money":
            continue
        left_edge = matches[index - 1].end if index else 0
        right_edge = matches[index + 1].start if index + 1 < len(matches) else len(sentence)
        left = sentence[max(left_edge, match.start - CUE_REACH) : match.start]
        right = sentence[match.end : min(right_edge, match.end + CUE_REACH)]
        role = nearest_role(left, right)
        if role is None and found and COMPARISON.search(left):
            role = found[-1][0]  # "valued at $157 billion, up from $86 billion"
        in_range = len(match.figures) > 1 or index in joined
        found += [(role, figure, in_range) for figure in match.figures if role is not None]
    return found


def nearest_role(left: str, right: str) -> str | None:
    """The role whose cue is closest to the figure (left context counts from its end)."""
    best: tuple[int, int, str] | None = None
    for rank, (role, cue) in enumerate(ROLES):
        distances = [len(left) - m.end() for m in cue.finditer(left)]
        distances += [m.start() for m in cue.finditer(right)]
        if distances:
            candidate = (min(distances), rank, role)
            best = candidate if best is None else min(best, candidate)
    return best[2] if best else None


def article_reports(article: Article) -> list[Report]:
    """The roles for which the article states exactly one value (title and text read)."""
    values: dict[tuple[str, str], list[tuple[Figure, frozenset[str]]]] = {}
    ranged: set[tuple[str, str]] = set()
    title = "" if article.title_derived else article.title
    for sentence in [title, *split_sentences(article.text)]:
        roles = figure_roles(sentence)
        names = frozenset(find_names(sentence)) if roles else frozenset()
        for role, figure, in_range in roles:
            values.setdefault((role, figure.unit), []).append((figure, names))
            if in_range:
                ranged.add((role, figure.unit))
    reports = []
    for key, found in sorted(values.items(), key=lambda item: item[0]):
        first = found[0][0]
        if key in ranged or not all(same_value(first.value, f.value) for f, _ in found):
            continue
        names = frozenset().union(*(n for _, n in found))
        reports.append(Report(key[0], first, article, names))
    return reports


def same_value(a: float, b: float) -> bool:
    return abs(a - b) <= ROUNDING * max(abs(a), abs(b))


def find_conflicts(articles: Iterable[Article]) -> tuple[Conflict, ...]:
    """Disagreements among the articles of one event, largest support first."""
    by_role: dict[tuple[str, str], list[Report]] = {}
    for article in articles:
        for report in article_reports(article):
            by_role.setdefault((report.role, report.figure.unit), []).append(report)
    conflicts = []
    for (role, _), reports in sorted(by_role.items()):
        sides = group_sides(reports)
        subject = shared_subject(sides) if len(sides) >= 2 else None
        values = [side[0].figure.value for side in sides]
        if subject and min(values) > 0 and max(values) / min(values) <= MAX_RATIO:
            conflicts.append(Conflict(role, tuple(side_of(g) for g in sides), subject))
    return tuple(conflicts)


def group_sides(reports: Sequence[Report]) -> list[list[Report]]:
    """Reports grouped by value; most reported value first, then smaller value first."""
    groups: list[list[Report]] = []
    for report in sorted(reports, key=lambda r: (r.figure.value, r.article.id)):
        for group in groups:
            if same_value(group[0].figure.value, report.figure.value):
                group.append(report)
                break
        else:
            groups.append([report])
    return sorted(groups, key=lambda g: (-len({r.article.source for r in g}), g[0].figure.value))


def shared_subject(sides: Sequence[Sequence[Report]]) -> str | None:
    """The name every side's sentences mention (the most mentioned one), as first written.

    Without one the figures may be about different things, and there is no conflict.
    """
    counts: Counter[str] = Counter()
    written: dict[str, str] = {}
    per_side: list[set[str]] = []
    for side in sides:
        keys = set()
        for report in side:
            for name in sorted(report.names):
                key = name_key(name)
                keys.add(key)
                counts[key] += 1
                written.setdefault(key, name)
        per_side.append(keys)
    shared = set.intersection(*per_side)
    if not shared:
        return None
    return written[max(sorted(shared), key=lambda key: counts[key])]


def side_of(reports: Sequence[Report]) -> ConflictSide:
    ordered = sorted(reports, key=lambda r: (r.article.published_at, r.article.id))
    return ConflictSide(
        figure=ordered[0].figure.text,
        value=ordered[0].figure.value,
        unit=ordered[0].figure.unit,
        citations=tuple(dict.fromkeys(r.article.uid for r in ordered)),
        sources=tuple(dict.fromkeys(r.article.source for r in ordered)),
    )


def conflict_note(conflicts: Sequence[Conflict]) -> str:
    """The sentence a bullet ends with: "Reports differ on the valuation: $150 billion (A, B)
    vs $157 billion (C)."  Rendered from the record, so the verifier can recompute it."""
    parts = []
    for conflict in conflicts:
        sides = " vs ".join(f"{side.figure} ({outlets(side.sources)})" for side in conflict.sides)
        about = f"{conflict.about} of {conflict.subject}" if conflict.subject else conflict.about
        parts.append(f"Reports differ on the {about}: {sides}.")
    return " ".join(parts)


def outlets(sources: Sequence[str]) -> str:
    shown = ", ".join(sources[:MAX_NAMED_SOURCES])
    more = len(sources) - MAX_NAMED_SOURCES
    return f"{shown} and {more} more" if more > 0 else shown


def with_conflicts(bullet: Bullet, conflicts: Sequence[Conflict]) -> Bullet:
    """The bullet with the note appended and every side's articles cited."""
    if not conflicts:
        return bullet
    cited = [*bullet.citations, *(c for x in conflicts for s in x.sides for c in s.citations)]
    return Bullet(
        text=f"{bullet.text} {conflict_note(conflicts)}",
        citations=tuple(dict.fromkeys(cited)),
        children=bullet.children,
        event_id=bullet.event_id,
        as_of=bullet.as_of,
        conflicts=tuple(conflicts),
    )


def conflict_problem(
    bullet: Bullet, citations: Sequence[str], articles_by_uid: Mapping[str, Article]
) -> str | None:
    """Why a bullet's conflict record cannot be published, or None when every side holds.

    Each side must be cited by the bullet and found (as a normalised figure) in every
    article it cites; the sides must really differ; the note must match the record.
    """
    if not bullet.text.endswith(conflict_note(bullet.conflicts)):
        return "conflict note does not match its record"
    values_of: dict[str, list[float]] = {}
    for conflict in bullet.conflicts:
        values = [side.value for side in conflict.sides]
        if len(values) < 2 or any(
            same_value(a, b) for i, a in enumerate(values) for b in values[i + 1 :]
        ):
            return "conflict sides do not differ"
        for side in conflict.sides:
            if not side.citations or not set(side.citations) <= set(citations):
                return "conflict side not cited"
            for uid in side.citations:
                article = articles_by_uid.get(uid)
                if article is None:
                    return "conflict side not cited"
                if conflict.subject and not names_subject(article, conflict.subject):
                    return f"conflict side {side.figure} is not about {conflict.subject}"
                if uid not in values_of:
                    values_of[uid] = money_values(article, side.unit)
                if not any(same_value(side.value, value) for value in values_of[uid]):
                    return f"conflict side {side.figure} not in its cited source"
    return None


def money_values(article: Article, unit: str) -> list[float]:
    text = f"{article.title}. {article.text}"
    return [f.value for m in match_figures(text) for f in m.figures if f.unit == unit]


def names_subject(article: Article, subject: str) -> bool:
    return mentions(normalise_for_names(f"{article.title}. {article.text}"), name_key(subject))
