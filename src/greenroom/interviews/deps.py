"""Route dependencies of interviews: the engine, and an interview its caller owns (else 404)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from greenroom.accounts.deps import ApiViewer, CurrentViewer
from greenroom.interviews import service
from greenroom.interviews.engine import InterviewEngine
from greenroom.interviews.models import Interview
from greenroom.web.deps import SessionDep, app_context


def get_engine(request: Request) -> InterviewEngine:
    return app_context(request).interviews


EngineDep = Annotated[InterviewEngine, Depends(get_engine)]


def _owned_by(db: SessionDep, user_id: int, interview_id: int) -> Interview:
    interview = service.owned(db, user_id, interview_id)
    if interview is None:  # another user's interview looks exactly like a missing one
        raise HTTPException(404, "There is no such interview.")
    return interview


def owned_on_page(db: SessionDep, viewer: CurrentViewer, interview_id: int) -> Interview:
    return _owned_by(db, viewer.user.id, interview_id)


def owned_by_caller(db: SessionDep, viewer: ApiViewer, interview_id: int) -> Interview:
    return _owned_by(db, viewer.user.id, interview_id)


OwnedInterview = Annotated[Interview, Depends(owned_on_page)]
ApiOwnedInterview = Annotated[Interview, Depends(owned_by_caller)]
