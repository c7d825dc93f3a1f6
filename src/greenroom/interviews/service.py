"""Interview use cases that are not the dialogue itself: listing, retakes, summaries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from greenroom.interviews import repository
from greenroom.interviews.models import Interview, Status, TurnKind
from greenroom.questions.catalogue import LEVEL_LABELS, ROLES


def recent(db: Session, user_id: int, *, limit: int = 50, offset: int = 0) -> Sequence[Interview]:
    return repository.interviews_of(db, user_id, limit=limit, offset=offset)


def unfinished(db: Session, user_id: int) -> Interview | None:
    return repository.latest_unfinished(db, user_id)


def owned(db: Session, user_id: int, interview_id: int) -> Interview | None:
    return repository.interview_of(db, user_id, interview_id)


@dataclass(frozen=True)
class QuestionSummary:
    number: int
    question_id: str
    text: str
    answered: bool
    follow_ups: int
    started_after_s: float | None
    answered_after_s: float | None


def question_summaries(interview: Interview, texts: dict[str, str]) -> list[QuestionSummary]:
    """Per planned question: whether it was answered, and the timings of its first answer."""
    summaries = []
    for index, question_id in enumerate(interview.plan):
        turns = [t for t in interview.turns if t.question_index == index]
        answers = [t for t in turns if t.kind == TurnKind.ANSWER and t.text]
        first = answers[0].meta if answers else {}
        summaries.append(
            QuestionSummary(
                number=index + 1,
                question_id=question_id,
                text=texts.get(question_id, question_id),
                answered=bool(answers),
                follow_ups=sum(1 for t in turns if t.kind == TurnKind.FOLLOW_UP),
                started_after_s=first.get("started_after_s"),
                answered_after_s=first.get("answered_after_s"),
            )
        )
    return summaries


def title(interview: Interview) -> str:
    """'Senior Backend engineer · mixed' — how an interview is named in lists."""
    kind = interview.interview_type.replace("_", " ")
    level = LEVEL_LABELS.get(interview.level, interview.level)
    return f"{level} {ROLES.get(interview.role, interview.role)} · {kind}"


def status_label(interview: Interview) -> str:
    return {
        Status.PLANNED.value: "not started",
        Status.IN_PROGRESS.value: "in progress",
        Status.PAUSED.value: "paused",
        Status.COMPLETED.value: "completed",
        Status.ABANDONED.value: "abandoned",
    }[interview.status]
