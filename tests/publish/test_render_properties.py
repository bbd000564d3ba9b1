"""Property: arbitrary titles, texts and URLs never become executable markup in pages,
Atom feeds or the export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from newspulse.publish import site
from newspulse.publish.atom import topic_feed
from newspulse.publish.export import export_site
from newspulse.store.base import VersionSummary

from .conftest import AI, CRYPTO, INFRA, MARKETS, MODELS, NOW, FakeSiteStore, make_briefing
from .test_pages import assert_inert

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MARKUP = st.sampled_from(
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        '"><svg onload=alert(1)>',
        "</title><script>x</script>",
        "]]><script>x</script>",
        "&lt;script&gt;",
        "\u202eexe.txt",
    ]
)
HOSTILE = st.one_of(
    MARKUP, st.text(max_size=60), st.tuples(st.text(max_size=20), MARKUP).map("".join)
)


class HostileFeedStore(FakeSiteStore):
    """The page store with one briefing and one version summary carrying ``text``."""

    def __init__(self, document: dict[str, Any], text: str) -> None:
        super().__init__([AI, CRYPTO], [INFRA, MODELS, MARKETS], {INFRA.slug: document})
        self.summary = VersionSummary(
            topic=INFRA.slug,
            version=1,
            created_at=dt.datetime(2026, 2, 26, tzinfo=dt.UTC),
            headline=text,
            writer=text,
            diff={"first_version": True, "note": text},
        )

    def list_versions(
        self, topic: str, *, limit: int | None = None, offset: int = 0
    ) -> list[VersionSummary]:
        return [self.summary] if topic == INFRA.slug and offset == 0 else []


def hostile_document(title: str, text: str, url: str) -> dict[str, Any]:
    document = make_briefing().to_json()
    document["headline"] = title
    document["lead"][0]["text"] = text
    for source in document["sources"]:
        source["title"], source["url"], source["source"] = title, url, text
    return document


@FAST
@given(HOSTILE, HOSTILE, HOSTILE)
def test_pages_stay_inert(title: str, text: str, url: str) -> None:
    store = FakeSiteStore(
        [AI, CRYPTO], [INFRA, MODELS, MARKETS], {INFRA.slug: hostile_document(title, text, url)}
    )
    for html in (
        site.render_topic(store, AI.slug, INFRA.slug, now=NOW),
        site.render_topic_sources(store, AI.slug, INFRA.slug, now=NOW),
        site.render_home(store, now=NOW),
    ):
        assert_inert(html)


@FAST
@given(HOSTILE)
def test_atom_feeds_stay_well_formed_and_inert(text: str) -> None:
    store = HostileFeedStore(make_briefing().to_json(), text)
    root = etree.fromstring(topic_feed(store, INFRA, base_url="https://news.example.org/"))
    for element in root.iter():
        assert etree.QName(element).localname.lower() not in {"script", "iframe", "object"}
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on")
            assert not value.strip().lower().startswith(("javascript:", "data:"))


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HOSTILE, HOSTILE)
def test_the_export_stays_inert(title: str, url: str) -> None:
    document = hostile_document(title, title, url)
    store = FakeSiteStore([AI, CRYPTO], [INFRA, MODELS, MARKETS], {INFRA.slug: document})
    with TemporaryDirectory() as folder:
        export_site(store, Path(folder), now=NOW)
        for path in Path(folder).rglob("*.html"):
            assert_inert(path.read_text("utf-8"))
        for path in Path(folder).rglob("*.atom"):
            etree.fromstring(path.read_bytes())  # well-formed: nothing broke out of a string
