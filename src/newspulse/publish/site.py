"""Site pages: one render function per page, over the read ports of ``publish.ports``.

Layout (live and exported alike; an exported page is ``index.html`` in its folder)::

    ./                               home: verticals and their topics
    <vertical>/                      a vertical's topics with their first notable developments
    <vertical>/<topic>/              the briefing (product.md §1)
    <vertical>/<topic>/sources/      every source of the briefing, grouped by event
    <vertical>/<topic>/history/      every version with what it changed, and corrections
    <vertical>/<topic>/v/<n>/        version n as it was published (a permalink)
    events/<id>/                     one event: its articles on a timeline, facts, briefings
    search/                          full-text search over articles and events
    sources/                         the feeds and their health (for operators)

The paths live in ``publish.paths``.  Every internal link is relative to its page
(``root`` is ``../`` per folder level), so the same HTML works served by ``app`` and
written to a folder by ``export``.  Render functions are pure apart from reading the
store: the clock comes in as ``now``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from newspulse.domain import Topic, Vertical
from newspulse.errors import PublishError
from newspulse.publish import views, views_chart, views_pages, views_sources
from newspulse.publish.paths import (
    FEED_FILE,
    api_topic_path,
    page_root,
    topic_path,
    vertical_path,
)
from newspulse.publish.ports import PageStore, SiteStore
from newspulse.publish.templating import render_template
from newspulse.records import StoredVersion

SITE_NAME = "NewsPulse"
VERTICAL_NOTABLE_LIMIT = 2


class PageNotFoundError(PublishError):
    """A page names a vertical or topic that the store does not hold."""


def event_page_path(event_id: int) -> str:
    return views.event_path(event_id)


def find_vertical(store: SiteStore, vertical_slug: str) -> Vertical:
    for vertical in store.list_verticals():
        if vertical.slug == vertical_slug:
            return vertical
    raise PageNotFoundError("no such vertical", vertical_slug)


def find_topic(store: SiteStore, vertical_slug: str, topic_slug: str) -> Topic:
    find_vertical(store, vertical_slug)
    for topic in store.list_topics():
        if topic.slug == topic_slug and topic.vertical == vertical_slug:
            return topic
    raise PageNotFoundError("no such topic", f"{vertical_slug}/{topic_slug}")


def render_home(store: SiteStore, *, now: dt.datetime) -> str:
    verticals = store.list_verticals()
    topics = store.list_topics()
    root = page_root(0)
    listings = [
        views.VerticalListing(
            vertical=vertical,
            href=root + vertical_path(vertical.slug),
            cards=tuple(
                aged(
                    views.build_topic_card(
                        topic, store.latest_briefing(topic.slug), href=root + topic_path(topic)
                    ),
                    now,
                )
                for topic in topics
                if topic.vertical == vertical.slug
            ),
        )
        for vertical in verticals
    ]
    return render_page(
        "home.html",
        depth=0,
        title=SITE_NAME,
        verticals=verticals,
        breadcrumbs=(),
        now=now,
        listings=listings,
    )


def feed_file() -> str:
    """The Atom feed's file name inside a vertical's or topic's folder (see ``atom``)."""
    return FEED_FILE


def aged(card: views.TopicCard, now: dt.datetime) -> views.TopicCard:
    return dataclasses.replace(card, updated_age=views_pages.moment_age(card.updated, now))


def render_vertical(store: SiteStore, vertical_slug: str, *, now: dt.datetime) -> str:
    vertical = find_vertical(store, vertical_slug)
    root = page_root(1)
    topics = [topic for topic in store.list_topics() if topic.vertical == vertical.slug]
    documents = {topic.slug: store.latest_briefing(topic.slug) for topic in topics}
    cards = [
        aged(
            views.build_topic_card(
                topic,
                documents[topic.slug],
                href=root + topic_path(topic),
                notable_limit=VERTICAL_NOTABLE_LIMIT,
            ),
            now,
        )
        for topic in topics
    ]
    developments = views_pages.latest_developments(
        [
            (topic, root + topic_path(topic), document)
            for topic in topics
            if (document := documents[topic.slug]) is not None
        ]
    )
    return render_page(
        "vertical.html",
        depth=1,
        title=f"{vertical.name} · {SITE_NAME}",
        verticals=store.list_verticals(),
        breadcrumbs=(views.NavLink(SITE_NAME, root), views.NavLink(vertical.name, None)),
        now=now,
        vertical=vertical,
        cards=cards,
        developments=developments,
        feed_href=feed_file(),
    )


def render_topic(store: PageStore, vertical_slug: str, topic_slug: str, *, now: dt.datetime) -> str:
    topic = find_topic(store, vertical_slug, topic_slug)
    vertical = find_vertical(store, vertical_slug)
    version = store.latest_version(topic.slug)
    root = page_root(2)
    context = (
        briefing_context(store, topic, version, root=root, sources_href="sources/", now=now)
        if version is not None
        else {"briefing": None}
    )
    return render_page(
        "topic.html",
        depth=2,
        title=f"{topic.title} · {SITE_NAME}",
        verticals=store.list_verticals(),
        breadcrumbs=(
            views.NavLink(SITE_NAME, root),
            views.NavLink(vertical.name, "../"),
            views.NavLink(topic.title, None),
        ),
        now=now,
        topic=topic,
        api_href=root + api_topic_path(topic.slug),
        feed_href=feed_file(),
        history_href="history/",
        current_href=None,
        **context,
    )


def briefing_context(
    store: PageStore,
    topic: Topic,
    version: StoredVersion,
    *,
    root: str,
    sources_href: str,
    now: dt.datetime,
    current: bool = True,
) -> dict[str, Any]:
    """What the topic template shows of one stored version (current page and permalinks)."""
    document = version.document
    copies = source_copies(store, document)
    # The current page shows every correction at once, before the next version applies
    # it; a permalink shows those made by the time its version was published.
    corrections = [
        c
        for c in store.list_corrections(topic.slug)
        if current or c.created_at <= version.created_at
    ]
    briefing = views.build_briefing(
        document,
        sources_href=sources_href,
        events_href=root,
        passages=store.citation_passages(version.id),
    )
    return {
        "briefing": briefing,
        "updated_age": views_pages.moment_age(briefing.updated, now),
        "section_ages": [views_pages.moment_age(s.newest, now) for s in briefing.sections],
        "changes": views_pages.build_changes(
            document.get("changes"), labels=views_pages.event_labels(document), events_href=root
        ),
        "corrections": views_pages.build_corrections(corrections),
        "groups": views_sources.build_source_groups(document, copies=copies, events_href=root),
        "copy_count": sum(len(found) for found in copies.values()),
        "chart": views_chart.build_volume_chart(document),
    }


def source_copies(
    store: PageStore, document: dict[str, Any]
) -> dict[str, list[views_sources.CopyItem]]:
    """The syndicated copies of the briefing's sources, by the original's uid."""
    return {
        uid: [views_pages.copy_item(article) for article in found]
        for uid, found in store.article_copies(views_sources.source_ids(document)).items()
    }


def topic_breadcrumbs(
    vertical: Vertical, topic: Topic, page: str, *, depth: int
) -> tuple[views.NavLink, ...]:
    """Breadcrumbs of a page ``depth`` folders below its topic's: site, vertical, topic, page."""
    up = "../" * depth
    return (
        views.NavLink(SITE_NAME, page_root(depth + 2)),
        views.NavLink(vertical.name, up + "../"),
        views.NavLink(topic.title, up),
        views.NavLink(page, None),
    )


def render_topic_sources(
    store: PageStore, vertical_slug: str, topic_slug: str, *, now: dt.datetime
) -> str:
    topic = find_topic(store, vertical_slug, topic_slug)
    vertical = find_vertical(store, vertical_slug)
    document = store.latest_briefing(topic.slug)
    root = page_root(3)
    groups: tuple[views_sources.SourceGroup, ...] = ()
    copy_count = 0
    if document is not None:
        copies = source_copies(store, document)
        copy_count = sum(len(found) for found in copies.values())
        groups = views_sources.build_source_groups(document, copies=copies, events_href=root)
    return render_page(
        "sources.html",
        depth=3,
        title=f"Sources: {topic.title} · {SITE_NAME}",
        verticals=store.list_verticals(),
        breadcrumbs=topic_breadcrumbs(vertical, topic, "Sources", depth=1),
        now=now,
        topic=topic,
        has_briefing=document is not None,
        source_count=views.count_sources(document) if document else 0,
        copy_count=copy_count,
        groups=groups,
    )


def render_error_page(status: int, message: str, *, depth: int, now: dt.datetime) -> str:
    """An error page for the live site; it reads nothing from the store, which may be failing."""
    return render_page(
        "error.html",
        depth=depth,
        title=f"{status} · {SITE_NAME}",
        verticals=(),
        breadcrumbs=(views.NavLink(SITE_NAME, page_root(depth)),),
        now=now,
        status=status,
        message=message,
    )


def render_page(
    template: str,
    *,
    depth: int,
    title: str,
    verticals: Sequence[Vertical],
    breadcrumbs: Sequence[views.NavLink],
    now: dt.datetime,
    **context: Any,
) -> str:
    """Render ``template`` inside the base layout with the context every page shares."""
    root = page_root(depth)
    return render_template(
        template,
        site_name=SITE_NAME,
        root=root,
        page_title=title,
        nav=[views.NavLink(v.name, root + vertical_path(v.slug)) for v in verticals],
        breadcrumbs=breadcrumbs,
        generated=views.moment_of(now),
        **context,
    )
