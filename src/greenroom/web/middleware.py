"""One ASGI middleware for every HTTP request: request id, access log, metrics, security headers
and the CSRF cookie."""

from __future__ import annotations

import logging
import re
import time
import uuid
from http.cookies import SimpleCookie
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from greenroom.observability import Metrics, request_id_var
from greenroom.web.csrf import CSRF_COOKIE

log = logging.getLogger("greenroom.http")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(self), microphone=(self), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class RequestMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics, *, secure_cookies: bool) -> None:
        self.app = app
        self.metrics = metrics
        self.secure_cookies = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        incoming = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        https = scope.get("scheme") == "https"

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                extra = [(b"x-request-id", request_id.encode())]
                if not any(name == b"content-security-policy" for name, _ in message["headers"]):
                    extra += SECURITY_HEADERS
                if https:
                    extra.append((b"strict-transport-security", b"max-age=31536000"))
                state: dict[str, Any] = scope.get("state", {})
                if state.get("set_csrf_cookie"):
                    extra.append((b"set-cookie", self._csrf_cookie(state["csrf_nonce"], https)))
                message["headers"] = list(message["headers"]) + extra
            await send(message)

        self.metrics.in_flight.inc()
        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            self.metrics.in_flight.dec()
            elapsed = time.perf_counter() - started
            route = _route_template(scope)
            method = scope["method"]
            self.metrics.requests.labels(method, route, str(status)).inc()
            self.metrics.latency.labels(method, route).observe(elapsed)
            log.info(
                "%s %s %s",
                method,
                scope["path"],
                status,
                extra={
                    "method": method,
                    "path": scope["path"],
                    "route": route,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 1),
                    "client": (scope.get("client") or ("-", 0))[0],
                },
            )
            request_id_var.reset(token)

    def _csrf_cookie(self, nonce: str, https: bool) -> bytes:
        cookie: SimpleCookie = SimpleCookie()
        cookie[CSRF_COOKIE] = nonce
        morsel = cookie[CSRF_COOKIE]
        morsel["path"] = "/"
        morsel["httponly"] = True
        morsel["samesite"] = "Lax"
        if https or self.secure_cookies:
            morsel["secure"] = True
        return morsel.OutputString().encode()


def _route_template(scope: Scope) -> str:
    """The matched route's path template, so metrics do not grow a label per user id."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return str(path) if path else "unmatched"
