"""The assessment JSON API: score one answer."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from greenroom.accounts.deps import ApiViewer
from greenroom.assessment.batch import AssessRequest, assess_request
from greenroom.interviews.deps import ApiOwnedInterview
from greenroom.web.deps import SessionDep, app_context

router = APIRouter(prefix="/api/v1", tags=["assessment"])


@router.post("/assess", summary="Score one answer: overall, sub-scores and the evidence for each")
async def assess(body: AssessRequest, viewer: ApiViewer, request: Request) -> dict[str, Any]:
    del viewer  # any signed-in user may score answers; nothing is stored
    reports = app_context(request).reports
    return await run_in_threadpool(assess_request, body, reports.scorer, reports.bank)


@router.get(
    "/interviews/{interview_id}/report",
    summary="An interview's report: status and progress, then the full report",
)
def get_report(interview: ApiOwnedInterview, request: Request, db: SessionDep) -> dict[str, Any]:
    report = app_context(request).reports.ensure(db, interview)
    if report is None:
        raise HTTPException(409, "The interview is not complete yet.")
    return {
        "status": report.status,
        "progress": report.progress,
        "error": report.error,
        "rubric_version": report.rubric_version,
        "model_versions": report.model_versions,
        "report": report.payload if report.status == "done" else None,
    }
