"""The interviews JSON API: set up, take and read interviews, as the pages do."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query

from greenroom.accounts.deps import ApiViewer
from greenroom.interviews import service
from greenroom.interviews.deps import ApiOwnedInterview, EngineDep
from greenroom.interviews.engine import InterviewError
from greenroom.interviews.models import Interview, Turn
from greenroom.interviews.schemas import (
    AnswerIn,
    InterviewDetail,
    InterviewOut,
    Setup,
    TurnOut,
)
from greenroom.web.deps import SessionDep

router = APIRouter(prefix="/api/v1/interviews", tags=["interviews"])


def _detail(interview: Interview) -> InterviewDetail:
    return InterviewDetail.model_validate(interview)


def _turns(turns: list[Turn]) -> list[TurnOut]:
    return [TurnOut.model_validate(turn) for turn in turns]


@router.get("", response_model=list[InterviewOut], summary="My interviews, newest first")
def list_interviews(
    viewer: ApiViewer,
    db: SessionDep,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0),
) -> list[InterviewOut]:
    items = service.recent(db, viewer.user.id, limit=limit, offset=offset)
    return [InterviewOut.model_validate(item) for item in items]


@router.post(
    "",
    response_model=InterviewDetail,
    status_code=201,
    summary="Set up an interview and start it (the first question is in the turns)",
)
def create_interview(
    setup: Setup, viewer: ApiViewer, db: SessionDep, engine: EngineDep
) -> InterviewDetail:
    try:
        interview = engine.create(db, viewer.user.id, setup)
    except InterviewError as error:
        raise HTTPException(422, error.message) from error
    engine.start(db, interview, viewer.user.display_name)
    return _detail(interview)


@router.get(
    "/{interview_id}", response_model=InterviewDetail, summary="One interview with every turn"
)
def get_interview(interview: ApiOwnedInterview) -> InterviewDetail:
    return _detail(interview)


@router.post(
    "/{interview_id}/answers",
    response_model=list[TurnOut],
    summary="Answer the current question; returns the new turns",
)
def post_answer(
    body: AnswerIn,
    interview: ApiOwnedInterview,
    viewer: ApiViewer,
    db: SessionDep,
    engine: EngineDep,
) -> list[TurnOut]:
    try:
        outcome = engine.record_answer(db, interview, body.text, first_input_at=body.first_input_at)
        if outcome.refused:
            raise HTTPException(422, outcome.refused)
        db.commit()
        replies = engine.respond(db, interview, viewer.user.display_name)
    except InterviewError as error:
        raise HTTPException(409, error.message) from error
    return _turns([*outcome.turns, *replies])


@router.post("/{interview_id}/pause", response_model=list[TurnOut], summary="Pause")
def pause(interview: ApiOwnedInterview, db: SessionDep, engine: EngineDep) -> list[TurnOut]:
    try:
        return _turns([engine.pause(db, interview)])
    except InterviewError as error:
        raise HTTPException(409, error.message) from error


@router.post("/{interview_id}/resume", response_model=list[TurnOut], summary="Resume")
def resume(interview: ApiOwnedInterview, db: SessionDep, engine: EngineDep) -> list[TurnOut]:
    try:
        return _turns([engine.resume(db, interview)])
    except InterviewError as error:
        raise HTTPException(409, error.message) from error


@router.post("/{interview_id}/end", response_model=list[TurnOut], summary="End the interview now")
def end(
    interview: ApiOwnedInterview, viewer: ApiViewer, db: SessionDep, engine: EngineDep
) -> list[TurnOut]:
    try:
        return _turns([engine.end_early(db, interview, viewer.user.display_name)])
    except InterviewError as error:
        raise HTTPException(409, error.message) from error
