"""A loopback feed of real corpus articles (full text in each item, so no page is fetched)."""

from __future__ import annotations

import email.utils
import html
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent.parent / "examples" / "corpus"


def corpus_feed(name: str, count: int, now: datetime) -> bytes:
    """RSS 2.0 of the first ``count`` records of a bundled corpus, dated an hour apart
    back from ``now`` (so they fall inside every window)."""
    lines = (CORPUS / name / "articles.jsonl").read_text("utf-8").splitlines()[:count]
    items = []
    for number, line in enumerate(lines):
        record = json.loads(line)
        published = now - timedelta(hours=number + 1)
        items.append(
            f"<item><title>{html.escape(record['title'])}</title>"
            f"<link>{html.escape(record['url'])}</link><guid>{html.escape(record['url'])}</guid>"
            f"<pubDate>{email.utils.format_datetime(published)}</pubDate>"
            f"<description>{html.escape(record['text'])}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{name}</title><link>https://example.org/</link><description>corpus</description>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


@contextmanager
def serving(body: bytes) -> Iterator[str]:
    """Serve ``body`` as an RSS feed at the returned 127.0.0.1 URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
    finally:
        server.shutdown()
        server.server_close()
