"""Test helpers: what an HTML page links to and which anchors it defines (stdlib parser)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit


@dataclass
class ParsedPage:
    hrefs: list[str] = field(default_factory=list)
    srcs: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    tags: list[str] = field(default_factory=list)
    links: list[dict[str, str]] = field(default_factory=list)
    form_fields: list[str] = field(default_factory=list)


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.page = ParsedPage()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.page.tags.append(tag)
        if "id" in values:
            self.page.ids.add(values["id"])
        field = tag in {"input", "select", "textarea"} and values.get("type") != "hidden"
        labelled = "aria-label" in values or "aria-labelledby" in values  # needs no <label>
        if field and not labelled:
            self.page.form_fields.append(values.get("id", ""))
        if "src" in values:
            self.page.srcs.append(values["src"])
        if "href" in values:
            self.page.hrefs.append(values["href"])
            if tag == "a":
                self.page.links.append(values)


def parse_page(html: str) -> ParsedPage:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser.page


def is_internal(href: str) -> bool:
    parts = urlsplit(href)
    return not parts.scheme and not parts.netloc


def split_target(href: str) -> tuple[str, str]:
    """A relative href as (decoded path, fragment)."""
    parts = urlsplit(href)
    return unquote(parts.path), unquote(parts.fragment)


def headings(page: ParsedPage) -> list[int]:
    return [
        int(tag[1]) for tag in page.tags if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit()
    ]
