"""The report page: progress while it is built, then scores, charts and evidence."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from greenroom.assessment.models import Report, ReportStatus
from greenroom.assessment.service import report_of
from greenroom.interviews import service as interviews
from greenroom.interviews.deps import OwnedInterview
from greenroom.interviews.models import Interview, TurnKind
from greenroom.web.csrf import verify_csrf
from greenroom.web.deps import SessionDep, app_context
from greenroom.web.templating import render

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)


def _report(request: Request, db: SessionDep, interview: Interview) -> Report:
    report = app_context(request).reports.ensure(db, interview)
    if report is None:
        raise HTTPException(
            409,
            "The report is made when the interview is complete. Finish or end the interview first.",
        )
    return report


@router.get("/interviews/{interview_id}/report", response_class=HTMLResponse)
def report_page(request: Request, interview: OwnedInterview, db: SessionDep) -> Response:
    report = _report(request, db, interview)
    if report.status != ReportStatus.DONE.value:
        return render(
            request,
            "assessment/pending.html",
            {"interview": interview, "report": report, "title": interviews.title(interview)},
        )
    return render(
        request,
        "assessment/report.html",
        {
            "interview": interview,
            "report": report,
            "data": report.payload,
            "title": interviews.title(interview),
            "recordings": _recordings(request, interview),
        },
    )


def _recordings(request: Request, interview: Interview) -> dict[int, list[int]]:
    """Question number → the turn numbers of its answers whose recording is kept."""
    kept = app_context(request).recordings.kept_seqs(interview.user_id, interview.id)
    found: dict[int, list[int]] = {}
    for turn in interview.turns:
        if turn.kind == TurnKind.ANSWER and turn.seq in kept and turn.question_index is not None:
            found.setdefault(turn.question_index + 1, []).append(turn.seq)
    return found


@router.get("/interviews/{interview_id}/report/status", response_class=HTMLResponse)
def report_status(request: Request, interview: OwnedInterview, db: SessionDep) -> Response:
    """The progress bar, polled by the pending page; reloads the page when the report is ready."""
    report = report_of(db, interview.id)
    response = render(
        request, "assessment/_progress.html", {"report": report, "interview": interview}
    )
    if report is not None and report.status == ReportStatus.DONE.value:
        response.headers["HX-Refresh"] = "true"
    return response


@router.post("/interviews/{interview_id}/report/regenerate")
def regenerate(request: Request, interview: OwnedInterview, db: SessionDep) -> Response:
    app_context(request).reports.ensure(db, interview, regenerate=True)
    return RedirectResponse(f"/interviews/{interview.id}/report", status_code=303)
