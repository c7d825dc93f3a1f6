"""Signing in: passwords, second factors, throttling of guesses, and server-side sessions."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from greenroom.accounts import repository
from greenroom.accounts.activity import Client, record_activity
from greenroom.accounts.models import ActivityKind, AuthAttempt, RecoveryCode, User, UserSession
from greenroom.accounts.passwords import hash_password, needs_rehash, verify_password
from greenroom.accounts.second_factor import matching_step, normalise_recovery_code
from greenroom.config import Settings
from greenroom.db import utcnow
from greenroom.security import Keyring

SESSION_DIGEST = "session"
RECOVERY_DIGEST = "recovery-code"
TOTP_ENCRYPTION = "totp-secret"
# Writing last_seen_at on every request would turn every page view into a write.
LAST_SEEN_RESOLUTION = timedelta(seconds=60)


@dataclass(frozen=True)
class SignInResult:
    """What one step of signing in gave: a user, or a message (and a wait when throttled)."""

    user: User | None = None
    needs_second_factor: bool = False
    error: str | None = None
    retry_after_s: int = 0
    used_recovery_code: bool = False


def normalise_email(email: str) -> str:
    return email.strip().lower()


def throttle_wait_s(db: Session, settings: Settings, email: str, ip: str) -> int:
    """Seconds to wait before another attempt for this account or address; 0 when allowed."""
    now = utcnow()
    window = timedelta(minutes=settings.login_window_minutes)
    since = now - window
    waits = [0]
    for failures, limit in (
        (
            repository.failures_since(db, since=since, email=email),
            settings.login_max_failures_per_account,
        ),
        (
            repository.failures_since(db, since=since, ip=ip),
            settings.login_max_failures_per_address,
        ),
    ):
        if len(failures) >= limit:
            unlocks_at = failures[-limit] + window
            waits.append(math.ceil((unlocks_at - now).total_seconds()))
    return max(waits)


def _throttled(wait_s: int) -> SignInResult:
    minutes = max(1, math.ceil(wait_s / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return SignInResult(
        error=f"Too many failed attempts. Try again in {minutes} {unit}.", retry_after_s=wait_s
    )


def check_password(
    db: Session, settings: Settings, email: str, password: str, client: Client
) -> SignInResult:
    """The first step of signing in. Unknown email and wrong password look the same."""
    email = normalise_email(email)
    wait = throttle_wait_s(db, settings, email, client.ip)
    if wait > 0:
        return _throttled(wait)
    user = repository.user_by_email(db, email)
    valid = verify_password(user.password_hash if user else None, password)
    if user is None or not valid or not user.is_active:
        db.add(_attempt(email, client, succeeded=False))
        if user is not None:
            record_activity(db, user.id, ActivityKind.LOGIN_FAILED, client, "wrong password")
        return SignInResult(error="Incorrect email or password.")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    if user.totp_enabled:
        # Success is recorded only once the second factor passes, so guesses at the code
        # count against the same limit as guesses at the password.
        return SignInResult(user=user, needs_second_factor=True)
    db.add(_attempt(email, client, succeeded=True))
    record_activity(db, user.id, ActivityKind.LOGIN, client)
    return SignInResult(user=user)


def check_second_factor(
    db: Session, settings: Settings, keys: Keyring, user: User, code: str, client: Client
) -> SignInResult:
    """The second step: a current TOTP code (each accepted once) or an unused recovery code."""
    wait = throttle_wait_s(db, settings, user.email, client.ip)
    if wait > 0:
        return _throttled(wait)
    if verify_totp(keys, user, code):
        db.add(_attempt(user.email, client, succeeded=True))
        record_activity(db, user.id, ActivityKind.LOGIN, client, "with authenticator code")
        return SignInResult(user=user)
    if use_recovery_code(db, keys, user, code):
        db.add(_attempt(user.email, client, succeeded=True))
        left = repository.count_unused_recovery_codes(db, user.id)
        record_activity(db, user.id, ActivityKind.RECOVERY_CODE_USED, client, f"{left} left")
        record_activity(db, user.id, ActivityKind.LOGIN, client, "with recovery code")
        return SignInResult(user=user, used_recovery_code=True)
    db.add(_attempt(user.email, client, succeeded=False))
    record_activity(db, user.id, ActivityKind.SECOND_FACTOR_FAILED, client)
    return SignInResult(error="That code is not valid. Check your authenticator and try again.")


def verify_totp(keys: Keyring, user: User, code: str) -> bool:
    """True for a valid code never used before; the step is remembered so it cannot be replayed."""
    if user.totp_secret is None:
        return False
    step = matching_step(keys.decrypt(TOTP_ENCRYPTION, user.totp_secret), code)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    return True


def use_recovery_code(db: Session, keys: Keyring, user: User, code: str) -> bool:
    digest = keys.digest(RECOVERY_DIGEST, normalise_recovery_code(code))
    found: RecoveryCode | None = repository.unused_recovery_code(db, user.id, digest)
    if found is None:
        return False
    found.used_at = utcnow()
    return True


def _attempt(email: str, client: Client, *, succeeded: bool) -> AuthAttempt:
    return AuthAttempt(email=email, ip=client.ip, succeeded=succeeded)


def start_session(db: Session, keys: Keyring, user: User, client: Client) -> str:
    """A new session for `user`; returns the id for the cookie (only its digest is stored)."""
    token = secrets.token_urlsafe(32)
    db.add(
        UserSession(
            token_hash=keys.digest(SESSION_DIGEST, token),
            user_id=user.id,
            ip=client.ip,
            user_agent=client.user_agent[:255],
        )
    )
    db.flush()
    return token


@dataclass(frozen=True)
class ResolvedSession:
    session: UserSession | None
    expired: bool = False


def resolve_session(db: Session, settings: Settings, keys: Keyring, token: str) -> ResolvedSession:
    """The live session for a cookie value; an idle or too-old session is deleted."""
    found = repository.session_by_token_hash(db, keys.digest(SESSION_DIGEST, token))
    if found is None:
        return ResolvedSession(None)
    now = utcnow()
    idle = now - found.last_seen_at > timedelta(minutes=settings.session_idle_minutes)
    too_old = now - found.created_at > timedelta(hours=settings.session_absolute_hours)
    if idle or too_old or not found.user.is_active:
        db.delete(found)
        return ResolvedSession(None, expired=True)
    if now - found.last_seen_at > LAST_SEEN_RESOLUTION:
        found.last_seen_at = now
    return ResolvedSession(found)


def end_session(db: Session, keys: Keyring, token: str) -> UserSession | None:
    found = repository.session_by_token_hash(db, keys.digest(SESSION_DIGEST, token))
    if found is not None:
        db.delete(found)
    return found


def end_other_sessions(db: Session, user_id: int, keep: UserSession | None) -> int:
    return repository.delete_sessions(db, user_id, keep_id=keep.id if keep else None)
