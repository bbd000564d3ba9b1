"""Per-host politeness across processes: two fetchers that share a store start their
requests to one host ``min_delay`` apart between them, not each on its own."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from newspulse.ingest.fetch import Fetcher
from newspulse.ingest.pace import HostPace
from newspulse.store.sql import SqlStore
from tests.servers import HttpServer
from tests.servers import http_server as http_server  # the session fixture
from tests.store.conftest import any_store as any_store  # the fixture
from tests.store.conftest import fresh_database
from tests.workers.test_worker_processes import newspulse, settled, state, workers

DELAY = 0.3
PER_FETCHER = 4


def fetch_together(server: HttpServer, paces: list[HostPace | None]) -> list[float]:
    """Each pace's fetcher (in a thread of its own, as in its own process) fetches
    ``PER_FETCHER`` pages of one host at once; the server's request start times, sorted."""
    tag = uuid.uuid4().hex
    start = threading.Barrier(len(paces))

    def fetcher(number: int, pace: HostPace | None) -> None:
        async def fetch() -> None:
            async with Fetcher(
                allow_private_hosts=True, min_delay=DELAY, max_per_host=2, pace=pace
            ) as client:
                urls = [
                    server.url(f"headers?tag={tag}&f={number}&n={n}") for n in range(PER_FETCHER)
                ]
                start.wait()
                for outcome in await client.fetch_many(urls):
                    assert not isinstance(outcome, BaseException), outcome

        asyncio.run(fetch())

    threads = [
        threading.Thread(target=fetcher, args=(number, pace)) for number, pace in enumerate(paces)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(hit.started for hit in server.hits("/headers") if tag in hit.query)


def test_two_fetchers_sharing_a_store_keep_one_delay_per_host(
    any_store: SqlStore, http_server: HttpServer
) -> None:
    # A second process's own connection pool on the same database.
    other = SqlStore.open(any_store.engine.url.render_as_string(hide_password=False))
    try:
        starts = fetch_together(http_server, [any_store, other])
    finally:
        other.close()
    assert len(starts) == 2 * PER_FETCHER
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    print(
        f"shared pace: {len(starts)} starts over {starts[-1] - starts[0]:.2f}s, "
        f"smallest gap {min(gaps):.3f}s (min_delay {DELAY}s)"
    )
    # Every start a delay after the one before, give or take the time a request takes to
    # reach the server (a new connection, a thread's turn): far from the control's 0.
    assert min(gaps) >= DELAY - 0.1, gaps
    assert starts[-1] - starts[0] >= (2 * PER_FETCHER - 1) * DELAY - 0.1


def test_fetchers_without_a_shared_pace_each_keep_only_their_own(
    http_server: HttpServer,
) -> None:
    """The control: two fetchers on their own send two requests per delay to the host."""
    starts = fetch_together(http_server, [None, None])
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    print(
        f"own pace only: {len(starts)} starts over {starts[-1] - starts[0]:.2f}s, "
        f"smallest gap {min(gaps):.3f}s"
    )
    assert len(starts) == 2 * PER_FETCHER
    assert min(gaps) < DELAY / 2, gaps


@pytest.mark.postgres
@pytest.mark.slow
def test_two_worker_processes_fetch_one_host_one_delay_apart(
    postgres_url: str, http_server: HttpServer, tmp_path: Path
) -> None:
    """Two `newspulse worker` processes fetch the item pages of one feed, both at once
    (small batches fan out): the host sees one request per ``fetch.min_delay``."""
    url = fresh_database(postgres_url)
    newspulse(url, "init")
    tag = f"0.0{uuid.uuid4().int % 10**6:06d}"  # a page delay only this test's feed asks for
    began = time.monotonic()
    settings = {"NEWSPULSE_FETCH__MIN_DELAY": str(DELAY), "NEWSPULSE_RUN__BATCH_SIZE": "2"}
    holders: set[str] = set()
    engine = create_engine(url)
    done = threading.Event()

    def watch_claims() -> None:
        """Who holds fetch claims, from before the run starts: on a loaded machine the
        `run` command can return after the workers fetched every page."""
        while not done.is_set():
            with engine.connect() as connection:
                holders.update(
                    connection.execute(
                        text("SELECT worker FROM work_claims WHERE step = 'fetch'")
                    ).scalars()
                )
            time.sleep(0.02)

    watcher = threading.Thread(target=watch_claims, daemon=True)
    try:
        with workers(url, 2, tmp_path, env=settings):
            watcher.start()
            newspulse(url, "sources", "add", http_server.url(f"slow-feed?items=8&delay={tag}"))
            newspulse(url, "run", "--engine", "procrastinate", "--ticks", "1")
            deadline = time.monotonic() + 60
            stored = 0
            # Until every page's article is stored (a loaded machine can make a running
            # poll look settled before it stored its pending fetches).
            while stored < 8 or not settled(url):
                assert time.monotonic() < deadline, state(url)
                with engine.connect() as connection:
                    stored = connection.execute(text("SELECT count(*) FROM articles")).scalar_one()
                time.sleep(0.05)
    finally:
        done.set()
        if watcher.is_alive():
            watcher.join(timeout=5)
        engine.dispose()
    pages = sorted(
        hit.started
        for hit in http_server.hits("/slow")
        if f"delay={tag}" in hit.query and hit.started >= began
    )
    gaps = [later - earlier for earlier, later in itertools.pairwise(pages)]
    print(
        f"two workers: {len(pages)} page starts over {pages[-1] - pages[0]:.2f}s, "
        f"smallest gap {min(gaps):.3f}s (min_delay {DELAY}s); fetch claim holders {holders}"
    )
    assert len(holders) == 2  # both workers fetched
    assert len(pages) == 8
    assert min(gaps) >= DELAY - 0.1, gaps
