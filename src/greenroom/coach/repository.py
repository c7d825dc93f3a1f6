"""Every query of the coaching chat."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from greenroom.assessment.models import Report, ReportStatus
from greenroom.coach.models import CoachMessage, Speaker
from greenroom.interviews.models import Interview, Status


def add_message(db: Session, message: CoachMessage) -> CoachMessage:
    db.add(message)
    db.flush()
    return message


def conversation(db: Session, interview_id: int, user_id: int) -> Sequence[CoachMessage]:
    """The whole conversation about one interview's report, oldest first."""
    return db.scalars(
        select(CoachMessage)
        .where(CoachMessage.interview_id == interview_id, CoachMessage.user_id == user_id)
        .order_by(CoachMessage.created_at, CoachMessage.id)
    ).all()


def latest_messages(
    db: Session, interview_id: int, user_id: int, *, limit: int
) -> list[CoachMessage]:
    """The last `limit` messages of the conversation, oldest first."""
    rows = db.scalars(
        select(CoachMessage)
        .where(CoachMessage.interview_id == interview_id, CoachMessage.user_id == user_id)
        .order_by(CoachMessage.created_at.desc(), CoachMessage.id.desc())
        .limit(limit)
    ).all()
    return list(reversed(rows))


def candidate_messages_since(db: Session, interview_id: int, user_id: int, since: datetime) -> int:
    return (
        db.scalar(
            select(func.count(CoachMessage.id)).where(
                CoachMessage.interview_id == interview_id,
                CoachMessage.user_id == user_id,
                CoachMessage.role == Speaker.CANDIDATE.value,
                CoachMessage.created_at >= since,
            )
        )
        or 0
    )


def other_reported_interviews(
    db: Session, user_id: int, interview_id: int, *, limit: int
) -> Sequence[tuple[Interview, Report]]:
    """The user's latest completed interviews with a finished report, except `interview_id`."""
    rows = db.execute(
        select(Interview, Report)
        .join(Report, Report.interview_id == Interview.id)
        .where(
            Interview.user_id == user_id,
            Interview.id != interview_id,
            Interview.status == Status.COMPLETED.value,
            Report.status == ReportStatus.DONE.value,
        )
        .order_by(Interview.completed_at.desc().nulls_last(), Interview.id.desc())
        .limit(limit)
    ).all()
    return [(row[0], row[1]) for row in rows]
