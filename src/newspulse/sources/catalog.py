"""Verticals and topics from ``topics.toml``: the operator's definition of the site.

The format is an interface other tools write (see the Foundation issue); extra
keys are allowed only where listed in ``TOPIC_KEYS``/``VERTICAL_KEYS`` so a typo
is an error rather than a silently ignored setting.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from newspulse.domain import Catalog, Topic, Vertical
from newspulse.errors import ConfigError
from newspulse.text.language import DEFAULT_LANGUAGE, LanguageError, checked_language

VERTICAL_KEYS = frozenset({"slug", "name", "description"})
TOPIC_KEYS = frozenset(
    {
        "slug",
        "vertical",
        "title",
        "tagline",
        "description",
        "include",
        "exclude",
        "threshold",
        "window_days",
        "facets",
        "language",
    }
)
REQUIRED_TOPIC_KEYS = ("slug", "vertical", "title", "tagline", "description")


def starter_topics_text() -> str:
    """The shipped starter set (AI, Crypto, Sports)."""
    return resources.files("newspulse").joinpath("data/topics.toml").read_text("utf-8")


def load_catalog(path: Path | None = None) -> Catalog:
    """Read a topics file, or the starter set when ``path`` is None."""
    resource = str(path) if path else "starter topics.toml"
    try:
        text = path.read_text("utf-8") if path else starter_topics_text()
        document = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError("cannot read topics file", resource) from exc
    return parse_catalog(document, resource=resource)


def parse_catalog(document: dict[str, Any], *, resource: str) -> Catalog:
    verticals = tuple(
        parse_vertical(raw, resource) for raw in as_tables(document, "verticals", resource)
    )
    topics = tuple(parse_topic(raw, resource) for raw in as_tables(document, "topics", resource))
    check_catalog(verticals, topics, resource)
    return Catalog(verticals=verticals, topics=topics)


def as_tables(document: dict[str, Any], key: str, resource: str) -> list[dict[str, Any]]:
    tables = document.get(key, [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ConfigError(f"'{key}' must be an array of tables ([[{key}]])", resource)
    return tables


def parse_vertical(raw: dict[str, Any], resource: str) -> Vertical:
    unknown = set(raw) - VERTICAL_KEYS
    if unknown:
        raise ConfigError(f"unknown vertical keys {sorted(unknown)}", resource)
    slug = require_slug(raw, resource)
    return Vertical(
        slug=slug,
        name=str(raw.get("name", slug)),
        description=str(raw.get("description", "")),
    )


def parse_topic(raw: dict[str, Any], resource: str) -> Topic:
    unknown = set(raw) - TOPIC_KEYS
    if unknown:
        raise ConfigError(f"unknown topic keys {sorted(unknown)}", resource)
    missing = [key for key in REQUIRED_TOPIC_KEYS if not raw.get(key)]
    if missing:
        raise ConfigError(f"topic {raw.get('slug', '?')!r} lacks {missing}", resource)
    threshold = positive_or_none(raw.get("threshold"), "threshold", resource)
    window = positive_or_none(raw.get("window_days"), "window_days", resource)
    return Topic(
        slug=require_slug(raw, resource),
        vertical=str(raw["vertical"]),
        title=str(raw["title"]),
        tagline=str(raw["tagline"]),
        description=" ".join(str(raw["description"]).split()),
        include=as_terms(raw.get("include", []), "include", resource),
        exclude=as_terms(raw.get("exclude", []), "exclude", resource),
        threshold=threshold,
        window_days=int(window) if window is not None else None,
        facets=as_terms(raw.get("facets", []), "facets", resource),
        language=topic_language(raw.get("language", DEFAULT_LANGUAGE), resource),
    )


def topic_language(value: Any, resource: str) -> str:
    """The topic's prose language: a BCP-47 primary subtag ("en", "zh", "id")."""
    if not isinstance(value, str):
        raise ConfigError(f"'language' must be a language code string, not {value!r}", resource)
    try:
        return checked_language(value)
    except LanguageError as exc:
        raise ConfigError(str(exc), resource) from exc


def positive_or_none(value: Any, key: str, resource: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigError(f"'{key}' must be a positive number, not {value!r}", resource)
    return float(value)


def require_slug(raw: dict[str, Any], resource: str) -> str:
    slug = raw.get("slug")
    if not isinstance(slug, str) or not slug or not slug.replace("-", "").isalnum():
        raise ConfigError(f"invalid slug {slug!r}: use letters, digits and '-'", resource)
    if slug != slug.lower():
        raise ConfigError(f"slug {slug!r} must be lowercase", resource)
    return slug


def as_terms(value: Any, key: str, resource: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(term, str) for term in value):
        raise ConfigError(f"'{key}' must be a list of strings", resource)
    return tuple(term.strip() for term in value if term.strip())


def check_catalog(
    verticals: tuple[Vertical, ...], topics: tuple[Topic, ...], resource: str
) -> None:
    vertical_slugs = [v.slug for v in verticals]
    topic_slugs = [t.slug for t in topics]
    for kind, slugs in (("vertical", vertical_slugs), ("topic", topic_slugs)):
        repeated = sorted({slug for slug in slugs if slugs.count(slug) > 1})
        if repeated:
            raise ConfigError(f"{kind} slugs repeated: {repeated}", resource)
    for topic in topics:
        if topic.vertical not in vertical_slugs:
            raise ConfigError(
                f"topic {topic.slug!r} names unknown vertical {topic.vertical!r}", resource
            )
