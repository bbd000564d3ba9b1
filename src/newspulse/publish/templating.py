"""The Jinja2 environment of the site: package templates, autoescape, and the ``safe_url`` filter.

Every piece of source text reaches HTML through autoescape; links to sources pass ``safe_url``
so that only http(s) URLs become ``href`` values (a ``javascript:`` URL renders as plain text).
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from newspulse.domain import VISIBLE_CITATIONS
from newspulse.text.language import language_name

LINKABLE_SCHEMES = frozenset({"http", "https"})


def safe_url(value: object) -> str:
    """``value`` when it is an absolute http(s) URL, else ``""`` (the caller shows plain text)."""
    return checked_url(value) if isinstance(value, str) else ""


# A topic page links the same few hundred source URLs in its cards and its source list.
@functools.lru_cache(maxsize=4096)
def checked_url(value: str) -> str:
    candidate = value.strip()
    # Browsers drop tabs and newlines inside URLs ("java\tscript:"), so any control
    # character makes the URL unsafe to link rather than something to clean up.
    if any(ord(character) < 0x20 or ord(character) == 0x7F for character in candidate):
        return ""
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return ""
    if parts.scheme.lower() not in LINKABLE_SCHEMES or not parts.netloc:
        return ""
    return candidate


@functools.cache
def template_environment() -> Environment:
    """One shared environment; templates are read once from the ``newspulse.publish`` package."""
    environment = Environment(
        loader=PackageLoader("newspulse.publish", "templates"),
        autoescape=select_autoescape(
            enabled_extensions=("html",), default_for_string=True, default=True
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["safe_url"] = safe_url
    environment.filters["language_name"] = language_name
    environment.globals["visible_citations"] = VISIBLE_CITATIONS
    return environment


def render_template(name: str, **context: Any) -> str:
    return template_environment().get_template(name).render(**context)
