"""Settings: defaults, the generated secret, and refusing weak secrets in production."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import SecretStr

from greenroom.config import ConfigurationError, Settings


def test_defaults_use_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, _env_file=None)
    assert settings.resolved_database_url == f"sqlite:///{tmp_path.resolve()}/greenroom.db"
    assert settings.env == "development"


def test_environment_variables_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREENROOM_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("GREENROOM_DATABASE_URL", "postgresql+psycopg://u@h/db")
    monkeypatch.setenv("GREENROOM_SESSION_IDLE_MINUTES", "5")
    settings = Settings(_env_file=None)
    assert settings.data_dir == tmp_path
    assert settings.resolved_database_url == "postgresql+psycopg://u@h/db"
    assert settings.session_idle_minutes == 5


def test_secret_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    first = Settings(data_dir=tmp_path, _env_file=None).secret
    second = Settings(data_dir=tmp_path, _env_file=None).secret
    assert first == second and len(first) >= 48
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600


@pytest.mark.parametrize("secret", [None, "", "changeme", "short-secret"])
def test_production_refuses_missing_default_or_short_secret(
    tmp_path: Path, secret: str | None
) -> None:
    with pytest.raises(ConfigurationError, match="GREENROOM_SECRET_KEY"):
        Settings(
            env="production",
            data_dir=tmp_path,
            secret_key=SecretStr(secret) if secret is not None else None,
            _env_file=None,
        )


def test_production_accepts_a_strong_secret(tmp_path: Path) -> None:
    settings = Settings(
        env="production",
        data_dir=tmp_path,
        secret_key=SecretStr("x" * 20 + "y" * 20),
        _env_file=None,
    )
    assert settings.production
