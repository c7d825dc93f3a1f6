"""The coaching chat on the report page: the conversation, and a reply streamed as plain text."""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Form, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, StreamingResponse
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from greenroom.accounts.deps import CurrentViewer
from greenroom.assessment.models import ReportStatus
from greenroom.assessment.service import report_of
from greenroom.coach import service
from greenroom.coach.context import question_numbers, segments
from greenroom.coach.models import CoachMessage, Speaker
from greenroom.coach.service import Coach, CoachReply
from greenroom.interviews.deps import OwnedInterview
from greenroom.web.csrf import verify_csrf
from greenroom.web.deps import SessionDep, app_context
from greenroom.web.templating import render

log = logging.getLogger(__name__)
router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)


@router.get("/interviews/{interview_id}/report/coach", response_class=HTMLResponse)
def conversation(
    request: Request, interview: OwnedInterview, viewer: CurrentViewer, db: SessionDep
) -> Response:
    """The conversation so far (HTMX loads it into the report page), or suggested questions."""
    report = report_of(db, interview.id)
    payload = report.payload if report and report.status == ReportStatus.DONE.value else {}
    numbers = question_numbers(payload)
    messages = [_shown(m, numbers) for m in service.conversation(db, interview.id, viewer.user.id)]
    return render(
        request,
        "coach/_conversation.html",
        {"messages": messages, "suggestions": service.suggestions(payload)},
    )


def _shown(message: CoachMessage, numbers: set[int]) -> dict[str, Any]:
    """A message for the template; in the coach's replies each "Qn" links to its question."""
    linked = message.role == Speaker.COACH.value
    return {
        "role": message.role,
        "segments": segments(message.text, numbers) if linked else [(message.text, None)],
    }


@router.post("/interviews/{interview_id}/report/coach")
def ask(
    request: Request,
    interview: OwnedInterview,
    viewer: CurrentViewer,
    db: SessionDep,
    message: Annotated[str, Form()] = "",
) -> Response:
    """Stores the question and streams the reply; the reply is stored when the stream ends."""
    report = report_of(db, interview.id)
    refused = service.refusal(db, interview.id, viewer.user.id, report, message)
    if refused is not None:
        raise HTTPException(refused.status, refused.reason)
    assert report is not None
    context = app_context(request)
    coach = Coach(context.llm)
    coach_context = coach.context(db, interview, report, viewer.user.id)
    service.record_question(db, interview.id, viewer.user.id, message)
    db.commit()  # the question is kept even if the reply never finishes
    reply = coach.reply(coach_context, message.strip())
    return StreamingResponse(
        _streamed(reply, context.sessions, interview.id, viewer.user.id),
        media_type="text/plain; charset=utf-8",
        headers={"cache-control": "no-store", "x-accel-buffering": "no"},
    )


async def _streamed(
    reply: CoachReply, sessions: sessionmaker[Session], interview_id: int, user_id: int
) -> AsyncGenerator[str, None]:
    """The reply's pieces as they come; whatever was sent is stored when the stream ends, also
    when the candidate leaves early. The request's session is closed by now: this opens its own."""
    try:
        async for piece in iterate_in_threadpool(reply):
            yield piece
    finally:
        with anyio.CancelScope(shield=True):
            await run_in_threadpool(_store, reply, sessions, interview_id, user_id)


def _store(
    reply: CoachReply, sessions: sessionmaker[Session], interview_id: int, user_id: int
) -> None:
    reply.close()
    try:
        with sessions.begin() as db:  # commits when the block ends
            service.record_reply(db, interview_id, user_id, reply)
    except SQLAlchemyError:  # the candidate has the reply; losing its copy must not crash
        log.exception("could not store a coach reply", extra={"interview_id": interview_id})
