"""Fixtures: a real database per test (SQLite, and PostgreSQL when set), the app, a client."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from greenroom.accounts.activity import Client
from greenroom.accounts.models import User
from greenroom.accounts.service import signup
from greenroom.app import create_app
from greenroom.config import Settings
from greenroom.db import Base, make_engine, make_session_factory
from greenroom.interviews.engine import InterviewEngine
from greenroom.interviews.models import Interview
from greenroom.interviews.runtime import default_engine
from greenroom.interviews.schemas import Setup
from greenroom.models import import_all_models
from greenroom.security import Keyring

POSTGRES_URL = os.environ.get("GREENROOM_TEST_POSTGRES_URL")
ENGINES = ["sqlite", *(["postgres"] if POSTGRES_URL else [])]
TEST_SECRET = "test-secret-key-that-is-long-enough-for-production-use"


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: a SQLite file, or a fresh schema in the test PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    assert POSTGRES_URL is not None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        env="test",
        data_dir=tmp_path / "data",
        database_url=database_url,
        secret_key=SecretStr(TEST_SECRET),
        _env_file=None,
    )


@pytest.fixture
def schema(settings: Settings) -> None:
    """The tables, created from the models (the migrations are tested against them separately)."""
    import_all_models()
    engine = make_engine(settings.resolved_database_url)
    Base.metadata.create_all(engine)
    engine.dispose()


@pytest.fixture
def app(settings: Settings, schema: None) -> Iterator[FastAPI]:
    application = create_app(settings)
    yield application
    application.state.greenroom.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def db(settings: Settings, schema: None) -> Iterator[Session]:
    """A session for service tests; the test decides when to commit."""
    engine = make_engine(settings.resolved_database_url)
    session = make_session_factory(engine)()
    yield session
    session.close()
    engine.dispose()


@pytest.fixture(scope="session")
def interview_engine() -> InterviewEngine:
    """The process's engine: the bank and the real embedding model, loaded once per worker."""
    return default_engine()


@pytest.fixture
def keys(settings: Settings) -> Keyring:
    return Keyring(settings.secret)


StartInterview = Callable[..., Interview]


@pytest.fixture
def user(db: Session, settings: Settings) -> User:
    account = signup(
        db,
        settings,
        email="cand@example.com",
        display_name="Cand",
        password="a long enough passphrase",
        client=Client(ip="192.0.2.9"),
    )
    db.commit()
    return account


@pytest.fixture
def start_interview(db: Session, user: User, interview_engine: InterviewEngine) -> StartInterview:
    """Starts an interview on the given bank questions (or a planned one), persona as asked."""

    def start(*question_ids: str, persona: str = "neutral", **setup: object) -> Interview:
        values: dict[str, object] = {
            "role": "backend",
            "persona": persona,
            "question_count": max(1, len(question_ids)),
            **setup,
        }
        interview = interview_engine.create(db, user.id, Setup.model_validate(values), seed=7)
        if question_ids:
            interview.plan = list(question_ids)
        interview_engine.start(db, interview, user.display_name)
        db.commit()
        return interview

    return start
