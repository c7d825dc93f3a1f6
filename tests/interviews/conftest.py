"""Fixtures for interview tests: a user in the database and a helper to start interviews."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from greenroom.accounts.activity import Client
from greenroom.accounts.models import User
from greenroom.accounts.service import signup
from greenroom.config import Settings
from greenroom.interviews.engine import InterviewEngine
from greenroom.interviews.models import Interview
from greenroom.interviews.schemas import Setup

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
