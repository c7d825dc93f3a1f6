"""CSRF protection: a signed double-submit token bound to the browser and to its session.

Every visitor gets a random `gr_csrf` cookie. Forms carry HMAC(cookie, session cookie) in a hidden
field, HTMX sends it in the X-CSRF-Token header. A state-changing request whose token does not
match, or whose Origin is another site, is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import HTTPException, Request

from greenroom.web.deps import app_context

CSRF_COOKIE = "gr_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SESSION_COOKIE = "gr_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def csrf_nonce(request: Request) -> str:
    """The browser's CSRF nonce; a new one is made (and set by the middleware) when missing."""
    nonce = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "csrf_nonce", None)
    if not nonce:
        nonce = secrets.token_urlsafe(24)
        request.state.csrf_nonce = nonce
        request.state.set_csrf_cookie = True
    return str(nonce)


def csrf_token(request: Request, session_token: str | None = None) -> str:
    """The token that forms on this page must send back."""
    if session_token is None:
        session_token = getattr(request.state, "new_session_token", None) or request.cookies.get(
            SESSION_COOKIE, ""
        )
    key = app_context(request).keys.key("csrf")
    message = f"{csrf_nonce(request)}|{session_token}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


async def verify_csrf(request: Request) -> None:
    """Refuses a state-changing request without a valid token or from another origin."""
    if request.method in SAFE_METHODS:
        return
    _check_origin(request)
    submitted = request.headers.get(CSRF_HEADER)
    if submitted is None and _is_form(request):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        submitted = value if isinstance(value, str) else None
    if not request.cookies.get(CSRF_COOKIE) or not submitted:
        raise HTTPException(
            403,
            "This form has expired or was sent from another site. Reload the page and try again.",
        )
    expected = csrf_token(request, request.cookies.get(SESSION_COOKIE, ""))
    if not secrets.compare_digest(submitted, expected):
        raise HTTPException(
            403,
            "This form has expired or was sent from another site. Reload the page and try again.",
        )


def _is_form(request: Request) -> bool:
    content_type = request.headers.get("content-type", "")
    return content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))


def _check_origin(request: Request) -> None:
    origin = request.headers.get("origin")
    if origin is None:
        return
    host = request.headers.get("host", "")
    if urlsplit(origin).netloc != host:
        raise HTTPException(403, "Cross-site request refused.")
