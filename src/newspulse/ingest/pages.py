"""Article pages from files or URLs → extraction records, for `newspulse extract`.

The same ``extract_page`` the pipeline uses; each input is independent, so one
unreadable file or failing URL yields an ``error`` record and the rest go on.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from urllib.parse import urlsplit

from newspulse.ingest.extract import error_record, extract_page, extraction_record, read_page_file
from newspulse.settings import Settings


def is_url(name: str) -> bool:
    return urlsplit(name).scheme in ("http", "https")


def extract_inputs(
    inputs: Sequence[str], *, url: str | None, settings: Settings
) -> Iterator[Mapping[str, str | None]]:
    urls = [name for name in inputs if is_url(name)]
    fetched = fetch_pages(urls, settings=settings) if urls else {}
    for name in inputs:
        try:
            if is_url(name):
                body = fetched[name]
                if isinstance(body, BaseException):
                    raise body
                page = extract_page(body, url=name)
            else:
                page = extract_page(read_page_file(name), url=url)
            yield extraction_record(name, page)
        except Exception as exc:  # one bad input must not stop the others (issue 3, item 8)
            yield error_record(name, exc)


def fetch_pages(urls: Sequence[str], *, settings: Settings) -> dict[str, bytes | BaseException]:
    """Bodies of ``urls`` (or the error each raised), fetched politely and SSRF-checked."""
    import asyncio

    from newspulse.ingest.fetch import fetch_bodies

    return asyncio.run(fetch_bodies(urls, allow_private_hosts=settings.allow_private_hosts))
