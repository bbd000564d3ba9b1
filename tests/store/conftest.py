"""Stores on both backends for tests that must hold on SQLite and PostgreSQL alike."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from newspulse.store.sql import SqlStore


def fresh_database(server_url: str) -> str:
    """A new empty database on the test server, so tests never see each other's rows."""
    name = f"np_{uuid.uuid4().hex[:12]}"
    url = make_url(server_url).set(drivername="postgresql+psycopg")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_store(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[SqlStore]:
    """A migrated, empty store on SQLite, then on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/any.db"
    else:
        url = fresh_database(request.getfixturevalue("postgres_url"))
    store = SqlStore.open(url)
    store.migrate()
    yield store
    store.close()
