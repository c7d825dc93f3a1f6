"""Every query of the interviews feature."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from greenroom.interviews.models import Interview, Turn, TurnKind


def interview_of(db: Session, user_id: int, interview_id: int) -> Interview | None:
    """An interview only when it belongs to `user_id`: the ownership check is in the query."""
    return db.scalar(
        select(Interview).where(Interview.id == interview_id, Interview.user_id == user_id)
    )


def interviews_of(
    db: Session, user_id: int, *, limit: int = 50, offset: int = 0
) -> Sequence[Interview]:
    return db.scalars(
        select(Interview)
        .where(Interview.user_id == user_id)
        .order_by(Interview.created_at.desc(), Interview.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()


def latest_unfinished(db: Session, user_id: int) -> Interview | None:
    return db.scalar(
        select(Interview)
        .where(Interview.user_id == user_id, Interview.status.in_(["in_progress", "paused"]))
        .order_by(Interview.created_at.desc())
        .limit(1)
    )


def asked_question_ids(db: Session, user_id: int) -> set[str]:
    """Every bank question this user has been asked, in any interview."""
    rows = db.scalars(
        select(Turn.question_id)
        .join(Interview, Interview.id == Turn.interview_id)
        .where(
            Interview.user_id == user_id,
            Turn.kind == TurnKind.QUESTION.value,
            Turn.question_id.is_not(None),
        )
    )
    return {row for row in rows if row}


def generated_question_texts(db: Session, user_id: int) -> list[str]:
    """Every question a language model wrote for this user before: never to be repeated."""
    rows = db.scalars(select(Interview.generated).where(Interview.user_id == user_id))
    return [q["text"] for generated in rows for q in generated or [] if "text" in q]
