"""Finished interviews with built reports, for the coaching chat's tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy.orm import Session

from greenroom.assessment.batch import scorer_for
from greenroom.assessment.models import Report, ReportStatus
from greenroom.assessment.report import build_report
from greenroom.interviews.engine import InterviewEngine
from greenroom.interviews.models import Interview
from greenroom.providers.llm import LLMUnavailable, Message
from greenroom.providers.llm.queued import QueuedLLM
from tests.conftest import StartInterview

QUESTIONS = (
    "backend-n-plus-one-queries",
    "behav-ownership-beyond-what-was-asked",
    "backend-http-status-codes",
)
# Q2's answer: short, hedged, full of fillers, and none of the key points.
VAGUE = "I think maybe we sort of fixed a thing, um, basically it was fine I guess."

Q1 = "Q1 — 'An endpoint that lists orders with their customers was fast"
Q2 = "Q2 — 'Tell me about a time you did more than was asked of you"
Q3 = "Q3 — 'How do you choose HTTP status codes for API errors?"
MODEL_REPLY = (
    f"{Q2}…' scored 1 because it names no situation, task, action or result, and it hedges "
    "eight times in 32 words. Tell one real story with a number in it. Your "
    f"{Q3}…' answer was on the question but missed what 401 and 403 mean."
)

Finish = Callable[..., Interview]


class BreaksMidway(QueuedLLM):
    """Streams the first pieces of its queued reply, then the connection drops."""

    def stream(
        self, messages: list[Message], *, max_tokens: int = 400, temperature: float = 0.5
    ) -> Iterator[str]:
        for index, piece in enumerate(super().stream(messages, max_tokens=max_tokens)):
            if index == 8:
                raise LLMUnavailable("connection reset")
            yield piece


@pytest.fixture
def finish(
    db: Session, start_interview: StartInterview, interview_engine: InterviewEngine
) -> Finish:
    """Takes an interview on QUESTIONS (Q1 the model answer, Q2 vague, Q3 the start of the
    model answer; with `answers`, those, and VAGUE for the rest) and stores its finished report."""
    bank = interview_engine.bank

    def finish(*questions: str, answers: dict[str, str] | None = None) -> Interview:
        questions = questions or QUESTIONS
        given = (
            answers
            if answers is not None
            else {
                QUESTIONS[0]: bank.by_id[QUESTIONS[0]].model_answer,
                QUESTIONS[1]: VAGUE,
                QUESTIONS[2]: bank.by_id[QUESTIONS[2]].model_answer[:200],
            }
        )
        interview = start_interview(*questions)
        while (prompt := interview_engine.prompt(interview)) is not None:
            interview_engine.answer(
                db, interview, given.get(prompt.question.id, VAGUE), name="Cand"
            )
        payload = build_report(interview, bank, scorer_for(interview_engine))
        db.add(
            Report(
                interview_id=interview.id,
                status=ReportStatus.DONE.value,
                progress=100,
                payload=payload,
            )
        )
        db.commit()
        return interview

    return finish


@pytest.fixture
def finished(finish: Finish) -> Interview:
    return finish()
