"""Settings pages: profile, password, voice recordings, two-factor, sessions, activity log and
API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from greenroom.accounts import service
from greenroom.accounts.activity import record_activity
from greenroom.accounts.deps import CurrentViewer
from greenroom.accounts.errors import AccountError
from greenroom.accounts.models import ActivityKind
from greenroom.web.csrf import SESSION_COOKIE, verify_csrf
from greenroom.web.deps import ClientDep, KeysDep, SessionDep, SettingsDep, app_context
from greenroom.web.flash import flash
from greenroom.web.templating import render

router = APIRouter(prefix="/settings", dependencies=[Depends(verify_csrf)], include_in_schema=False)

TARGET_ROLE_SUGGESTIONS = (
    "Frontend engineer",
    "Backend engineer",
    "Full stack engineer",
    "Mobile engineer",
    "DevOps / SRE",
    "Data engineer",
    "Data scientist",
    "ML engineer",
    "Data analyst",
    "QA engineer",
    "Security engineer",
    "Embedded engineer",
    "Cloud architect",
    "Product manager",
    "Engineering manager",
    "UX designer",
    "Business analyst",
    "Project manager",
    "Technical support",
    "Sales engineer",
)


def _back(request: Request, path: str, level: str, message: str) -> Response:
    response = RedirectResponse(path, status_code=303)
    flash(request, response, level, message)  # type: ignore[arg-type]
    return response


@router.get("", include_in_schema=False)
def settings_home() -> Response:
    return RedirectResponse("/settings/profile", status_code=303)


@router.get("/profile", response_class=HTMLResponse)
def profile_page(request: Request, viewer: CurrentViewer) -> Response:
    return render(
        request,
        "accounts/settings_profile.html",
        {"section": "profile", "suggestions": TARGET_ROLE_SUGGESTIONS},
    )


@router.post("/profile", response_class=HTMLResponse)
def profile_submit(
    request: Request,
    viewer: CurrentViewer,
    db: SessionDep,
    client: ClientDep,
    display_name: Annotated[str, Form()] = "",
    bio: Annotated[str, Form()] = "",
    target_roles: Annotated[str, Form()] = "",
) -> Response:
    try:
        service.update_profile(
            db,
            viewer.user,
            display_name=display_name,
            bio=bio,
            target_roles=target_roles.split(","),
            client=client,
        )
    except AccountError as error:
        return render(
            request,
            "accounts/settings_profile.html",
            {
                "section": "profile",
                "suggestions": TARGET_ROLE_SUGGESTIONS,
                "error": error.message,
                "form": {"display_name": display_name, "bio": bio, "target_roles": target_roles},
            },
            status_code=400,
        )
    return _back(request, "/settings/profile", "success", "Profile saved.")


@router.get("/password", response_class=HTMLResponse)
def password_page(request: Request, viewer: CurrentViewer) -> Response:
    return render(request, "accounts/settings_password.html", {"section": "password"})


@router.post("/password", response_class=HTMLResponse)
def password_submit(
    request: Request,
    viewer: CurrentViewer,
    db: SessionDep,
    settings: SettingsDep,
    client: ClientDep,
    current_password: Annotated[str, Form()] = "",
    new_password: Annotated[str, Form()] = "",
    new_password_confirm: Annotated[str, Form()] = "",
) -> Response:
    try:
        if new_password != new_password_confirm:
            raise AccountError("The two new passwords do not match.")
        ended = service.change_password(
            db,
            settings,
            viewer.user,
            current=current_password,
            new=new_password,
            current_session=viewer.session,
            client=client,
        )
    except AccountError as error:
        return render(
            request,
            "accounts/settings_password.html",
            {"section": "password", "error": error.message},
            status_code=400,
        )
    return _back(
        request, "/settings/password", "success", f"Password changed. {_sessions_phrase(ended)}"
    )


def _sessions_phrase(ended: int) -> str:
    if ended == 0:
        return "You had no other sessions."
    return f"{ended} other session{'s' if ended != 1 else ''} signed out."


@router.get("/voice", response_class=HTMLResponse)
def voice_page(request: Request, viewer: CurrentViewer) -> Response:
    usage = app_context(request).recordings.usage(viewer.user.id)
    return render(
        request,
        "accounts/settings_voice.html",
        {"section": "voice", "usage": usage, "size": _megabytes(usage.size_bytes)},
    )


@router.post("/voice")
def voice_submit(
    request: Request,
    viewer: CurrentViewer,
    db: SessionDep,
    client: ClientDep,
    keep_audio: Annotated[str, Form()] = "",
) -> Response:
    keep = keep_audio == "on"
    if keep != viewer.user.keep_audio:
        viewer.user.keep_audio = keep
        detail = "recordings kept" if keep else "recordings deleted once analysed"
        record_activity(db, viewer.user.id, ActivityKind.RECORDINGS_SETTING_CHANGED, client, detail)
    db.commit()
    said = (
        "Recordings of your next spoken answers will be kept."
        if viewer.user.keep_audio
        else "Recordings of your next spoken answers will be deleted once analysed."
    )
    return _back(request, "/settings/voice", "success", said)


@router.post("/voice/recordings/delete")
def recordings_delete(
    request: Request, viewer: CurrentViewer, db: SessionDep, client: ClientDep
) -> Response:
    deleted = app_context(request).recordings.delete_all(viewer.user.id)
    record_activity(
        db, viewer.user.id, ActivityKind.RECORDINGS_DELETED, client, f"{deleted} deleted"
    )
    db.commit()
    said = f"Deleted {deleted} recording{'s' if deleted != 1 else ''}."
    return _back(request, "/settings/voice", "success", said)


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


@router.get("/security", response_class=HTMLResponse)
def security_page(request: Request, viewer: CurrentViewer, db: SessionDep) -> Response:
    return render(
        request,
        "accounts/settings_security.html",
        {
            "section": "security",
            "sessions": service.sessions(db, viewer.user),
            "current_session_id": viewer.session.id if viewer.session else None,
            "codes_left": service.recovery_codes_left(db, viewer.user),
        },
    )


@router.get("/security/totp", response_class=HTMLResponse)
def totp_setup_page(request: Request, viewer: CurrentViewer, keys: KeysDep) -> Response:
    if viewer.user.totp_enabled:
        return RedirectResponse("/settings/security", status_code=303)
    setup = service.begin_totp_setup(keys, viewer.user)
    return render(request, "accounts/settings_totp.html", {"section": "security", "setup": setup})


@router.post("/security/totp", response_class=HTMLResponse)
def totp_confirm(
    request: Request,
    viewer: CurrentViewer,
    db: SessionDep,
    keys: KeysDep,
    client: ClientDep,
    code: Annotated[str, Form()] = "",
) -> Response:
    try:
        codes = service.confirm_totp(db, keys, viewer.user, code, viewer.session, client)
    except AccountError as error:
        setup = service.begin_totp_setup(keys, viewer.user)
        return render(
            request,
            "accounts/settings_totp.html",
            {"section": "security", "setup": setup, "error": error.message},
            status_code=400,
        )
    return render(
        request,
        "accounts/recovery_codes.html",
        {"section": "security", "codes": codes, "just_enabled": True},
    )


@router.post("/security/totp/disable", response_class=HTMLResponse)
def totp_disable(
    request: Request,
    viewer: CurrentViewer,
    db: SessionDep,
    keys: KeysDep,
    client: ClientDep,
    code: Annotated[str, Form()] = "",
) -> Response:
    try:
        service.disable_totp(db, keys, viewer.user, code, viewer.session, client)
    except AccountError as error:
        return _back(request, "/settings/security", "error", error.message)
    return _back(
        request,
        "/settings/security",
        "success",
        "Two-factor authentication is off. Your other sessions were signed out.",
    )


@router.post("/security/recovery-codes", response_class=HTMLResponse)
def recovery_codes_regenerate(
    request: Request,
    viewer: CurrentViewer,
    db: SessionDep,
    keys: KeysDep,
    client: ClientDep,
    code: Annotated[str, Form()] = "",
) -> Response:
    try:
        codes = service.regenerate_recovery_codes(db, keys, viewer.user, code, client)
    except AccountError as error:
        return _back(request, "/settings/security", "error", error.message)
    return render(
        request,
        "accounts/recovery_codes.html",
        {"section": "security", "codes": codes, "just_enabled": False},
    )


@router.post("/security/logout-everywhere")
def logout_everywhere(
    request: Request, viewer: CurrentViewer, db: SessionDep, client: ClientDep
) -> Response:
    count = service.end_all_sessions(db, viewer.user, client)
    response = _back(request, "/login", "info", f"Signed out of {count} session(s) everywhere.")
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/activity", response_class=HTMLResponse)
def activity_page(
    request: Request, viewer: CurrentViewer, db: SessionDep, page: int = 1
) -> Response:
    page = max(1, min(page, 1000))
    per_page = 50
    events = service.activity(db, viewer.user, limit=per_page + 1, offset=(page - 1) * per_page)
    return render(
        request,
        "accounts/settings_activity.html",
        {
            "section": "activity",
            "events": events[:per_page],
            "page": page,
            "has_more": len(events) > per_page,
        },
    )


@router.get("/tokens", response_class=HTMLResponse)
def tokens_page(request: Request, viewer: CurrentViewer, db: SessionDep) -> Response:
    return render(
        request,
        "accounts/settings_tokens.html",
        {"section": "tokens", "tokens": service.tokens(db, viewer.user)},
    )


@router.post("/tokens", response_class=HTMLResponse)
def token_create(
    request: Request,
    viewer: CurrentViewer,
    db: SessionDep,
    keys: KeysDep,
    client: ClientDep,
    name: Annotated[str, Form()] = "",
) -> Response:
    try:
        created = service.create_token(db, keys, viewer.user, name, client)
    except AccountError as error:
        return render(
            request,
            "accounts/settings_tokens.html",
            {
                "section": "tokens",
                "tokens": service.tokens(db, viewer.user),
                "error": error.message,
            },
            status_code=400,
        )
    return render(
        request,
        "accounts/settings_tokens.html",
        {"section": "tokens", "tokens": service.tokens(db, viewer.user), "created": created},
    )


@router.post("/tokens/{token_id}/revoke")
def token_revoke(
    request: Request, token_id: int, viewer: CurrentViewer, db: SessionDep, client: ClientDep
) -> Response:
    try:
        service.revoke_token(db, viewer.user, token_id, client)
    except AccountError as error:
        return _back(request, "/settings/tokens", "error", error.message)
    return _back(request, "/settings/tokens", "success", "Token revoked.")
