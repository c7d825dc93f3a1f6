"""Set up by chat (B2): the chat page, each turn of it, and the hand-over to the setup form.

The conversation and the draft travel in hidden fields of the page (no table): every request
validates them again, and anything that does not validate is refused with a 400.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import Field, TypeAdapter, ValidationError

from greenroom.accounts.deps import CurrentViewer
from greenroom.interviews.deps import EngineDep
from greenroom.interviews.pages import _default_role, _form_choices
from greenroom.interviews.setup_chat import (
    EXAMPLE,
    MAX_TURNS,
    ChatLine,
    MessageTooLong,
    SetupChat,
    SetupDraft,
    summary_rows,
    technology_vocabulary,
)
from greenroom.web.csrf import verify_csrf
from greenroom.web.deps import app_context
from greenroom.web.templating import render

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)

History = TypeAdapter(Annotated[list[ChatLine], Field(max_length=2 * MAX_TURNS)])
MAX_STATE_CHARS = 400_000  # the hidden fields of a full conversation, with room for escaping
DAMAGED = (
    "This conversation could not be read: the page's hidden fields were changed or damaged. "
    "Open Set up by chat again to start over."
)
FormText = Annotated[str, Form()]


def _state(draft: str, history: str = "[]") -> tuple[SetupDraft, list[ChatLine]]:
    """The draft and conversation posted back by the page, validated as if typed by a stranger."""
    if len(draft) + len(history) > MAX_STATE_CHARS:
        raise HTTPException(400, DAMAGED)
    try:
        return SetupDraft.model_validate_json(draft or "{}"), History.validate_json(history or "[]")
    except ValidationError:
        raise HTTPException(400, DAMAGED) from None


def _chat(
    request: Request,
    draft: SetupDraft,
    history: list[ChatLine],
    *,
    message: str = "",
    notice: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    """The whole page, or only the conversation and summary when HTMX asks for a turn."""
    partial = request.headers.get("hx-request") == "true"
    context: dict[str, Any] = {
        "draft": draft,
        "history": history,
        "draft_json": draft.model_dump_json(),
        "history_json": History.dump_json(history).decode(),
        "summary": summary_rows(draft),
        "message": message,
        "notice": notice,
        "error": error,
        "example": EXAMPLE,
    }
    template = "interviews/_setup_chat.html" if partial else "interviews/setup_chat.html"
    # HTMX swaps only successful answers: a refused message is shown with a 200 there.
    return render(request, template, context, status_code=200 if partial else status_code)


@router.get("/practice/chat", response_class=HTMLResponse)
def chat_page(request: Request, viewer: CurrentViewer) -> Response:
    """An empty conversation that explains what to type."""
    return _chat(request, SetupDraft(), [])


@router.post("/practice/chat", response_class=HTMLResponse)
def chat_turn(
    request: Request,
    viewer: CurrentViewer,
    engine: EngineDep,
    message: FormText = "",
    draft: FormText = "{}",
    history: FormText = "[]",
) -> Response:
    """One message: the draft is updated, the reply added, the summary refreshed."""
    current, lines = _state(draft, history)
    if not message.strip():
        return _chat(request, current, lines, error="Type a message first.", status_code=400)
    chat = SetupChat(app_context(request).llm, technology_vocabulary(engine.bank))
    try:
        turn = chat.turn(message, current, lines)
    except MessageTooLong as error:
        return _chat(request, current, lines, message=message, error=str(error), status_code=400)
    return _chat(request, turn.draft, turn.history, notice=turn.notice)


@router.post("/practice/chat/confirm", response_class=HTMLResponse)
def confirm(
    request: Request, viewer: CurrentViewer, engine: EngineDep, draft: FormText = "{}"
) -> Response:
    """The usual setup form, filled with the chat's choices, to check and submit."""
    chosen, _ = _state(draft)
    role = chosen.role or _default_role(viewer.user.target_roles)
    choices = _form_choices(engine, role)
    suggested = [tech for tech in chosen.technologies if tech in choices["suggestions"]]
    others = [tech for tech in chosen.technologies if tech not in suggested]
    form = {
        "role": role,
        "level": chosen.level or "",
        "interview_type": chosen.interview_type or "",
        "difficulty": chosen.difficulty or "",
        "question_count": chosen.question_count or 5,
        "length_by": "questions",
        "technologies": suggested,
        "other_technologies": ", ".join(others),
        "company": chosen.company,
        "persona": chosen.persona or "",
    }
    return render(
        request,
        "interviews/setup.html",
        {"form": form, "errors": {}, "from_chat": True, **choices},
    )
