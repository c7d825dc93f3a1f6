"""The `greenroom` command, run as a user would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from greenroom.accounts.models import ActivityEvent, User
from greenroom.db import make_engine, make_session_factory
from tests.conftest import TEST_SECRET


def _run(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "greenroom.cli", *args],
        input=stdin,
        text=True,
        capture_output=True,
        env={**os.environ, **env},
        timeout=120,
        check=False,
    )


def _env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        "GREENROOM_DATABASE_URL": database_url,
        "GREENROOM_DATA_DIR": str(tmp_path / "data"),
        "GREENROOM_SECRET_KEY": TEST_SECRET,
    }


def test_db_upgrade_then_create_admin(database_url: str, tmp_path: Path) -> None:
    env = _env(database_url, tmp_path)
    upgraded = _run(["db", "upgrade"], env)
    assert upgraded.returncode == 0, upgraded.stderr
    created = _run(
        [
            "users",
            "create-admin",
            "--email",
            "Boss@Example.com",
            "--name",
            "Boss",
            "--password-stdin",
        ],
        env,
        stdin="a sturdy admin passphrase\n",
    )
    assert created.returncode == 0, created.stderr
    assert "boss@example.com is an admin." in created.stdout
    engine = make_engine(database_url)
    with make_session_factory(engine)() as db:
        user = db.scalar(select(User).where(User.email == "boss@example.com"))
        assert user is not None and user.role == "admin"
        kinds = db.scalars(select(ActivityEvent.kind).where(ActivityEvent.user_id == user.id))
        assert "role_changed" in set(kinds)
    engine.dispose()
    weak = _run(
        ["users", "create-admin", "--email", "x@example.com", "--name", "X", "--password-stdin"],
        env,
        stdin="password\n",
    )
    assert weak.returncode == 1
    assert "at least 12 characters" in weak.stderr


def test_doctor_lists_every_engine_with_a_fix(database_url: str, tmp_path: Path) -> None:
    env = _env(database_url, tmp_path)
    before = _run(["doctor"], env)
    assert before.returncode == 1
    assert "greenroom db upgrade" in before.stdout
    _run(["db", "upgrade"], env)
    result = _run(["doctor", "--json"], {**env, "GREENROOM_LLM_BASE_URL": "http://127.0.0.1:9/v1"})
    assert result.returncode == 0, result.stderr
    checks = {check["name"]: check for check in json.loads(result.stdout)}
    assert set(checks) == {
        "database",
        "speech-to-text",
        "text-to-speech",
        "voice pipeline",
        "language model",
        "code sandbox",
    }
    assert checks["database"]["status"] == "ok"
    assert checks["language model"]["status"] == "error"
    assert "does not answer" in checks["language model"]["detail"]
    for check in checks.values():
        assert check["status"] == "ok" or check["fix"]


def test_production_without_a_secret_refuses_to_start(tmp_path: Path) -> None:
    env = {
        "GREENROOM_ENV": "production",
        "GREENROOM_DATA_DIR": str(tmp_path),
        "GREENROOM_SECRET_KEY": "",
    }
    result = _run(["serve", "--port", "1"], env)
    assert result.returncode == 2
    assert "GREENROOM_SECRET_KEY must be set in production" in result.stderr


def test_bank_commands(tmp_path: Path) -> None:
    env = {"GREENROOM_DATA_DIR": str(tmp_path)}
    valid = _run(["bank", "validate"], env)
    assert valid.returncode == 0
    assert "valid: 512 questions in 22 files" in valid.stdout
    stats = json.loads(_run(["bank", "stats", "--json"], env).stdout)
    assert stats["questions"] >= 500
    assert stats["roles"] == 20
    assert stats["per_role"]["backend"]["by_difficulty"]["hard"] > 0
    out = tmp_path / "qa.json"
    exported = _run(["bank", "export", "--role", "qa", "--out", str(out)], env)
    assert exported.returncode == 0
    questions = json.loads(out.read_text())["questions"]
    assert questions and all("qa" in q["roles"] for q in questions)
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "x.yaml").write_text("questions: [{id: X}]")
    invalid = _run(["bank", "validate", "--dir", str(tmp_path / "broken")], env)
    assert invalid.returncode == 1
    assert "invalid: x.yaml" in invalid.stderr
