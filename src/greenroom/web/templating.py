"""Jinja2 templates from every feature's templates/ folder, and the one way pages render."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from greenroom import __version__
from greenroom.web.csrf import CSRF_FIELD, csrf_token
from greenroom.web.deps import app_context
from greenroom.web.flash import FLASH_COOKIE, read_flashes

PACKAGE_DIR = Path(__file__).resolve().parent.parent
FEATURES_WITH_TEMPLATES = ("web", "accounts", "interviews", "assessment", "coach")


def highlight(text: str, quotes: list[str]) -> Markup:
    """`text`, escaped, with each of `quotes` found in it wrapped in <mark>."""
    spans = []
    for quote in quotes:
        start = text.find(quote) if quote else -1
        if start >= 0:
            spans.append((start, start + len(quote)))
    out, position = [], 0
    for start, end in sorted(spans):
        if start < position:
            continue  # overlapping quotes: the first one wins
        out += [
            escape(text[position:start]),
            Markup("<mark>"),
            escape(text[start:end]),
            Markup("</mark>"),
        ]
        position = end
    out.append(escape(text[position:]))
    return Markup("").join(out)


def make_templates() -> Jinja2Templates:
    loader = ChoiceLoader(
        [
            FileSystemLoader(PACKAGE_DIR / feature / "templates")
            for feature in FEATURES_WITH_TEMPLATES
        ]
    )
    env = Environment(loader=loader, autoescape=select_autoescape(default=True), auto_reload=False)
    env.globals["app_version"] = __version__
    env.globals["csrf_field_name"] = CSRF_FIELD
    env.filters["highlight"] = highlight
    env.filters["when"] = lambda value: value.strftime("%Y-%m-%d %H:%M UTC") if value else "never"
    return Jinja2Templates(env=env)


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> HTMLResponse:
    """Renders a page with the viewer, CSRF token and pending flash messages."""
    values: dict[str, Any] = {
        "viewer": getattr(request.state, "viewer", None),
        "csrf_token": csrf_token(request),
        "flashes": read_flashes(request),
        **(context or {}),
    }
    response = app_context(request).templates.TemplateResponse(
        request, name, values, status_code=status_code
    )
    if request.cookies.get(FLASH_COOKIE):
        response.delete_cookie(FLASH_COOKIE)
    response.headers["cache-control"] = "no-store"
    return response
