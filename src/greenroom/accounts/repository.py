"""Every query of the accounts feature."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.orm import Session

from greenroom.accounts.models import (
    ActivityEvent,
    ApiToken,
    AuthAttempt,
    RecoveryCode,
    User,
    UserSession,
)


def user_by_email(db: Session, email: str) -> User | None:
    return db.scalar(select(User).where(User.email == email))


def user_by_id(db: Session, user_id: int) -> User | None:
    return db.get(User, user_id)


def list_users(db: Session, *, offset: int = 0, limit: int = 100) -> Sequence[User]:
    return db.scalars(select(User).order_by(User.id).offset(offset).limit(limit)).all()


def count_users(db: Session, role: str | None = None) -> int:
    query = select(func.count(User.id))
    if role is not None:
        query = query.where(User.role == role)
    return db.scalar(query) or 0


def session_by_token_hash(db: Session, token_hash: str) -> UserSession | None:
    return db.scalar(select(UserSession).where(UserSession.token_hash == token_hash))


def sessions_of(db: Session, user_id: int) -> Sequence[UserSession]:
    return db.scalars(
        select(UserSession)
        .where(UserSession.user_id == user_id)
        .order_by(UserSession.last_seen_at.desc())
    ).all()


def delete_sessions(db: Session, user_id: int, *, keep_id: int | None = None) -> int:
    query = delete(UserSession).where(UserSession.user_id == user_id)
    if keep_id is not None:
        query = query.where(UserSession.id != keep_id)
    result = cast(CursorResult[Any], db.execute(query))
    return result.rowcount


def unused_recovery_code(db: Session, user_id: int, code_hash: str) -> RecoveryCode | None:
    return db.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user_id,
            RecoveryCode.code_hash == code_hash,
            RecoveryCode.used_at.is_(None),
        )
    )


def count_unused_recovery_codes(db: Session, user_id: int) -> int:
    return (
        db.scalar(
            select(func.count(RecoveryCode.id)).where(
                RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None)
            )
        )
        or 0
    )


def delete_recovery_codes(db: Session, user_id: int) -> None:
    db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))


def failures_since(
    db: Session, *, since: datetime, email: str | None = None, ip: str | None = None
) -> Sequence[datetime]:
    """Times of failed attempts since `since` (and since the last success, for an account)."""
    query = select(AuthAttempt.at).where(AuthAttempt.at >= since, AuthAttempt.succeeded.is_(False))
    if email is not None:
        last_success = (
            select(func.max(AuthAttempt.at))
            .where(AuthAttempt.email == email, AuthAttempt.succeeded.is_(True))
            .scalar_subquery()
        )
        query = query.where(
            AuthAttempt.email == email,
            AuthAttempt.at > func.coalesce(last_success, since),
        )
    if ip is not None:
        query = query.where(AuthAttempt.ip == ip)
    return db.scalars(query.order_by(AuthAttempt.at)).all()


def prune_attempts(db: Session, before: datetime) -> None:
    db.execute(delete(AuthAttempt).where(AuthAttempt.at < before))


def activity_of(
    db: Session, user_id: int, *, limit: int = 100, offset: int = 0
) -> Sequence[ActivityEvent]:
    return db.scalars(
        select(ActivityEvent)
        .where(ActivityEvent.user_id == user_id)
        .order_by(ActivityEvent.at.desc(), ActivityEvent.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()


def active_tokens_of(db: Session, user_id: int) -> Sequence[ApiToken]:
    return db.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc())
    ).all()


def token_of(db: Session, user_id: int, token_id: int) -> ApiToken | None:
    """A token only when it belongs to `user_id`: the ownership check is in the query."""
    return db.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user_id))


def active_token_by_hash(db: Session, token_hash: str) -> ApiToken | None:
    return db.scalar(
        select(ApiToken).where(ApiToken.token_hash == token_hash, ApiToken.revoked_at.is_(None))
    )


def touch_token(db: Session, token_id: int, at: datetime) -> None:
    db.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=at))
