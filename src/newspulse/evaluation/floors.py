"""The quality floors a published page must hold (issue 10), checked by ``eval briefing --check``.

Each floor is a plain number here, so CI and the closing notes quote the same ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from newspulse.domain import VISIBLE_CITATIONS
from newspulse.evaluation.briefing import BriefingReport


@dataclass(frozen=True, slots=True)
class Floors:
    cited_pct: float = 100.0
    supported_pct: float = 95.0
    dangling_pct: float = 3.0
    relative_time: int = 0
    scraps: int = 0
    repeated_pairs: int = 2
    copied_headline: int = 0
    bad_titles: int = 0
    visible_markers: int = VISIBLE_CITATIONS
    min_sections: int = 1
    key_facts_pct: float = 80.0
    bad_event_titles: int = 0


DEFAULT_FLOORS = Floors()


def missed_floors(report: BriefingReport, floors: Floors = DEFAULT_FLOORS) -> list[str]:
    """One line per floor the report misses; empty when the page holds every floor."""
    missed = []
    if report.cited_pct < floors.cited_pct:
        missed.append(f"cited {report.cited_pct:.1f}% < {floors.cited_pct}%")
    if report.supported_pct < floors.supported_pct:
        missed.append(f"supported {report.supported_pct:.1f}% < {floors.supported_pct}%")
    if report.sections < floors.min_sections:
        missed.append(f"{report.sections} sections < {floors.min_sections}")
    if len(report.bad_event_titles) > floors.bad_event_titles:
        missed.append(
            f"bad event titles {len(report.bad_event_titles)} > {floors.bad_event_titles}"
        )
    page = report.readability
    if page is None:
        return missed
    dangling = 100.0 * len(page.dangling) / report.statements if report.statements else 0.0
    if dangling > floors.dangling_pct:
        missed.append(f"dangling openers {dangling:.1f}% > {floors.dangling_pct}%")
    counted = (
        ("article-relative time", len(page.relative_time), floors.relative_time),
        ("page scraps", len(page.scraps), floors.scraps),
        ("repeated-fact pairs", len(page.repeated), floors.repeated_pairs),
        ("copied headline", int(page.copied_headline is not None), floors.copied_headline),
        ("name-pair or single-word section titles", len(page.bad_titles), floors.bad_titles),
        ("visible citation markers", page.visible_markers_max, floors.visible_markers),
    )
    for name, value, ceiling in counted:
        if value > ceiling:
            missed.append(f"{name} {value} > {ceiling}")
    if page.facts_pct is not None and page.facts_pct < floors.key_facts_pct:
        missed.append(f"key facts {page.facts_pct:.1f}% < {floors.key_facts_pct}%")
    return missed
