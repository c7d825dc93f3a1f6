"""The visitor's home page, the dashboard, and the API reference page."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from greenroom.accounts.deps import CurrentViewer, OptionalViewer
from greenroom.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, viewer: OptionalViewer) -> Response:
    if viewer is not None:
        return RedirectResponse("/dashboard", status_code=303)
    return render(request, "home.html")


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(request: Request, viewer: CurrentViewer) -> Response:
    return render(request, "dashboard.html")


@router.get("/practice", response_class=HTMLResponse)
def practice(request: Request, viewer: CurrentViewer) -> Response:
    return render(request, "practice.html")


@router.get("/history", response_class=HTMLResponse)
def history(request: Request, viewer: CurrentViewer) -> Response:
    return render(request, "history.html")


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request, viewer: OptionalViewer) -> Response:
    return render(request, "api_docs.html")
