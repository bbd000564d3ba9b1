"""Static export: the file layout, working relative links, and parity with the live API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newspulse.domain import Vertical
from newspulse.errors import PublishError
from newspulse.publish.export import ExportReport, export_site
from newspulse.publish.site import render_topic

from .conftest import INFRA, NOW, FakeSiteStore
from .pages import is_internal, parse_page, split_target

EXPECTED_FILES = {
    "index.html",
    "ai/index.html",
    "ai/ai-infrastructure-funding/index.html",
    "ai/ai-infrastructure-funding/sources/index.html",
    "ai/ai-models-labs/index.html",
    "ai/ai-models-labs/sources/index.html",
    "crypto/index.html",
    "crypto/crypto-markets/index.html",
    "crypto/crypto-markets/sources/index.html",
    "static/style.css",
    "api/v1/topics.json",
    "api/v1/topics/ai-infrastructure-funding.json",
}


@pytest.fixture
def exported(store: FakeSiteStore, tmp_path: Path) -> tuple[Path, ExportReport]:
    return tmp_path, export_site(store, tmp_path, now=NOW)


def test_export_writes_the_site_layout(exported: tuple[Path, ExportReport]) -> None:
    out_dir, report = exported
    written = {
        path.relative_to(out_dir).as_posix() for path in out_dir.rglob("*") if path.is_file()
    }
    assert written == EXPECTED_FILES
    assert (report.pages, report.files) == (9, len(EXPECTED_FILES))


def resolve(page: Path, href: str) -> tuple[Path, str]:
    path, fragment = split_target(href)
    target = (page.parent / path).resolve() if path else page
    if target.is_dir():
        target = target / "index.html"
    return target, fragment


def test_every_exported_link_resolves(exported: tuple[Path, ExportReport]) -> None:
    out_dir, _ = exported
    root = out_dir.resolve()
    checked = 0
    for page in out_dir.rglob("*.html"):
        for href in parse_page(page.read_text()).hrefs:
            if not is_internal(href):
                continue
            target, fragment = resolve(page, href)
            assert target.is_relative_to(root), (page, href)
            assert target.is_file(), (page, href)
            if fragment:
                assert fragment in parse_page(target.read_text()).ids, (page, href)
            checked += 1
    assert checked > 50


def test_export_matches_live_rendering(
    exported: tuple[Path, ExportReport], store: FakeSiteStore, document: dict[str, Any]
) -> None:
    out_dir, _ = exported
    topic_html = (out_dir / "ai/ai-infrastructure-funding/index.html").read_text()
    assert topic_html == render_topic(store, INFRA.vertical, INFRA.slug, now=NOW)
    api_file = out_dir / "api/v1/topics/ai-infrastructure-funding.json"
    assert json.loads(api_file.read_text()) == document
    index = json.loads((out_dir / "api/v1/topics.json").read_text())
    assert [t["slug"] for t in index["topics"]] == [
        "ai-infrastructure-funding",
        "ai-models-labs",
        "crypto-markets",
    ]


def test_export_reads_each_briefing_once(store: FakeSiteStore, tmp_path: Path) -> None:
    export_site(store, tmp_path, now=NOW)
    assert store.briefing_reads == len(store.topics)


def test_export_refuses_reserved_vertical(store: FakeSiteStore, tmp_path: Path) -> None:
    store.verticals.append(Vertical("static", "Static"))
    with pytest.raises(PublishError):
        export_site(store, tmp_path, now=NOW)
    assert not any(tmp_path.iterdir())
