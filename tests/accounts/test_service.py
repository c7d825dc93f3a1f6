"""Account services on the real database: TOTP replay, recovery codes, throttling windows."""

from __future__ import annotations

import time
from datetime import timedelta

import pyotp
from sqlalchemy import update
from sqlalchemy.orm import Session

from greenroom.accounts import auth, service
from greenroom.accounts.activity import Client
from greenroom.accounts.models import AuthAttempt, RecoveryCode, User
from greenroom.accounts.passwords import password_problem, verify_password
from greenroom.config import Settings
from greenroom.db import utcnow
from greenroom.security import Keyring

CLIENT = Client(ip="192.0.2.1", user_agent="pytest")
PASSWORD = "an entirely ordinary passphrase"


def _user(db: Session, settings: Settings, email: str = "svc@example.com") -> User:
    user = service.signup(
        db, settings, email=email, display_name="Svc", password=PASSWORD, client=CLIENT
    )
    db.commit()
    return user


def test_passwords_are_argon2id_and_verify(db: Session, settings: Settings) -> None:
    user = _user(db, settings)
    assert user.password_hash.startswith("$argon2id$")
    assert verify_password(user.password_hash, PASSWORD)
    assert not verify_password(user.password_hash, PASSWORD + "x")
    assert not verify_password(None, PASSWORD)


def test_password_rules() -> None:
    assert password_problem("x" * 11, min_length=12) == "Use at least 12 characters."
    assert password_problem("iloveyou12345", min_length=12) is not None
    assert (
        password_problem("ada.lovelace.rocks", min_length=12, email="lovelace@example.com")
        is not None
    )
    assert password_problem("violet harbour lantern", min_length=12) is None


def test_totp_codes_are_accepted_once(db: Session, settings: Settings, keys: Keyring) -> None:
    user = _user(db, settings)
    setup = service.begin_totp_setup(keys, user)
    totp = pyotp.TOTP(setup.secret)
    codes = service.confirm_totp(db, keys, user, totp.now(), None, CLIENT)
    db.commit()
    assert len(codes) == len(set(codes)) == 10
    assert user.totp_secret is not None and setup.secret not in user.totp_secret  # encrypted
    assert not auth.verify_totp(keys, user, totp.now())  # same step as the confirmation
    future = totp.at(time.time() + 30)
    assert auth.verify_totp(keys, user, future)
    assert not auth.verify_totp(keys, user, future)
    assert not auth.verify_totp(keys, user, totp.at(time.time() - 30))  # older than the last
    assert not auth.verify_totp(keys, user, "12345a")


def test_recovery_codes_are_stored_hashed_and_work_once(
    db: Session, settings: Settings, keys: Keyring
) -> None:
    user = _user(db, settings)
    setup = service.begin_totp_setup(keys, user)
    codes = service.confirm_totp(db, keys, user, pyotp.TOTP(setup.secret).now(), None, CLIENT)
    db.commit()
    stored = {row.code_hash for row in db.query(RecoveryCode).filter_by(user_id=user.id)}
    assert not stored & set(codes)
    assert auth.use_recovery_code(db, keys, user, codes[0].replace("-", " ").upper())
    assert not auth.use_recovery_code(db, keys, user, codes[0])
    assert service.recovery_codes_left(db, user) == 9


def test_throttle_forgets_failures_outside_the_window(db: Session, settings: Settings) -> None:
    _user(db, settings)
    for _ in range(settings.login_max_failures_per_account):
        result = auth.check_password(db, settings, "svc@example.com", "wrong", CLIENT)
        assert result.error == "Incorrect email or password."
    db.commit()
    locked = auth.check_password(db, settings, "svc@example.com", PASSWORD, CLIENT)
    assert locked.user is None and locked.retry_after_s > 0
    db.execute(
        update(AuthAttempt).values(
            at=utcnow() - timedelta(minutes=settings.login_window_minutes + 1)
        )
    )
    db.commit()
    assert auth.check_password(db, settings, "svc@example.com", PASSWORD, CLIENT).user is not None


def test_a_success_resets_the_account_count(db: Session, settings: Settings) -> None:
    _user(db, settings)
    for _ in range(settings.login_max_failures_per_account - 1):
        auth.check_password(db, settings, "svc@example.com", "wrong", CLIENT)
    assert auth.check_password(db, settings, "svc@example.com", PASSWORD, CLIENT).user
    db.commit()
    for _ in range(settings.login_max_failures_per_account - 1):
        auth.check_password(db, settings, "svc@example.com", "wrong", CLIENT)
    assert auth.check_password(db, settings, "svc@example.com", PASSWORD, CLIENT).user


def test_sessions_store_only_a_digest_and_expire(
    db: Session, settings: Settings, keys: Keyring
) -> None:
    user = _user(db, settings)
    token = auth.start_session(db, keys, user, CLIENT)
    db.commit()
    assert all(s.token_hash != token for s in user.sessions)
    assert auth.resolve_session(db, settings, keys, token).session is not None
    user.sessions[0].last_seen_at = utcnow() - timedelta(minutes=settings.session_idle_minutes + 1)
    db.commit()
    resolved = auth.resolve_session(db, settings, keys, token)
    assert resolved.session is None and resolved.expired
    assert auth.resolve_session(db, settings, keys, "unknown").session is None


def test_api_tokens_are_stored_as_digests(db: Session, settings: Settings, keys: Keyring) -> None:
    user = _user(db, settings)
    created = service.create_token(db, keys, user, "cli", CLIENT)
    db.commit()
    assert created.token.token_hash != created.secret
    assert service.user_for_token(db, keys, created.secret) is user
    assert service.user_for_token(db, keys, created.secret + "x") is None
    service.revoke_token(db, user, created.token.id, CLIENT)
    assert service.user_for_token(db, keys, created.secret) is None
