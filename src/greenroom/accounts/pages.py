"""Sign-up, log-in (with the second factor) and log-out pages."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from itsdangerous import BadSignature, URLSafeTimedSerializer

from greenroom.accounts import auth, repository, service
from greenroom.accounts.activity import record_activity
from greenroom.accounts.deps import OptionalViewer
from greenroom.accounts.errors import AccountError
from greenroom.accounts.models import ActivityKind, User
from greenroom.accounts.passwords import password_problem
from greenroom.web.csrf import SESSION_COOKIE, verify_csrf
from greenroom.web.deps import ClientDep, KeysDep, SessionDep, SettingsDep, app_context
from greenroom.web.flash import flash
from greenroom.web.templating import render

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)

PENDING_COOKIE = "gr_pending"
PENDING_MAX_AGE_S = 300


def safe_next(path: str | None) -> str:
    """Only a path on this site: never another host, so a login link cannot redirect away."""
    if path and path.startswith("/") and not path.startswith(("//", "/\\")):
        return path
    return "/dashboard"


def _pending_serializer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(app_context(request).keys.key("pending-2fa"), salt="pending")


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or app_context(request).settings.production


def sign_in(
    request: Request, db: SessionDep, user: User, client: Any, next_path: str
) -> RedirectResponse:
    """Ends any session this browser had and starts a new one: a new session id at every login."""
    context = app_context(request)
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        auth.end_session(db, context.keys, old)
    token = auth.start_session(db, context.keys, user, client)
    request.state.new_session_token = token
    response = RedirectResponse(safe_next(next_path), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        max_age=context.settings.session_absolute_hours * 3600,
    )
    response.delete_cookie(PENDING_COOKIE)
    context.metrics.logins.labels("success").inc()
    return response


@router.get("/signup", response_class=HTMLResponse)
def signup_page(request: Request, viewer: OptionalViewer) -> Response:
    if viewer is not None:
        return RedirectResponse("/dashboard", status_code=303)
    return render(request, "accounts/signup.html", {"form": {}})


@router.post("/signup", response_class=HTMLResponse)
def signup_submit(
    request: Request,
    db: SessionDep,
    settings: SettingsDep,
    client: ClientDep,
    email: Annotated[str, Form()] = "",
    display_name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    password_confirm: Annotated[str, Form()] = "",
) -> Response:
    form = {"email": email, "display_name": display_name}
    if password != password_confirm:
        return render(
            request,
            "accounts/signup.html",
            {"form": form, "error": "The two passwords do not match."},
            status_code=400,
        )
    try:
        user = service.signup(
            db, settings, email=email, display_name=display_name, password=password, client=client
        )
    except AccountError as error:
        return render(
            request, "accounts/signup.html", {"form": form, "error": error.message}, status_code=400
        )
    record_activity(db, user.id, ActivityKind.LOGIN, client, "after sign-up")
    response = sign_in(request, db, user, client, "/dashboard")
    flash(request, response, "success", f"Welcome to Greenroom, {user.display_name}.")
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, viewer: OptionalViewer, next: str = "") -> Response:
    if viewer is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "accounts/login.html", {"next": safe_next(next), "form": {}})


@router.post("/login", response_class=HTMLResponse)
def login_submit(
    request: Request,
    db: SessionDep,
    settings: SettingsDep,
    client: ClientDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    result = auth.check_password(db, settings, email, password, client)
    context = {"next": safe_next(next), "form": {"email": email}, "error": result.error}
    if result.user is None:
        app_context(request).metrics.logins.labels("refused").inc()
        status = 429 if result.retry_after_s else 400
        refused = render(request, "accounts/login.html", context, status_code=status)
        if result.retry_after_s:
            refused.headers["retry-after"] = str(result.retry_after_s)
        return refused
    if result.needs_second_factor:
        response = RedirectResponse(f"/login/verify?next={safe_next(next)}", status_code=303)
        pending = _pending_serializer(request).dumps({"uid": result.user.id})
        response.set_cookie(
            PENDING_COOKIE,
            pending,
            httponly=True,
            samesite="lax",
            secure=_secure(request),
            max_age=PENDING_MAX_AGE_S,
        )
        return response
    return sign_in(request, db, result.user, client, next)


def _pending_user(request: Request, db: SessionDep) -> User | None:
    raw = request.cookies.get(PENDING_COOKIE)
    if not raw:
        return None
    try:
        payload = _pending_serializer(request).loads(raw, max_age=PENDING_MAX_AGE_S)
    except BadSignature:
        return None
    return repository.user_by_id(db, int(payload["uid"]))


@router.get("/login/verify", response_class=HTMLResponse)
def verify_page(request: Request, db: SessionDep, next: str = "") -> Response:
    if _pending_user(request, db) is None:
        response = RedirectResponse("/login", status_code=303)
        flash(request, response, "info", "Enter your email and password first.")
        return response
    return render(request, "accounts/verify.html", {"next": safe_next(next)})


@router.post("/login/verify", response_class=HTMLResponse)
def verify_submit(
    request: Request,
    db: SessionDep,
    settings: SettingsDep,
    keys: KeysDep,
    client: ClientDep,
    code: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    user = _pending_user(request, db)
    if user is None:
        response = RedirectResponse("/login", status_code=303)
        flash(request, response, "warning", "That sign-in took too long. Start again.")
        return response
    result = auth.check_second_factor(db, settings, keys, user, code, client)
    if result.user is None:
        app_context(request).metrics.logins.labels("refused").inc()
        status = 429 if result.retry_after_s else 400
        return render(
            request,
            "accounts/verify.html",
            {"next": safe_next(next), "error": result.error},
            status_code=status,
        )
    response = sign_in(request, db, result.user, client, next)
    if result.used_recovery_code:
        left = service.recovery_codes_left(db, result.user)
        flash(
            request,
            response,
            "warning",
            f"You signed in with a recovery code; {left} left. Each code works once.",
        )
    return response


@router.post("/logout")
def logout(request: Request, db: SessionDep, keys: KeysDep, client: ClientDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    ended = auth.end_session(db, keys, token) if token else None
    if ended is not None:
        record_activity(db, ended.user_id, ActivityKind.LOGOUT, client)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    flash(request, response, "info", "You are logged out.")
    return response


@router.post("/signup/check-password", response_class=HTMLResponse)
def signup_check_password(
    request: Request,
    settings: SettingsDep,
    password: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    display_name: Annotated[str, Form()] = "",
) -> Response:
    """Says as the person types whether the password would be accepted (an HTMX fragment)."""
    problem = password_problem(
        password, min_length=settings.password_min_length, email=email, display_name=display_name
    )
    return render(request, "accounts/password_check.html", {"problem": problem})
