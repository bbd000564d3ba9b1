"""The search page and the operators' sources page.

Search is a plain GET form: it works without scripts on the live server.  The static
export has no server to run a query, so its search page loads ``static/search.js``, which
searches ``search/index.json`` (titles, outlets and summaries of every exported article and
event) in the browser; without scripts that page says so instead of failing silently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from newspulse.bounds import bounded_int
from newspulse.domain import iso_utc
from newspulse.publish import views, views_pages, views_writers
from newspulse.publish.paths import page_root, topic_path
from newspulse.publish.ports import IndexStore, PageStore
from newspulse.publish.site import SITE_NAME, render_page
from newspulse.publish.templating import safe_url
from newspulse.records import SEARCH_KINDS as KINDS
from newspulse.records import SearchQueryError

PAGE_SIZE = 20
MAX_PAGE = 50
FILTERS = ("kind", "vertical", "topic", "source", "since", "until")
INDEX_SUMMARY_CHARS = 300


@dataclass(frozen=True, slots=True)
class SearchForm:
    """The form's values as the reader typed them, so the page shows them back."""

    q: str = ""
    kind: str = ""
    vertical: str = ""
    topic: str = ""
    source: str = ""
    since: str = ""
    until: str = ""
    page: int = 1


@dataclass(frozen=True, slots=True)
class SearchOutcome:
    html: str
    status: int


def read_form(params: Mapping[str, str]) -> tuple[SearchForm, str]:
    """The form from query parameters, and an error message ("" when all are valid)."""
    values = {name: params.get(name, "").strip()[:200] for name in ("q", *FILTERS)}
    raw_page = params.get("page", "1").strip() or "1"
    page = bounded_int(raw_page, low=0, high=MAX_PAGE + 1) or 0  # "²", 5,000 digits
    form = SearchForm(page=min(max(page, 1), MAX_PAGE), **values)
    if not 1 <= page <= MAX_PAGE:
        return form, f"page must be a number from 1 to {MAX_PAGE}"
    if form.kind and form.kind not in KINDS:
        return form, "kind must be articles, events or both"
    for name in ("since", "until"):
        if getattr(form, name) and read_day(getattr(form, name)) is None:
            return form, f"{name} must be a date like 2026-02-24"
    return form, ""


def read_day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def day_bounds(form: SearchForm) -> tuple[dt.datetime | None, dt.datetime | None]:
    """``since`` from the start of its day, ``until`` to the end of its day (UTC)."""
    since = read_day(form.since) if form.since else None
    until = read_day(form.until) if form.until else None
    start = dt.datetime.combine(since, dt.time(), dt.UTC) if since else None
    end = dt.datetime.combine(until, dt.time.max, dt.UTC) if until else None
    return start, end


def page_href(form: SearchForm, page: int) -> str:
    values = {"q": form.q, **{name: getattr(form, name) for name in FILTERS}}
    query = {name: value for name, value in values.items() if value}
    if page > 1:
        query["page"] = str(page)
    return "?" + urlencode(query)


def render_search(
    store: PageStore, params: Mapping[str, str], *, now: dt.datetime
) -> SearchOutcome:
    """The search page for ``params``; a bad query shows its error with status 400."""
    form, error = read_form(params)
    root = page_root(1)
    results: list[views_pages.ResultItem] = []
    total = 0
    if form.q and not error:
        since, until = day_bounds(form)
        try:
            found = store.search(
                form.q,
                kind=form.kind or None,
                vertical=form.vertical or None,
                topic=form.topic or None,
                source=form.source or None,
                since=since,
                until=until,
                limit=PAGE_SIZE,
                offset=(form.page - 1) * PAGE_SIZE,
            )
        except SearchQueryError as exc:
            error = exc.message
        else:
            total = found.total
            results = [
                views_pages.build_result(hit, root=root, event_of={hit.id: hit.event_id})
                for hit in found.hits
            ]
    last_page = min(max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1), MAX_PAGE)
    html = search_page(
        store,
        now=now,
        form=form,
        error=error,
        results=results,
        total=total,
        previous_href=page_href(form, form.page - 1) if form.page > 1 else "",
        next_href=page_href(form, form.page + 1) if form.page < last_page else "",
        static=False,
    )
    return SearchOutcome(html, 400 if error else 200)


def render_static_search(store: PageStore, *, now: dt.datetime) -> str:
    """The exported search page: the same form, answered by ``static/search.js``."""
    return search_page(
        store,
        now=now,
        form=SearchForm(),
        error="",
        results=[],
        total=0,
        previous_href="",
        next_href="",
        static=True,
    )


def search_page(store: PageStore, *, now: dt.datetime, form: SearchForm, **context: Any) -> str:
    root = page_root(1)
    verticals = store.list_verticals()
    topics = store.list_topics()
    title = f"Search: {form.q}" if form.q else "Search"
    return render_page(
        "search.html",
        depth=1,
        title=f"{title} · {SITE_NAME}",
        verticals=verticals,
        breadcrumbs=(views.NavLink(SITE_NAME, root), views.NavLink("Search", None)),
        now=now,
        form=form,
        vertical_options=[(v.slug, v.name) for v in verticals],
        topic_options=[(t.slug, t.title) for t in topics],
        **context,
    )


def search_index(store: IndexStore, *, root_events: set[int]) -> dict[str, Any]:
    """What the static search page searches: exported events and every stored original
    article (titles, outlets, dates, summaries; never full texts)."""
    articles = []
    offset = 0
    while batch := store.list_articles(limit=500, offset=offset):
        offset += len(batch)
        for article in batch:
            if article.duplicate_of is not None:
                continue
            event_id = article.event_id if article.event_id in root_events else None
            articles.append(
                {
                    "id": article.id,
                    "title": article.title,
                    "source": article.source,
                    "published": iso_utc(article.published),
                    "url": safe_url(article.url),
                    "summary": article.summary[:INDEX_SUMMARY_CHARS],
                    "event": event_id,
                }
            )
    events = []
    for event_id in sorted(root_events):
        event = store.get_event(event_id)
        if event is None:
            continue
        figures, names = views_pages.split_facts(event.facts)
        events.append(
            {
                "id": event.id,
                "title": event.label,
                "facts": [*figures, *names],
                "published": iso_utc(event.last_seen),
                "sources": event.source_count,
            }
        )
    return {"articles": articles, "events": events}


def render_health(store: PageStore, *, now: dt.datetime) -> str:
    """Every registered feed and site with its polling health, replayed corpora, then who
    wrote each topic's current briefing (the LLM writer's negotiated mode among it)."""
    root = page_root(1)
    records = store.list_sources(kinds=("feed", "site"))
    corpora = store.list_sources(kinds=("corpus",))
    rows = views_pages.build_health(records, now)
    return render_page(
        "health.html",
        depth=1,
        title=f"Sources and their health · {SITE_NAME}",
        verticals=store.list_verticals(),
        breadcrumbs=(views.NavLink(SITE_NAME, root), views.NavLink("Sources", None)),
        now=now,
        rows=rows,
        counts={
            state: sum(1 for row in rows if row.state == state)
            for state in ("ok", "failing", "paused", "new")
        },
        corpora=views_pages.build_health(corpora, now),
        writers=writer_rows(store, root),
    )


def writer_rows(store: PageStore, root: str) -> list[views_writers.WriterRow]:
    """Each topic's current version, in the order topics are listed; topics with none yet
    are left out (the health table is about what was published)."""
    rows = []
    for topic in store.list_topics():
        version = store.latest_version(topic.slug)
        if version is not None:
            rows.append(
                views_writers.writer_row(
                    topic,
                    root + topic_path(topic),
                    version.version,
                    version.created_at,
                    version.document,
                )
            )
    return rows
