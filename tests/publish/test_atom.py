"""Atom 1.0 feeds: RFC 4287 validity (RELAX NG of appendix B plus the rules it cannot say),
stable ids, ``updated`` only on a new version, links to the version permalinks."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from lxml import etree
from typer.testing import CliRunner

from newspulse.cli import app as cli_app
from newspulse.domain import Topic
from newspulse.errors import PublishError
from newspulse.publish.app import create_app
from newspulse.publish.atom import EPOCH, diff_summary, entry_id, topic_feed, vertical_feed
from newspulse.publish.export import export_site
from newspulse.store.base import VersionSummary
from newspulse.store.sql import SqlStore
from tests.e2e.demo_store import DEMO_NOW, demo_store

from .conftest import AI, CRYPTO, HOSTILE_TITLE, INFRA, MARKETS, MODELS, NOW, FakeSiteStore

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "data" / "atom"
ATOM = "http://www.w3.org/2005/Atom"
NS = {"atom": ATOM}
BASE = "http://127.0.0.1:8000/"
# RFC 3339 date-time: full date, "T", time with optional fraction, and a required offset.
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@pytest.fixture(scope="module")
def real_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqlStore]:
    with demo_store(tmp_path_factory.mktemp("atom")) as store:
        yield store


@pytest.fixture(scope="module")
def atom_schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMA_DIR / "atom.rng")))


def summary(topic: str, number: int, at: dt.datetime, **diff: Any) -> VersionSummary:
    return VersionSummary(
        topic=topic,
        version=number,
        created_at=at,
        headline=f"{topic} headline {number}",
        writer="extractive",
        diff={"first_version": number == 1, "events_added": [1, 2], **diff},
    )


class FeedFakeStore(FakeSiteStore):
    """The page store of conftest plus stored version summaries, newest first."""

    def __init__(self, versions: dict[str, list[VersionSummary]]) -> None:
        super().__init__([AI, CRYPTO], [INFRA, MODELS, MARKETS], {})
        self.versions = versions

    def list_versions(
        self, topic: str, *, limit: int | None = None, offset: int = 0
    ) -> list[VersionSummary]:
        chosen = sorted(self.versions.get(topic, []), key=lambda v: -v.version)[offset:]
        return chosen[:limit] if limit is not None else chosen


T1 = dt.datetime(2026, 2, 20, 8, 0, tzinfo=dt.UTC)
T2 = dt.datetime(2026, 2, 26, 14, 5, tzinfo=dt.UTC)
T3 = dt.datetime(2026, 2, 27, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def feed_store() -> FeedFakeStore:
    return FeedFakeStore(
        {
            INFRA.slug: [
                summary(INFRA.slug, 1, T1),
                summary(
                    INFRA.slug,
                    2,
                    T2,
                    headline_changed=True,
                    events_added=[7],
                    events_removed=[1],
                    bullets_added=[HOSTILE_TITLE, "HBM supply is sold out through 2026."],
                    bullets_removed=["Old bullet."],
                ),
            ],
            MODELS.slug: [summary(MODELS.slug, 1, T3)],
        }
    )


def check_atom(document: bytes, schema: etree.RelaxNG) -> etree._Element:
    """Everything RFC 4287 requires of a feed that this project can check mechanically."""
    root = etree.fromstring(document)
    assert schema.validate(root), schema.error_log
    assert root.tag == f"{{{ATOM}}}feed"
    # The appendix B Schematron rules, which RELAX NG itself does not check.
    feed_has_author = root.find("atom:author", NS) is not None
    entries = root.findall("atom:entry", NS)
    for entry in entries:
        assert feed_has_author or entry.find("atom:author", NS) is not None
        links = entry.findall("atom:link", NS)
        assert any(link.get("rel", "alternate") == "alternate" for link in links)
    # Required once per feed and entry (§4.1.1, §4.1.2), with RFC 3339 dates (§3.3).
    for element in [root, *entries]:
        for name in ("id", "title", "updated"):
            assert len(element.findall(f"atom:{name}", NS)) == 1, name
        for date in element.findall("atom:updated", NS) + element.findall("atom:published", NS):
            assert RFC3339.match(date.text or ""), date.text
        # Text constructs: plain text unless marked otherwise, never empty titles.
        for name in ("title", "summary", "subtitle"):
            for text in element.findall(f"atom:{name}", NS):
                assert text.get("type", "text") == "text"
                assert (text.text or "").strip()
    # Ids and link targets are absolute IRIs (§4.2.6, §4.2.7.1); ids are unique (§4.1.1).
    ids = [e.text or "" for e in root.iter(f"{{{ATOM}}}id")]
    assert len(ids) == len(set(ids))
    for iri in ids + [link.get("href") or "" for link in root.iter(f"{{{ATOM}}}link")]:
        assert urlsplit(iri).scheme, iri
    self_links = [link for link in root.findall("atom:link", NS) if link.get("rel") == "self"]
    assert len(self_links) == 1
    return root


def entry_texts(root: etree._Element, name: str) -> list[str]:
    return [e.findtext(f"atom:{name}", namespaces=NS) or "" for e in root.findall("atom:entry", NS)]


def test_topic_feed_is_valid_atom_with_one_entry_per_version(
    feed_store: FeedFakeStore, atom_schema: etree.RelaxNG
) -> None:
    root = check_atom(topic_feed(feed_store, INFRA, base_url=BASE), atom_schema)
    assert entry_texts(root, "id") == [entry_id(INFRA.slug, 2), entry_id(INFRA.slug, 1)]
    assert entry_texts(root, "updated") == [T2.isoformat(), T1.isoformat()]
    # The feed changed when its newest version was written, not when it was served.
    assert root.findtext("atom:updated", namespaces=NS) == T2.isoformat()
    hrefs = [e.find("atom:link", NS).get("href") for e in root.findall("atom:entry", NS)]
    assert hrefs == [
        f"{BASE}ai/ai-infrastructure-funding/v/2/",
        f"{BASE}ai/ai-infrastructure-funding/v/1/",
    ]
    self_href = root.find("atom:link[@rel='self']", NS).get("href")
    assert self_href == f"{BASE}ai/ai-infrastructure-funding/feed.atom"


def test_the_diff_is_the_summary_and_source_text_stays_text(
    feed_store: FeedFakeStore, atom_schema: etree.RelaxNG
) -> None:
    document = topic_feed(feed_store, INFRA, base_url=BASE)
    root = check_atom(document, atom_schema)
    newest = entry_texts(root, "summary")[0]
    assert newest.startswith("New headline. 1 event added and 1 event removed.")
    assert f"New: {HOSTILE_TITLE}" in newest
    assert "Dropped: Old bullet." in newest
    assert b"<script>" not in document  # escaped as character data
    assert entry_texts(root, "summary")[1] == "First version, from 2 events."


def test_ids_and_bytes_are_stable_across_runs_and_hosts(feed_store: FeedFakeStore) -> None:
    first = topic_feed(feed_store, INFRA, base_url=BASE)
    assert topic_feed(feed_store, INFRA, base_url=BASE) == first
    elsewhere = etree.fromstring(topic_feed(feed_store, INFRA, base_url="https://news.example/"))
    here = etree.fromstring(first)
    assert entry_texts(elsewhere, "id") == entry_texts(here, "id")
    assert elsewhere.findtext("atom:id", namespaces=NS) == here.findtext("atom:id", namespaces=NS)


def test_a_new_version_adds_an_entry_and_moves_updated_only_then(
    feed_store: FeedFakeStore,
) -> None:
    before = etree.fromstring(topic_feed(feed_store, INFRA, base_url=BASE))
    feed_store.versions[INFRA.slug].append(summary(INFRA.slug, 3, T3, bullets_added=["x"]))
    after = etree.fromstring(topic_feed(feed_store, INFRA, base_url=BASE))
    assert entry_texts(after, "id")[1:] == entry_texts(before, "id")
    assert entry_texts(after, "updated")[1:] == entry_texts(before, "updated")
    assert after.findtext("atom:updated", namespaces=NS) == T3.isoformat()


def test_a_topic_without_versions_has_a_valid_empty_feed(
    feed_store: FeedFakeStore, atom_schema: etree.RelaxNG
) -> None:
    root = check_atom(topic_feed(feed_store, MARKETS, base_url=BASE), atom_schema)
    assert root.findall("atom:entry", NS) == []
    assert root.findtext("atom:updated", namespaces=NS) == EPOCH.isoformat()


def test_a_topic_feed_declares_the_topics_language(
    feed_store: FeedFakeStore, atom_schema: etree.RelaxNG
) -> None:
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert (
        check_atom(topic_feed(feed_store, INFRA, base_url=BASE), atom_schema).get(xml_lang) == "en"
    )
    chinese = dataclasses.replace(INFRA, language="zh")
    root = check_atom(topic_feed(feed_store, chinese, base_url=BASE), atom_schema)
    assert root.get(xml_lang) == "zh"


def test_vertical_feed_merges_its_topics_newest_first(
    feed_store: FeedFakeStore, atom_schema: etree.RelaxNG
) -> None:
    root = check_atom(vertical_feed(feed_store, AI, base_url=BASE), atom_schema)
    assert entry_texts(root, "id") == [
        entry_id(MODELS.slug, 1),
        entry_id(INFRA.slug, 2),
        entry_id(INFRA.slug, 1),
    ]
    assert root.findtext("atom:updated", namespaces=NS) == T3.isoformat()
    # The same version has the same id in the topic feed and the vertical feed.
    topic_ids = set(
        entry_texts(etree.fromstring(topic_feed(feed_store, INFRA, base_url=BASE)), "id")
    )
    assert topic_ids <= set(entry_texts(root, "id"))
    crypto = check_atom(vertical_feed(feed_store, CRYPTO, base_url=BASE), atom_schema)
    assert crypto.findall("atom:entry", NS) == []


def test_control_characters_in_a_headline_are_dropped(
    feed_store: FeedFakeStore, atom_schema: etree.RelaxNG
) -> None:
    bad = Topic("bad", "ai", "Bad\x00 topic", "tag\x1bline", "d")
    feed_store.versions["bad"] = [summary("bad", 1, T1)]
    root = check_atom(topic_feed(feed_store, bad, base_url=BASE), atom_schema)
    assert root.findtext("atom:title", namespaces=NS) == "Bad topic · NewsPulse"


def test_schema_rejects_a_feed_without_id(atom_schema: etree.RelaxNG) -> None:
    """The committed schema can fail: a feed missing its required atom:id does not validate."""
    broken = (
        f'<feed xmlns="{ATOM}"><title>t</title><updated>2026-02-27T00:00:00Z</updated>'
        "<author><name>n</name></author></feed>"
    )
    assert not atom_schema.validate(etree.fromstring(broken))


def test_diff_summary_wording() -> None:
    assert diff_summary({"first_version": True, "events_added": [3]}) == (
        "First version, from 1 event."
    )
    assert diff_summary({"first_version": False}) == "Wording updated."
    many = diff_summary({"first_version": False, "bullets_added": [f"b{i}" for i in range(7)]})
    assert many.endswith("New: b4 (and 2 more)")


def test_feeds_are_served_live(feed_store: FeedFakeStore, atom_schema: etree.RelaxNG) -> None:
    client = TestClient(create_app(feed_store, now_fn=lambda: NOW), follow_redirects=False)
    response = client.get("/ai/ai-infrastructure-funding/feed.atom")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    root = check_atom(response.content, atom_schema)
    assert root.find("atom:link[@rel='self']", NS).get("href") == (
        "http://testserver/ai/ai-infrastructure-funding/feed.atom"
    )
    vertical = client.get("/ai/feed.atom")
    assert vertical.status_code == 200
    check_atom(vertical.content, atom_schema)
    assert client.get("/ai/no-such-topic/feed.atom").status_code == 404
    assert client.get("/nope/feed.atom").status_code == 404
    # A topic filed under another vertical has no feed there.
    assert client.get("/crypto/ai-infrastructure-funding/feed.atom").status_code == 404
    assert "ETag" in response.headers
    again = client.get(
        "/ai/ai-infrastructure-funding/feed.atom",
        headers={"If-None-Match": response.headers["ETag"]},
    )
    assert again.status_code == 304


def test_real_versions_make_valid_feeds(real_store: SqlStore, atom_schema: etree.RelaxNG) -> None:
    """Versions written by the pipeline from a corpus slice, read back from SQLite."""
    topics = {topic.slug: topic for topic in real_store.list_topics()}
    infra = topics["ai-infrastructure-funding"]
    root = check_atom(topic_feed(real_store, infra, base_url=BASE), atom_schema)
    assert len(root.findall("atom:entry", NS)) == real_store.count_versions(infra.slug) >= 2
    vertical = next(v for v in real_store.list_verticals() if v.slug == "ai")
    check_atom(vertical_feed(real_store, vertical, base_url=BASE), atom_schema)


def test_the_export_writes_valid_stable_feeds_linking_to_exported_permalinks(
    real_store: SqlStore, atom_schema: etree.RelaxNG, tmp_path: Path
) -> None:
    base = "https://news.example.org/"
    export_site(real_store, tmp_path / "one", now=DEMO_NOW, base_url=base)
    export_site(real_store, tmp_path / "two", now=DEMO_NOW, base_url=base)
    feeds = sorted(
        path.relative_to(tmp_path / "one") for path in (tmp_path / "one").rglob("*.atom")
    )
    topics = real_store.list_topics()
    assert len(feeds) == len(real_store.list_verticals()) + len(topics)
    for relative in feeds:
        content = (tmp_path / "one" / relative).read_bytes()
        assert (tmp_path / "two" / relative).read_bytes() == content  # stable across exports
        root = check_atom(content, atom_schema)
        for entry in root.findall("atom:entry", NS):
            href = entry.find("atom:link", NS).get("href")
            assert href.startswith(base)
            page = tmp_path / "one" / href.removeprefix(base) / "index.html"
            assert page.is_file(), href
    vertical_page = (tmp_path / "one" / "ai" / "index.html").read_text()
    assert 'type="application/atom+xml"' in vertical_page
    assert 'href="feed.atom"' in vertical_page
    topic_page = (tmp_path / "one" / "ai" / "ai-infrastructure-funding" / "index.html").read_text()
    assert 'href="../../ai/ai-infrastructure-funding/feed.atom"' in topic_page


def test_an_export_refuses_a_relative_base_url(real_store: SqlStore, tmp_path: Path) -> None:
    with pytest.raises(PublishError, match="absolute"):
        export_site(real_store, tmp_path, now=DEMO_NOW, base_url="news.example.org/")


def test_cli_export_takes_the_base_url(real_store: SqlStore, tmp_path: Path) -> None:
    runner = CliRunner()
    site = tmp_path / "site"
    args = ["export", str(site), "--db", real_store.url, "--now", "2026-02-27T00:00:00Z"]
    result = runner.invoke(cli_app, [*args, "--base-url", "https://news.example.org/"])
    assert result.exit_code == 0, result.output
    root = etree.fromstring((site / "ai" / "feed.atom").read_bytes())
    self_link = root.find("atom:link[@rel='self']", NS).get("href")
    assert self_link == "https://news.example.org/ai/feed.atom"
    refused = runner.invoke(cli_app, [*args, "--base-url", "news.example.org"])
    assert refused.exit_code != 0
    assert "absolute" in str(refused.exception)
