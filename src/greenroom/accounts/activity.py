"""The account activity log: who did what to an account, when and from where."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from greenroom.accounts.models import ActivityEvent, ActivityKind


@dataclass(frozen=True)
class Client:
    """Where a request came from, as recorded in the activity log."""

    ip: str
    user_agent: str = ""


def record_activity(
    db: Session, user_id: int, kind: ActivityKind, client: Client, detail: str = ""
) -> None:
    db.add(
        ActivityEvent(
            user_id=user_id,
            kind=kind.value,
            ip=client.ip[:64],
            user_agent=client.user_agent[:255],
            detail=detail[:255],
        )
    )
