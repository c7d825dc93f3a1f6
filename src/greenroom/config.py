"""Settings: the one place configuration is read (GREENROOM_* variables and an optional .env)."""

from __future__ import annotations

import os
import secrets
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Values that must never be accepted as a production secret.
KNOWN_DEFAULT_SECRETS = frozenset({"", "changeme", "change-me", "secret", "dev", "development"})
MIN_PRODUCTION_SECRET_LENGTH = 32


class ConfigurationError(RuntimeError):
    """The settings cannot run the app; the message says what to change."""


class Settings(BaseSettings):
    """Every setting of Greenroom, read from GREENROOM_* environment variables or `.env`."""

    model_config = SettingsConfigDict(
        env_prefix="GREENROOM_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    env: Literal["development", "production", "test"] = "development"
    data_dir: Path = Path("./var")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; SQLite in the data dir when unset."
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description="Signs cookies and tokens; generated into the data dir when unset.",
    )
    session_idle_minutes: int = Field(default=60, ge=1)
    session_absolute_hours: int = Field(default=12, ge=1)
    login_window_minutes: int = Field(default=15, ge=1)
    login_max_failures_per_account: int = Field(default=5, ge=1)
    login_max_failures_per_address: int = Field(default=20, ge=1)
    password_min_length: int = Field(default=12, ge=8)
    llm_base_url: str | None = Field(
        default=None, description="OpenAI-compatible server; no language model when unset."
    )
    llm_model: str | None = Field(
        default=None, description="Model name; the server's first listed model when unset."
    )
    llm_api_key: SecretStr | None = None
    llm_provider: Literal["openai"] = "openai"
    llm_timeout_s: float = Field(default=30.0, gt=0)
    llm_max_retries: int = Field(default=2, ge=0, le=5)
    llm_cooldown_s: float = Field(
        default=60.0, ge=0, description="How long a failing model is skipped."
    )
    voice_max_sessions: int = Field(
        default_factory=lambda: max(1, os.cpu_count() or 1),
        ge=1,
        description="Voice interviews one process runs at once (default: one per CPU core).",
    )
    log_level: str = "INFO"
    log_json: bool = True
    host: str = "127.0.0.1"
    port: int = 8000

    @model_validator(mode="after")
    def _refuse_weak_production_secret(self) -> Settings:
        if self.env != "production":
            return self
        value = self.secret_key.get_secret_value() if self.secret_key else ""
        if value.strip().lower() in KNOWN_DEFAULT_SECRETS:
            raise ConfigurationError(
                "GREENROOM_SECRET_KEY must be set in production "
                "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))')."
            )
        if len(value) < MIN_PRODUCTION_SECRET_LENGTH:
            raise ConfigurationError(
                f"GREENROOM_SECRET_KEY is too short for production "
                f"(at least {MIN_PRODUCTION_SECRET_LENGTH} characters)."
            )
        return self

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to SQLite inside the data dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'greenroom.db').resolve()}"

    @cached_property
    def secret(self) -> bytes:
        """The secret key as bytes; on first use without one, a new key is kept in the data dir."""
        if self.secret_key is not None and self.secret_key.get_secret_value():
            return self.secret_key.get_secret_value().encode()
        return _load_or_create_secret(self.data_dir / "secret_key")

    @property
    def production(self) -> bool:
        return self.env == "production"


def _load_or_create_secret(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # O_EXCL: two processes starting together must not both write a key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
    value = path.read_text().strip()
    if not value:
        raise ConfigurationError(
            f"The secret key file {path} is empty; delete it to make a new one."
        )
    return value.encode()
