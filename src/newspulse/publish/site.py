"""Site pages: the ``SiteStore`` seam, the URL layout, and one render function per page.

Layout (live and exported alike; an exported page is ``index.html`` in its folder)::

    ./                               home: verticals and their topics
    <vertical>/                      a vertical's topics with their first notable developments
    <vertical>/<topic>/              the briefing (product.md §1)
    <vertical>/<topic>/sources/      every source of the briefing, grouped by event

Every internal link is relative to its page (``root`` is ``../`` per folder level), so the
same HTML works served by ``app`` and written to a folder by ``export``.  Render functions
are pure apart from reading the store: the clock comes in as ``now``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Protocol
from urllib.parse import quote

from newspulse.domain import Topic, Vertical
from newspulse.errors import PublishError
from newspulse.publish import views
from newspulse.publish.templating import render_template

SITE_NAME = "NewsPulse"
VERTICAL_NOTABLE_LIMIT = 2


class SiteStore(Protocol):
    """What the site reads from the store; implemented by the store package."""

    def list_verticals(self) -> list[Vertical]: ...

    def list_topics(self) -> list[Topic]: ...

    def latest_briefing(self, topic_slug: str) -> dict[str, Any] | None:
        """The newest ``Briefing.to_json()`` document, or None before the first version."""
        ...


class PageNotFoundError(PublishError):
    """A page names a vertical or topic that the store does not hold."""


def page_root(depth: int) -> str:
    """The relative path from a page ``depth`` folders deep back to the site root."""
    return "../" * depth if depth > 0 else "./"


def vertical_path(vertical_slug: str) -> str:
    return f"{quote(vertical_slug, safe='')}/"


def topic_path(topic: Topic) -> str:
    return f"{vertical_path(topic.vertical)}{quote(topic.slug, safe='')}/"


def sources_path(topic: Topic) -> str:
    return f"{topic_path(topic)}sources/"


def api_topic_path(topic_slug: str) -> str:
    return f"api/v1/topics/{quote(topic_slug, safe='')}.json"


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
                views.build_topic_card(
                    topic, store.latest_briefing(topic.slug), href=root + topic_path(topic)
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


def render_vertical(store: SiteStore, vertical_slug: str, *, now: dt.datetime) -> str:
    vertical = find_vertical(store, vertical_slug)
    root = page_root(1)
    cards = [
        views.build_topic_card(
            topic,
            store.latest_briefing(topic.slug),
            href=root + topic_path(topic),
            notable_limit=VERTICAL_NOTABLE_LIMIT,
        )
        for topic in store.list_topics()
        if topic.vertical == vertical.slug
    ]
    return render_page(
        "vertical.html",
        depth=1,
        title=f"{vertical.name} · {SITE_NAME}",
        verticals=store.list_verticals(),
        breadcrumbs=(views.NavLink(SITE_NAME, root), views.NavLink(vertical.name, None)),
        now=now,
        vertical=vertical,
        cards=cards,
    )


def render_topic(store: SiteStore, vertical_slug: str, topic_slug: str, *, now: dt.datetime) -> str:
    topic = find_topic(store, vertical_slug, topic_slug)
    vertical = find_vertical(store, vertical_slug)
    document = store.latest_briefing(topic.slug)
    briefing = views.build_briefing(document, sources_href="sources/") if document else None
    root = page_root(2)
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
        briefing=briefing,
        api_href=root + api_topic_path(topic.slug),
    )


def render_topic_sources(
    store: SiteStore, vertical_slug: str, topic_slug: str, *, now: dt.datetime
) -> str:
    topic = find_topic(store, vertical_slug, topic_slug)
    vertical = find_vertical(store, vertical_slug)
    document = store.latest_briefing(topic.slug)
    root = page_root(3)
    return render_page(
        "sources.html",
        depth=3,
        title=f"Sources: {topic.title} · {SITE_NAME}",
        verticals=store.list_verticals(),
        breadcrumbs=(
            views.NavLink(SITE_NAME, root),
            views.NavLink(vertical.name, "../../"),
            views.NavLink(topic.title, "../"),
            views.NavLink("Sources", None),
        ),
        now=now,
        topic=topic,
        has_briefing=document is not None,
        source_count=views.count_sources(document) if document else 0,
        groups=views.build_source_groups(document) if document else (),
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
