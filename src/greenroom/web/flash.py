"""One-time messages shown on the next page, carried in a signed cookie."""

from __future__ import annotations

from typing import Literal

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeSerializer

from greenroom.web.deps import app_context

FLASH_COOKIE = "gr_flash"
Level = Literal["success", "info", "warning", "error"]


def _serializer(request: Request) -> URLSafeSerializer:
    return URLSafeSerializer(app_context(request).keys.key("flash"), salt="flash")


def flash(request: Request, response: Response, level: Level, message: str) -> None:
    """Shows `message` on the next page this browser loads."""
    pending = [*read_flashes(request), [level, message]][-5:]
    response.set_cookie(
        FLASH_COOKIE,
        _serializer(request).dumps(pending),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        max_age=300,
    )


def read_flashes(request: Request) -> list[list[str]]:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return []
    try:
        value = _serializer(request).loads(raw)
    except BadSignature:
        return []
    return [list(map(str, item)) for item in value if isinstance(item, list) and len(item) == 2]
