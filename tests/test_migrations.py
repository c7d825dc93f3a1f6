"""Migrations: empty to head on SQLite and PostgreSQL, matching the models exactly, and back."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from greenroom.db import Base, make_engine
from greenroom.migrate import current_head, downgrade, upgrade
from greenroom.models import import_all_models


def test_upgrade_from_empty_to_head_matches_the_models(database_url: str) -> None:
    import_all_models()
    upgrade(database_url)
    engine = make_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert context.get_current_revision() == current_head()
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
    assert {"users", "user_sessions", "api_tokens", "activity_events"} <= set(
        inspect(engine).get_table_names()
    )
    engine.dispose()


def test_downgrade_to_base_and_up_again(database_url: str) -> None:
    upgrade(database_url)
    downgrade(database_url, "base")
    engine = make_engine(database_url)
    assert "users" not in inspect(engine).get_table_names()
    engine.dispose()
    upgrade(database_url)
