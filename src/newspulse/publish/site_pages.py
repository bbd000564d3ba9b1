"""The pages around a briefing: its history, its version permalinks, and event pages.

Same rules as ``site``: relative links only, the clock comes in as ``now``, the store is
read through the ``PageStore`` seam.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from newspulse.publish import chips, views, views_pages
from newspulse.publish.paths import page_root, topic_path
from newspulse.publish.ports import PageStore
from newspulse.publish.site import (
    SITE_NAME,
    PageNotFoundError,
    briefing_context,
    feed_file,
    find_topic,
    find_vertical,
    render_page,
    topic_breadcrumbs,
)

# Versions listed on a history page; older ones stay reachable by their permalinks.
HISTORY_LIMIT = 100


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    version: int
    href: str
    created: views.Moment
    headline: str
    writer: str
    changes: views_pages.ChangesView | None
    current: bool


def render_history(
    store: PageStore, vertical_slug: str, topic_slug: str, *, now: dt.datetime
) -> str:
    topic = find_topic(store, vertical_slug, topic_slug)
    vertical = find_vertical(store, vertical_slug)
    root = page_root(3)
    summaries = store.list_versions(topic.slug, limit=HISTORY_LIMIT)
    labels: dict[int, str] = {}
    # Oldest first, so an event removed by a later version is named as it was last seen.
    for summary in reversed(summaries):
        stored = store.get_version(topic.slug, summary.version)
        labels.update(views_pages.event_labels(stored.document if stored else None))
    entries = [
        HistoryEntry(
            version=summary.version,
            href=f"../v/{summary.version}/",
            created=views.moment_of(summary.created_at),
            headline=summary.headline,
            writer=summary.writer,
            changes=views_pages.build_changes(summary.diff, labels=labels, events_href=root),
            current=index == 0,
        )
        for index, summary in enumerate(summaries)
    ]
    return render_page(
        "history.html",
        depth=3,
        title=f"History: {topic.title} · {SITE_NAME}",
        verticals=store.list_verticals(),
        breadcrumbs=topic_breadcrumbs(vertical, topic, "History", depth=1),
        now=now,
        topic=topic,
        entries=entries,
        corrections=views_pages.build_corrections(store.list_corrections(topic.slug)),
        more=len(summaries) == HISTORY_LIMIT,
    )


def render_version(
    store: PageStore, vertical_slug: str, topic_slug: str, number: int, *, now: dt.datetime
) -> str:
    """Version ``number`` as published, marked as old when a newer one exists."""
    topic = find_topic(store, vertical_slug, topic_slug)
    vertical = find_vertical(store, vertical_slug)
    version = store.get_version(topic.slug, number)
    if version is None:
        raise PageNotFoundError("no such version", f"{topic.slug} v{number}")
    latest = store.latest_version(topic.slug)
    is_latest = latest is not None and latest.version == version.version
    root = page_root(4)
    context = briefing_context(
        store, topic, version, root=root, sources_href="", now=now, current=False
    )
    return render_page(
        "topic.html",
        depth=4,
        title=f"{topic.title}, version {number} · {SITE_NAME}",
        verticals=store.list_verticals(),
        breadcrumbs=topic_breadcrumbs(vertical, topic, f"Version {number}", depth=2),
        now=now,
        topic=topic,
        api_href=None,
        feed_href="../../" + feed_file(),
        history_href="../../history/",
        current_href="../../",
        is_latest=is_latest,
        **context,
    )


def render_event(store: PageStore, event_id: int, *, now: dt.datetime) -> str:
    """One event; an id the store no longer holds (merged, expired) is a clear 404."""
    event = store.get_event(event_id)
    if event is None:
        raise PageNotFoundError(
            "this event is no longer tracked (merged into another or expired)", str(event_id)
        )
    root = page_root(2)
    topics = {topic.slug: topic for topic in store.list_topics()}
    links = []
    for slug in event.topics:
        topic = topics.get(slug)
        if topic is None:
            continue
        document = store.latest_briefing(slug)
        used = document is not None and event.id in views.list_of_values(document.get("event_ids"))
        links.append(views_pages.TopicLink(topic.title, root + topic_path(topic), used))
    links.sort(key=lambda link: (not link.in_briefing, link.title))
    texts = store.article_texts(a.id for a in event.articles[: chips.EVIDENCE_ARTICLES])
    view = views_pages.build_event(event, links, texts)
    return render_page(
        "event.html",
        depth=2,
        title=f"{event.label} · {SITE_NAME}",
        verticals=store.list_verticals(),
        breadcrumbs=(views.NavLink(SITE_NAME, root), views.NavLink("Event", None)),
        now=now,
        event=view,
    )


def render_gone_event(event_id: int, *, successor: int | None, now: dt.datetime) -> str:
    """The static export's page for an event a stored version names but the store no
    longer holds: a static host can neither answer 404 nor redirect, so the page says so
    and links the event it was merged into (the live site redirects there instead)."""
    return render_page(
        "error.html",
        depth=2,
        title=f"Event {event_id} · {SITE_NAME}",
        verticals=(),
        breadcrumbs=(views.NavLink(SITE_NAME, page_root(2)),),
        now=now,
        status=404 if successor is None else 301,
        message=(
            "This event is no longer tracked: it was merged into another or expired."
            if successor is None
            else "This event was merged into another one as more reports arrived."
        ),
        moved_href=f"../{successor}/" if successor is not None else "",
    )
