"""Accounts: sign-up, profile, password, two-factor setup, API tokens and roles."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from greenroom.accounts import repository
from greenroom.accounts.activity import Client, record_activity
from greenroom.accounts.auth import (
    RECOVERY_DIGEST,
    TOTP_ENCRYPTION,
    normalise_email,
    use_recovery_code,
    verify_totp,
)
from greenroom.accounts.errors import AccountError, Forbidden, NotFound
from greenroom.accounts.models import (
    ActivityEvent,
    ActivityKind,
    ApiToken,
    RecoveryCode,
    Role,
    User,
    UserSession,
)
from greenroom.accounts.passwords import hash_password, password_problem, verify_password
from greenroom.accounts.second_factor import (
    matching_step,
    new_recovery_codes,
    new_secret,
    provisioning_uri,
    qr_svg,
)
from greenroom.config import Settings
from greenroom.db import utcnow
from greenroom.security import Keyring

EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
TOKEN_DIGEST = "api-token"
TOKEN_PREFIX = "grt_"
MAX_BIO_LENGTH = 2000
MAX_TARGET_ROLES = 10


def signup(
    db: Session, settings: Settings, *, email: str, display_name: str, password: str, client: Client
) -> User:
    """A new candidate account; raises AccountError with the reason when refused."""
    email = normalise_email(email)
    display_name = display_name.strip()
    if len(email) > 320 or not EMAIL_PATTERN.match(email):
        raise AccountError("Enter a valid email address, like name@example.com.")
    _check_display_name(display_name)
    problem = password_problem(
        password, min_length=settings.password_min_length, email=email, display_name=display_name
    )
    if problem:
        raise AccountError(problem)
    if repository.user_by_email(db, email) is not None:
        raise AccountError("An account with this email already exists. Log in instead.")
    user = User(
        email=email,
        display_name=display_name,
        password_hash=hash_password(password),
        role=Role.CANDIDATE.value,
        target_roles=[],
        bio="",
    )
    db.add(user)
    db.flush()
    record_activity(db, user.id, ActivityKind.SIGNUP, client)
    return user


def create_admin(
    db: Session, settings: Settings, *, email: str, display_name: str, password: str
) -> User:
    """An admin account from the command line, or an existing account promoted to admin."""
    client = Client(ip="cli", user_agent="greenroom users create-admin")
    existing = repository.user_by_email(db, normalise_email(email))
    if existing is not None:
        existing.role = Role.ADMIN.value
        record_activity(db, existing.id, ActivityKind.ROLE_CHANGED, client, "to admin (cli)")
        return existing
    user = signup(
        db, settings, email=email, display_name=display_name, password=password, client=client
    )
    user.role = Role.ADMIN.value
    record_activity(db, user.id, ActivityKind.ROLE_CHANGED, client, "to admin (cli)")
    return user


def _check_display_name(display_name: str) -> None:
    if not 1 <= len(display_name) <= 80:
        raise AccountError("Enter a display name of 1 to 80 characters.")
    if any(not ch.isprintable() for ch in display_name):
        raise AccountError("The display name cannot contain control characters.")


def update_profile(
    db: Session,
    user: User,
    *,
    display_name: str,
    bio: str,
    target_roles: Sequence[str],
    client: Client,
) -> None:
    display_name = display_name.strip()
    _check_display_name(display_name)
    if len(bio) > MAX_BIO_LENGTH:
        raise AccountError(f"Keep the bio under {MAX_BIO_LENGTH} characters.")
    roles = [role.strip()[:60] for role in target_roles if role.strip()]
    if len(roles) > MAX_TARGET_ROLES:
        raise AccountError(f"Choose at most {MAX_TARGET_ROLES} target roles.")
    user.display_name, user.bio, user.target_roles = display_name, bio.strip(), roles
    record_activity(db, user.id, ActivityKind.PROFILE_UPDATED, client)


def change_password(
    db: Session,
    settings: Settings,
    user: User,
    *,
    current: str,
    new: str,
    current_session: UserSession | None,
    client: Client,
) -> int:
    """Sets a new password and ends the user's other sessions; returns how many ended."""
    if not verify_password(user.password_hash, current):
        raise AccountError("Your current password is not correct.")
    problem = password_problem(
        new,
        min_length=settings.password_min_length,
        email=user.email,
        display_name=user.display_name,
    )
    if problem:
        raise AccountError(problem)
    if verify_password(user.password_hash, new):
        raise AccountError("The new password must differ from the current one.")
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    ended = _end_others(db, user, current_session)
    record_activity(
        db, user.id, ActivityKind.PASSWORD_CHANGED, client, f"{ended} other sessions ended"
    )
    return ended


def _end_others(db: Session, user: User, keep: UserSession | None) -> int:
    return repository.delete_sessions(db, user.id, keep_id=keep.id if keep else None)


@dataclass(frozen=True)
class TotpSetup:
    secret: str
    uri: str
    qr_svg: str


def begin_totp_setup(keys: Keyring, user: User) -> TotpSetup:
    """A new pending secret to show as a QR code and text; kept until confirmed with a code."""
    if user.totp_enabled:
        raise AccountError("Two-factor authentication is already on.")
    if user.totp_pending_secret is None:
        user.totp_pending_secret = keys.encrypt(TOTP_ENCRYPTION, new_secret())
    secret = keys.decrypt(TOTP_ENCRYPTION, user.totp_pending_secret)
    uri = provisioning_uri(secret, user.email)
    return TotpSetup(secret=secret, uri=uri, qr_svg=qr_svg(uri))


def confirm_totp(
    db: Session,
    keys: Keyring,
    user: User,
    code: str,
    current_session: UserSession | None,
    client: Client,
) -> list[str]:
    """Turns 2FA on once a code from the pending secret checks; returns new recovery codes."""
    if user.totp_enabled or user.totp_pending_secret is None:
        raise AccountError("Start two-factor setup again; there is no pending secret.")
    step = matching_step(keys.decrypt(TOTP_ENCRYPTION, user.totp_pending_secret), code)
    if step is None:
        raise AccountError("That code does not match. Check the time on your device and retry.")
    user.totp_secret, user.totp_pending_secret = user.totp_pending_secret, None
    user.totp_enabled_at, user.totp_last_step = utcnow(), step
    codes = _replace_recovery_codes(db, keys, user)
    ended = _end_others(db, user, current_session)
    record_activity(db, user.id, ActivityKind.TOTP_ENABLED, client, f"{ended} other sessions ended")
    return codes


def disable_totp(
    db: Session,
    keys: Keyring,
    user: User,
    code: str,
    current_session: UserSession | None,
    client: Client,
) -> None:
    """Turns 2FA off; needs a fresh authenticator code or an unused recovery code."""
    if not user.totp_enabled:
        raise AccountError("Two-factor authentication is not on.")
    if not (verify_totp(keys, user, code) or use_recovery_code(db, keys, user, code)):
        raise AccountError("That code is not valid; two-factor authentication stays on.")
    user.totp_secret = user.totp_pending_secret = None
    user.totp_enabled_at = user.totp_last_step = None
    repository.delete_recovery_codes(db, user.id)
    ended = _end_others(db, user, current_session)
    record_activity(
        db, user.id, ActivityKind.TOTP_DISABLED, client, f"{ended} other sessions ended"
    )


def regenerate_recovery_codes(
    db: Session, keys: Keyring, user: User, code: str, client: Client
) -> list[str]:
    if not user.totp_enabled:
        raise AccountError("Turn on two-factor authentication first.")
    if not verify_totp(keys, user, code):
        raise AccountError("That authenticator code is not valid.")
    codes = _replace_recovery_codes(db, keys, user)
    record_activity(db, user.id, ActivityKind.RECOVERY_CODES_REGENERATED, client)
    return codes


def _replace_recovery_codes(db: Session, keys: Keyring, user: User) -> list[str]:
    repository.delete_recovery_codes(db, user.id)
    codes = new_recovery_codes()
    db.add_all(
        RecoveryCode(user_id=user.id, code_hash=keys.digest(RECOVERY_DIGEST, code))
        for code in codes
    )
    return codes


def recovery_codes_left(db: Session, user: User) -> int:
    return repository.count_unused_recovery_codes(db, user.id)


def activity(
    db: Session, user: User, *, limit: int = 100, offset: int = 0
) -> Sequence[ActivityEvent]:
    """The user's own activity log, newest first."""
    return repository.activity_of(db, user.id, limit=limit, offset=offset)


def end_all_sessions(db: Session, user: User, client: Client) -> int:
    """Log out everywhere: ends every session of the user, the current one included."""
    count = repository.delete_sessions(db, user.id)
    record_activity(db, user.id, ActivityKind.LOGOUT_EVERYWHERE, client, f"{count} sessions ended")
    return count


def sessions(db: Session, user: User) -> Sequence[UserSession]:
    return repository.sessions_of(db, user.id)


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def create_token(db: Session, keys: Keyring, user: User, name: str, client: Client) -> NewToken:
    name = name.strip()
    if not 1 <= len(name) <= 80:
        raise AccountError("Name the token (1 to 80 characters), e.g. 'laptop script'.")
    if len(repository.active_tokens_of(db, user.id)) >= 20:
        raise AccountError("You have 20 tokens already; revoke one first.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id, name=name, token_hash=keys.digest(TOKEN_DIGEST, secret), prefix=secret[:10]
    )
    db.add(token)
    db.flush()
    record_activity(db, user.id, ActivityKind.TOKEN_CREATED, client, name)
    return NewToken(token=token, secret=secret)


def tokens(db: Session, user: User) -> Sequence[ApiToken]:
    return repository.active_tokens_of(db, user.id)


def revoke_token(db: Session, user: User, token_id: int, client: Client) -> None:
    token = repository.token_of(db, user.id, token_id)
    if token is None or token.revoked_at is not None:
        raise NotFound("No such token.")
    token.revoked_at = utcnow()
    record_activity(db, user.id, ActivityKind.TOKEN_REVOKED, client, token.name)


def user_for_token(db: Session, keys: Keyring, secret: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = repository.active_token_by_hash(db, keys.digest(TOKEN_DIGEST, secret))
    if token is None:
        return None
    user = repository.user_by_id(db, token.user_id)
    if user is None or not user.is_active:
        return None
    now = utcnow()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        repository.touch_token(db, token.id, now)
    return user


def list_users(db: Session, actor: User, *, offset: int = 0, limit: int = 100) -> Sequence[User]:
    _require_admin(actor)
    return repository.list_users(db, offset=offset, limit=limit)


def change_role(db: Session, actor: User, user_id: int, role: str, client: Client) -> User:
    """An admin gives a user another role; the last admin cannot step down."""
    _require_admin(actor)
    if role not in {r.value for r in Role}:
        raise AccountError(f"Unknown role {role!r}.")
    target = repository.user_by_id(db, user_id)
    if target is None:
        raise NotFound("No such user.")
    if target.role == role:
        return target
    if target.role == Role.ADMIN.value and repository.count_users(db, Role.ADMIN.value) <= 1:
        raise AccountError("This is the last admin; make another admin first.")
    previous, target.role = target.role, role
    record_activity(
        db, target.id, ActivityKind.ROLE_CHANGED, client, f"{previous} to {role} by {actor.email}"
    )
    return target


def _require_admin(actor: User) -> None:
    if not actor.has_role(Role.ADMIN):
        raise Forbidden("Only an admin can do this.")
