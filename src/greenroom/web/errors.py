"""Error answers: friendly pages for people, JSON for the API, a login redirect when needed."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from greenroom.accounts.deps import LoginRequired
from greenroom.observability import request_id_var
from greenroom.web.flash import flash
from greenroom.web.templating import render

log = logging.getLogger("greenroom.errors")

TITLES = {
    400: "Bad request",
    401: "Please log in",
    403: "Not allowed",
    404: "Page not found",
    405: "Not allowed",
    413: "Too large",
    422: "Check the form",
    429: "Slow down",
    500: "Something went wrong",
}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get(
        "accept", ""
    )


def _page(request: Request, status: int, message: str) -> Response:
    # The request's transaction may have been rolled back: show the layout from a plain summary.
    return render(
        request,
        "errors/error.html",
        {
            "viewer": getattr(request.state, "viewer_summary", None),
            "status": status,
            "title": TITLES.get(status, "Error"),
            "message": message,
            "request_id": request_id_var.get(),
        },
        status_code=status,
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, error: LoginRequired) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": "Authentication required."}, status_code=401)
        response = RedirectResponse(f"/login?next={quote(error.next_path)}", status_code=303)
        if error.expired:
            flash(request, response, "info", "Your session expired. Please log in again.")
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse(
                {"detail": error.detail},
                status_code=error.status_code,
                headers=getattr(error, "headers", None),
            )
        message = (
            error.detail if isinstance(error.detail, str) else TITLES.get(error.status_code, "")
        )
        if error.status_code == 404:
            message = "There is nothing at this address. Check the link, or go back home."
        return _page(request, error.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": _plain_errors(error)}, status_code=422)
        return _page(
            request,
            400,
            "Some of what was sent is missing or not valid. Go back and check the form.",
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        if _wants_json(request):
            return JSONResponse(
                {"detail": "Internal error.", "request_id": request_id_var.get()}, status_code=500
            )
        return _page(
            request,
            500,
            "Greenroom hit an unexpected error. Nothing you entered "
            "was lost; try again in a moment.",
        )


def _plain_errors(error: RequestValidationError) -> list[dict[str, object]]:
    # Never echo the submitted input back: it may hold a password.
    return [
        {"loc": list(item.get("loc", ())), "msg": item.get("msg", "")} for item in error.errors()
    ]
