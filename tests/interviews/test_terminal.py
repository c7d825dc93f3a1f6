"""`greenroom practice` in the terminal: prompts, piped answers, pause on end of input, resume."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from greenroom.db import make_engine, make_session_factory
from greenroom.interviews.models import Interview, Turn
from tests.conftest import TEST_SECRET

ANSWER = "I would first clarify the requirements, then measure where the time goes.\n\n"


def _env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "GREENROOM_DATABASE_URL": database_url,
        "GREENROOM_DATA_DIR": str(tmp_path / "data"),
        "GREENROOM_SECRET_KEY": TEST_SECRET,
    }


def _greenroom(
    args: list[str], env: dict[str, str], stdin: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "greenroom.cli", *args],
        input=stdin,
        env=env,
        text=True,
        capture_output=True,
        timeout=180,
        check=False,
    )


def _account(env: dict[str, str]) -> None:
    created = _greenroom(
        [
            "users",
            "create-admin",
            "--email",
            "term@example.com",
            "--name",
            "Terry",
            "--password-stdin",
        ],
        env,
        "quiet harbour lanterns\n",
    )
    assert created.returncode == 0, created.stderr


def _turns(database_url: str) -> tuple[Interview, list[Turn]]:
    engine = make_engine(database_url)
    with make_session_factory(engine)() as db:
        interview = db.scalars(select(Interview)).one()
        turns = list(interview.turns)
    engine.dispose()
    return interview, turns


def test_practice_with_piped_answers_is_stored_for_the_web_app(
    database_url: str, tmp_path: Path
) -> None:
    env = _env(database_url, tmp_path)
    _account(env)
    result = _greenroom(
        [
            "practice",
            "--role",
            "backend",
            "--level",
            "senior",
            "--type",
            "mixed",
            "--questions",
            "2",
        ],
        env,
        ANSWER * 6,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    greeting = out.split("Interviewer: ", 1)[1].split("\n", 1)[0]
    assert "Terry" in greeting
    assert "2 questions" in greeting
    assert "Interviewer (question 1 of 2):" in out and "Interviewer (question 2 of 2):" in out
    assert "> (end your answer with an empty line)" in out
    assert "Interview saved. Read it at http://127.0.0.1:8000/interviews/1" in out
    interview, turns = _turns(database_url)
    assert interview.status == "completed"
    answers = [t for t in turns if t.kind == "answer"]
    assert answers and all(t.text == ANSWER.strip() for t in answers)
    assert all("answered_after_s" in t.meta for t in answers)


def test_end_of_input_pauses_and_resume_finishes(database_url: str, tmp_path: Path) -> None:
    env = _env(database_url, tmp_path)
    _account(env)
    first = _greenroom(
        ["practice", "--type", "technical", "--questions", "2", "--user", "term@example.com"],
        env,
        ANSWER,
    )
    assert first.returncode == 0, first.stderr
    assert "Input ended, so the interview is paused where it stopped." in first.stdout
    assert "greenroom practice --resume 1" in first.stdout
    interview, _ = _turns(database_url)
    assert interview.status == "paused"
    second = _greenroom(["practice", "--resume", "1"], env, "/moment\n\n" + ANSWER * 6)
    assert second.returncode == 0, second.stderr
    assert "[Interview resumed.]" in second.stdout
    assert "take a moment" in second.stdout.lower()
    assert "Interview saved." in second.stdout
    interview, turns = _turns(database_url)
    assert interview.status == "completed"
    assert [t.kind for t in turns].count("pause") == 1


def test_clear_errors_for_bad_options_and_unknown_users(database_url: str, tmp_path: Path) -> None:
    env = _env(database_url, tmp_path)
    none_yet = _greenroom(["practice"], env, "")
    assert none_yet.returncode == 1
    assert "There is no account yet" in none_yet.stderr
    _account(env)
    bad = _greenroom(["practice", "--role", "astronaut"], env, "")
    assert bad.returncode == 2
    assert "choose one of the listed roles" in bad.stderr
    unknown = _greenroom(["practice", "--user", "nobody@example.com"], env, "")
    assert "No account with the email nobody@example.com" in unknown.stderr
