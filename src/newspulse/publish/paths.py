"""The site's URL layout: where each page and feed lives, relative to the site root.

Shared by the pages (``site``), the Atom feeds (``atom``), the API and the export, so
none of them imports another for a path (``site`` and ``atom`` once did, both ways).
"""

from __future__ import annotations

from urllib.parse import quote

from newspulse.domain import Topic

# The Atom feed's file name inside a vertical's or topic's folder.
FEED_FILE = "feed.atom"
SEARCH_PATH = "search/"
HEALTH_PATH = "sources/"


def page_root(depth: int) -> str:
    """The relative path from a page ``depth`` folders deep back to the site root."""
    return "../" * depth if depth > 0 else "./"


def vertical_path(vertical_slug: str) -> str:
    return f"{quote(vertical_slug, safe='')}/"


def topic_path(topic: Topic) -> str:
    return f"{vertical_path(topic.vertical)}{quote(topic.slug, safe='')}/"


def sources_path(topic: Topic) -> str:
    return f"{topic_path(topic)}sources/"


def history_path(topic: Topic) -> str:
    return f"{topic_path(topic)}history/"


def version_path(topic: Topic, number: int) -> str:
    return f"{topic_path(topic)}v/{number}/"


def api_topic_path(topic_slug: str) -> str:
    return f"api/v1/topics/{quote(topic_slug, safe='')}.json"


def topic_feed_path(topic: Topic) -> str:
    return topic_path(topic) + FEED_FILE


def vertical_feed_path(vertical_slug: str) -> str:
    return vertical_path(vertical_slug) + FEED_FILE
