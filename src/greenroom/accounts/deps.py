"""Who is asking: the signed-in viewer of a page, or the caller of the API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from greenroom.accounts.auth import resolve_session
from greenroom.accounts.models import Role, User, UserSession
from greenroom.accounts.service import user_for_token
from greenroom.web.csrf import SESSION_COOKIE, verify_csrf
from greenroom.web.deps import KeysDep, SessionDep, SettingsDep


@dataclass(frozen=True)
class Viewer:
    user: User
    session: UserSession | None  # None when the API is called with a token


@dataclass(frozen=True)
class UserSummary:
    """What the page layout shows of the viewer, safe to use after the transaction has ended."""

    id: int
    email: str
    display_name: str
    role: str


@dataclass(frozen=True)
class ViewerSummary:
    user: UserSummary


class LoginRequired(Exception):
    """Raised on a page that needs a signed-in user; answered with a redirect to the login page."""

    def __init__(self, next_path: str, expired: bool) -> None:
        super().__init__(next_path)
        self.next_path = next_path
        self.expired = expired


def optional_viewer(
    request: Request, db: SessionDep, settings: SettingsDep, keys: KeysDep
) -> Viewer | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    resolved = resolve_session(db, settings, keys, token)
    if resolved.expired:
        request.state.session_expired = True
    if resolved.session is None:
        return None
    user = resolved.session.user
    viewer = Viewer(user=user, session=resolved.session)
    request.state.viewer = viewer
    request.state.viewer_summary = ViewerSummary(
        UserSummary(id=user.id, email=user.email, display_name=user.display_name, role=user.role)
    )
    return viewer


OptionalViewer = Annotated[Viewer | None, Depends(optional_viewer)]


def require_viewer(request: Request, viewer: OptionalViewer) -> Viewer:
    if viewer is None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(path, expired=bool(getattr(request.state, "session_expired", False)))
    return viewer


CurrentViewer = Annotated[Viewer, Depends(require_viewer)]


def require_page_role(*roles: Role) -> Callable[[Viewer], Viewer]:
    def check(viewer: CurrentViewer) -> Viewer:
        if not viewer.user.has_role(*roles):
            raise HTTPException(403, "You do not have access to this page.")
        return viewer

    return check


AdminViewer = Annotated[Viewer, Depends(require_page_role(Role.ADMIN))]


async def api_viewer(
    request: Request, db: SessionDep, settings: SettingsDep, keys: KeysDep
) -> Viewer:
    """A bearer token, or a browser session (which must send the CSRF header to change state)."""
    authorization = request.headers.get("authorization", "")
    if authorization:
        scheme, _, secret = authorization.partition(" ")
        user = user_for_token(db, keys, secret.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            raise HTTPException(
                401, "Invalid or revoked token.", headers={"WWW-Authenticate": "Bearer"}
            )
        return Viewer(user=user, session=None)
    viewer = optional_viewer(request, db, settings, keys)
    if viewer is None:
        raise HTTPException(
            401,
            "Authentication required: send 'Authorization: Bearer <token>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    await verify_csrf(request)
    return viewer


ApiViewer = Annotated[Viewer, Depends(api_viewer)]


def require_api_admin(viewer: ApiViewer) -> Viewer:
    if not viewer.user.has_role(Role.ADMIN):
        raise HTTPException(403, "Only an admin can do this.")
    return viewer


ApiAdmin = Annotated[Viewer, Depends(require_api_admin)]
