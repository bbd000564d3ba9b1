"""Alembic environment: runs migrations on the connection handed over by the store."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

from newspulse.store.search_rows import is_schema_object
from newspulse.store.tables import metadata

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        engine = engine_from_config(
            config.get_section(config.config_ini_section, {}),
            prefix="sqlalchemy.",
            poolclass=pool.NullPool,
        )
        with engine.connect() as fresh:
            configure_and_run(fresh)
    else:
        configure_and_run(connection)


def configure_and_run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=metadata,
        # SQLite cannot ALTER most things; batch mode copies the table instead.
        render_as_batch=True,
        include_object=is_schema_object,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
