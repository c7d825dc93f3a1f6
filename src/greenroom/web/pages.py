"""The visitor's home page, the dashboard, and the API reference page."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from greenroom.accounts.deps import CurrentViewer, OptionalViewer
from greenroom.interviews import service as interview_service
from greenroom.web.deps import SessionDep
from greenroom.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, viewer: OptionalViewer) -> Response:
    if viewer is not None:
        return RedirectResponse("/dashboard", status_code=303)
    return render(request, "home.html")


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(request: Request, viewer: CurrentViewer, db: SessionDep) -> Response:
    recent = interview_service.recent(db, viewer.user.id, limit=5)
    unfinished = interview_service.unfinished(db, viewer.user.id)
    return render(request, "dashboard.html", {"recent": recent, "unfinished": unfinished})


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request, viewer: OptionalViewer) -> Response:
    return render(request, "api_docs.html")
