"""Rendered briefing pages kept until the store's content or the minute changes.

A topic page with a few hundred cited sources takes ~20 ms to render, yet it only changes
when a version, a correction or an article is written (``content_stamp``) and its relative
ages ("Updated 3 hours ago", which the page's script also refreshes) only once a minute.
So under load almost every request is one cheap stamp query and a dictionary lookup.
Handlers run in a thread pool, hence the lock; rendering itself happens outside it.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from newspulse.publish.ports import StampedStore

DEFAULT_PAGES = 256


class PageCache:
    def __init__(
        self,
        store: StampedStore,
        clock: Callable[[], dt.datetime],
        *,
        max_pages: int = DEFAULT_PAGES,
    ) -> None:
        self.store = store
        self.clock = clock
        self.max_pages = max_pages
        self.pages: OrderedDict[Hashable, str] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    def page(self, path: str, render: Callable[[dt.datetime], str]) -> str:
        """The page at ``path``, rendered by ``render(now)`` unless a fresh copy is kept.

        A render that raises (a page not found) is not kept, so errors are never cached.
        """
        now = self.clock()
        key = (path, self.store.content_stamp(), now.replace(second=0, microsecond=0))
        with self.lock:
            html = self.pages.get(key)
            if html is not None:
                self.pages.move_to_end(key)
                self.hits += 1
                return html
        html = render(now)
        with self.lock:
            self.misses += 1
            self.pages[key] = html
            while len(self.pages) > self.max_pages:
                self.pages.popitem(last=False)
        return html
