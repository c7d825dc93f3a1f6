"""Voice interviews: the voice room page and its WebSocket (docs/voice.md)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from fastapi import APIRouter, Depends, HTTPException, Request, Response, WebSocket
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

from greenroom.accounts.auth import resolve_session
from greenroom.accounts.deps import CurrentViewer
from greenroom.interviews import service
from greenroom.interviews.deps import OwnedInterview
from greenroom.interviews.engine import InterviewEngine
from greenroom.interviews.models import Status
from greenroom.speech.rooms import POLICY_VIOLATION, RoomsFull
from greenroom.web.context import AppContext
from greenroom.web.csrf import SESSION_COOKIE, verify_csrf
from greenroom.web.deps import app_context
from greenroom.web.templating import render

log = logging.getLogger(__name__)
router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
socket_router = APIRouter(include_in_schema=False)  # a WebSocket has no CSRF token: Origin instead
RUNNING = {Status.PLANNED.value, Status.IN_PROGRESS.value, Status.PAUSED.value}


@router.get("/interviews/{interview_id}/voice", response_class=HTMLResponse)
def voice_room(request: Request, interview: OwnedInterview, viewer: CurrentViewer) -> Response:
    if interview.status not in RUNNING:
        return RedirectResponse(f"/interviews/{interview.id}", status_code=303)
    app_context(request).voice.warm_up()  # loads while the candidate reads the page
    return render(
        request,
        "interviews/voice_room.html",
        {
            "interview": interview,
            "title": service.title(interview),
            "socket_path": f"/interviews/{interview.id}/voice/socket",
            "persona": interview.setup.get("persona", "neutral"),
            "text_url": f"/interviews/{interview.id}",
            "report_url": f"/interviews/{interview.id}/report",
        },
    )


@router.get("/interviews/{interview_id}/answers/{seq}/recording")
def answer_recording(request: Request, interview: OwnedInterview, seq: int) -> Response:
    """A kept recording of one spoken answer, for its owner only."""
    found = app_context(request).recordings.find(interview.user_id, interview.id, seq)
    if found is None:
        raise HTTPException(404, "No recording is kept for this answer.")
    return FileResponse(found, media_type="audio/wav", headers={"Cache-Control": "private"})


@socket_router.websocket("/interviews/{interview_id}/voice/socket")
async def voice_socket(websocket: WebSocket, interview_id: int) -> None:
    """The owner's browser only: session cookie, same Origin, a running interview."""
    context: AppContext = websocket.app.state.greenroom
    origin = _own_origin(websocket)
    # Refusals accept first, then close with the reason: a browser shows nothing otherwise.
    if websocket.headers.get("origin") != origin:
        await _refuse(websocket, "This page may not open the interview's socket.")
        return
    caller = _caller(context, websocket.cookies.get(SESSION_COOKIE, ""), interview_id)
    if caller is None:
        await _refuse(websocket, "Sign in, and open one of your own running interviews.")
        return
    await websocket.accept()
    try:
        async with context.rooms.hold(interview_id, websocket) as stop:
            await _run(websocket, context, caller, interview_id, origin, stop)
    except RoomsFull as full:
        log.info("voice session refused: %s", full, extra={"interview_id": interview_id})
        context.metrics.voice_refusals.inc()
        await websocket.close(POLICY_VIOLATION, str(full))


async def _run(
    websocket: WebSocket,
    context: AppContext,
    caller: Caller,
    interview_id: int,
    origin: str,
    stop: asyncio.Event,
) -> None:
    from greenroom.speech.interviewer import Keeping  # Pipecat loads on first use
    from greenroom.speech.session import run_voice_session
    from greenroom.speech.voice_out import persona_voice

    await run_voice_session(
        websocket,
        models=context.voice,
        sessions=context.sessions,
        engine=context.interviews,
        interview_id=interview_id,
        name=caller.name,
        origin=origin,
        voice=persona_voice(caller.persona),
        persona=caller.persona,
        keep=Keeping(context.recordings, caller.user_id) if caller.keep_audio else None,
        guesses=context.metrics.voice_guesses,
        stop=stop,
    )


async def _refuse(websocket: WebSocket, reason: str) -> None:
    await websocket.accept()
    await websocket.close(POLICY_VIOLATION, reason)


def _own_origin(websocket: WebSocket) -> str:
    scheme = "https" if websocket.url.scheme == "wss" else "http"
    return f"{scheme}://{websocket.headers.get('host', '')}"


@dataclass(frozen=True)
class Caller:
    user_id: int
    name: str
    persona: str
    keep_audio: bool


def _caller(context: AppContext, token: str, interview_id: int) -> Caller | None:
    """Who is calling, when the cookie's user owns this running interview; else None."""
    if not token:
        return None
    with context.sessions() as db:
        resolved = resolve_session(db, context.settings, context.keys, token)
        if resolved.session is None:
            return None
        user = resolved.session.user
        interview = service.owned(db, user.id, interview_id)
        db.commit()  # resolving a session refreshes its last-seen time
        if interview is None or interview.status not in RUNNING:
            return None
        persona = str(interview.setup.get("persona", "neutral"))
        return Caller(user.id, user.display_name, persona, user.keep_audio)


__all__ = ["InterviewEngine", "router", "socket_router"]
