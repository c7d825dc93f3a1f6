"""Practice pages: the setup form, the interview room, and the history of interviews."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from greenroom.accounts.deps import CurrentViewer, Viewer
from greenroom.interviews import service
from greenroom.interviews.deps import EngineDep, OwnedInterview
from greenroom.interviews.engine import InterviewEngine, InterviewError
from greenroom.interviews.models import Interview, Status
from greenroom.interviews.planner import estimated_minutes, question_count, slots
from greenroom.interviews.schemas import (
    MAX_ANSWER_CHARS,
    UNAVAILABLE,
    InterviewType,
    Mode,
    Persona,
    Setup,
)
from greenroom.questions.catalogue import LEVEL_LABELS, ROLES, Difficulty
from greenroom.web.csrf import verify_csrf
from greenroom.web.deps import SessionDep
from greenroom.web.flash import flash
from greenroom.web.templating import render

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)


# --- setup (B1, B3) ---------------------------------------------------------------------------
def _form_choices(engine: InterviewEngine, role: str) -> dict[str, Any]:
    return {
        "roles": ROLES,
        "levels": LEVEL_LABELS,
        "difficulties": [d.value for d in Difficulty],
        "types": [t.value for t in InterviewType],
        "personas": [p.value for p in Persona],
        "modes": [m.value for m in Mode],
        "unavailable": {k.value: v for k, v in UNAVAILABLE.items()},
        "suggestions": engine.bank.technologies_for(role) if role in ROLES else [],
        "max_answer_chars": MAX_ANSWER_CHARS,
        "can_generate": engine.generator is not None,
    }


def _setup_from_form(form: dict[str, Any]) -> Setup:
    technologies = list(form.get("technologies", []))
    technologies += str(form.get("other_technologies", "")).split(",")
    by_duration = form.get("length_by") == "duration"
    return Setup.model_validate(
        {
            "role": form.get("role", ""),
            "interview_type": form.get("interview_type") or "mixed",
            "level": form.get("level") or "mid",
            "difficulty": form.get("difficulty") or "medium",
            "question_count": form.get("question_count") or 5,
            "duration_minutes": (form.get("duration_minutes") or None) if by_duration else None,
            "technologies": technologies,
            "company": form.get("company", ""),
            "job_description": form.get("job_description", ""),
            "notes": form.get("notes", ""),
            "persona": form.get("persona") or "neutral",
            "mode": form.get("mode") or "text",
            "generate_questions": form.get("generate_questions") == "on",
        }
    )


async def _read_form(request: Request) -> dict[str, Any]:
    form = await request.form()
    values: dict[str, Any] = {key: value for key, value in form.items() if isinstance(value, str)}
    values["technologies"] = [v for v in form.getlist("technologies") if isinstance(v, str)]
    return values


def _errors(error: ValidationError) -> dict[str, str]:
    messages: dict[str, str] = {}
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else "form"
        messages.setdefault(field, str(item["msg"]).removeprefix("Value error, "))
    return messages


@router.get("/practice", response_class=HTMLResponse)
def setup_page(
    request: Request, viewer: CurrentViewer, db: SessionDep, engine: EngineDep, role: str = ""
) -> Response:
    """The setup form; `?from=ID` fills it with an earlier interview's setup to change."""
    values: dict[str, Any] = {"role": role or _default_role(viewer.user.target_roles)}
    from_id = request.query_params.get("from")
    if from_id and from_id.isdigit():
        earlier = service.owned(db, viewer.user.id, int(from_id))
        if earlier is not None:
            values = dict(earlier.setup)
            values["length_by"] = "duration" if values.get("duration_minutes") else "questions"
    return render(
        request,
        "interviews/setup.html",
        {"form": values, "errors": {}, **_form_choices(engine, values["role"])},
    )


def _default_role(target_roles: list[str]) -> str:
    labels = {label.lower(): role for role, label in ROLES.items()}
    for target in target_roles:
        if target.lower() in labels:
            return labels[target.lower()]
    return "backend"


@router.get("/practice/technologies", response_class=HTMLResponse)
def technology_options(
    request: Request, viewer: CurrentViewer, engine: EngineDep, role: str = ""
) -> Response:
    """The suggested technologies of a role (HTMX swaps them in when the role changes)."""
    return render(
        request,
        "interviews/_technologies.html",
        {"form": {"technologies": []}, **_form_choices(engine, role)},
    )


@router.post("/practice/preview", response_class=HTMLResponse)
async def setup_preview(request: Request, viewer: CurrentViewer, engine: EngineDep) -> Response:
    """Checks the form as it is filled in and says what the interview will be."""
    values = await _read_form(request)
    try:
        setup = _setup_from_form(values)
    except ValidationError as error:
        return render(request, "interviews/_preview.html", {"errors": _errors(error)})
    count = question_count(setup, engine.bank)
    parts = [
        (slot.question_type.value.replace("_", " "), slot.count) for slot in slots(setup, count)
    ]
    merged: dict[str, int] = {}
    for name, n in parts:
        merged[name] = merged.get(name, 0) + n
    return render(
        request,
        "interviews/_preview.html",
        {
            "errors": {},
            "count": count,
            "mix": merged,
            "minutes": estimated_minutes(setup, engine.bank, count),
            "bank_size": len(engine.bank.for_role(setup.role)),
            "role_label": ROLES[setup.role],
        },
    )


@router.post("/practice", response_class=HTMLResponse)
async def setup_submit(
    request: Request, viewer: CurrentViewer, db: SessionDep, engine: EngineDep
) -> Response:
    values = await _read_form(request)
    # Planning may embed a job description: keep that CPU work off the event loop.
    return await run_in_threadpool(_create_and_start, request, viewer, db, engine, values)


def _create_and_start(
    request: Request, viewer: Viewer, db: Session, engine: InterviewEngine, values: dict[str, Any]
) -> Response:
    try:
        setup = _setup_from_form(values)
        interview = engine.create(db, viewer.user.id, setup)
    except ValidationError as error:
        errors = _errors(error)
    except InterviewError as error:
        errors = {"form": error.message}
    else:
        if setup.mode == Mode.VOICE:  # the voice room greets and asks, in speech
            response = RedirectResponse(f"/interviews/{interview.id}/voice", status_code=303)
        else:
            engine.start(db, interview, viewer.user.display_name)
            response = RedirectResponse(f"/interviews/{interview.id}", status_code=303)
        if setup.generate_questions and not interview.generated:
            flash(
                request,
                response,
                "warning",
                "The language model could not write questions just now, so every question "
                "comes from the bank.",
            )
        return response
    return render(
        request,
        "interviews/setup.html",
        {"form": values, "errors": errors, **_form_choices(engine, str(values.get("role", "")))},
        status_code=400,
    )


@router.post("/interviews/{interview_id}/retake")
def retake(
    request: Request,
    interview: OwnedInterview,
    viewer: CurrentViewer,
    db: SessionDep,
    engine: EngineDep,
) -> Response:
    """The same setup again, with questions not asked before where the bank allows."""
    setup = Setup.model_validate(interview.setup)
    again = engine.create(db, viewer.user.id, setup, source_id=interview.id)
    engine.start(db, again, viewer.user.display_name)
    return RedirectResponse(f"/interviews/{again.id}", status_code=303)


# --- the interview room (D1, D4, D5) ---------------------------------------------------------
@router.get("/interviews/{interview_id}", response_class=HTMLResponse)
def room(
    request: Request,
    interview: OwnedInterview,
    viewer: CurrentViewer,
    db: SessionDep,
    engine: EngineDep,
) -> Response:
    # A voice interview whose microphone failed continues here, in text.
    engine.start(db, interview, viewer.user.display_name)
    # An answer stored just before a crash has no reply yet: give it one now.
    engine.respond(db, interview, viewer.user.display_name)
    prompt = engine.prompt(interview)
    texts = {qid: q.text for qid in interview.plan if (q := engine.find(interview, qid))}
    return render(
        request,
        "interviews/room.html",
        {
            "interview": interview,
            "prompt": prompt,
            "title": service.title(interview),
            "status_label": service.status_label(interview),
            "summaries": service.question_summaries(interview, texts)
            if interview.status == Status.COMPLETED.value
            else [],
            "max_answer_chars": MAX_ANSWER_CHARS,
            "interviewer_notice": _interviewer_notice(engine, interview),
        },
    )


def _interviewer_notice(engine: InterviewEngine, interview: Interview) -> str:
    """Says so when a configured language model is not the one answering right now."""
    if engine.interviewer is None or interview.status != Status.IN_PROGRESS.value:
        return ""
    last = next((t for t in reversed(interview.turns) if t.speaker == "interviewer"), None)
    if not engine.interviewer.available or (last is not None and last.meta.get("llm_unavailable")):
        return (
            "The AI interviewer is unavailable right now, so follow-ups come from the question "
            "bank. Your answers are saved as usual."
        )
    return ""


def _back_to(
    request: Request,
    interview: Interview,
    level: str = "",
    message: str = "",
    anchor: str = "latest",
) -> Response:
    response = RedirectResponse(f"/interviews/{interview.id}#{anchor}", status_code=303)
    if message:
        flash(request, response, level, message)  # type: ignore[arg-type]
    return response


def _parse_time(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


@router.post("/interviews/{interview_id}/answer", response_class=HTMLResponse)
def answer(
    request: Request,
    interview: OwnedInterview,
    viewer: CurrentViewer,
    db: SessionDep,
    engine: EngineDep,
    text: Annotated[str, Form()] = "",
    first_input_at: Annotated[str, Form()] = "",
) -> Response:
    try:
        outcome = engine.record_answer(
            db, interview, text, first_input_at=_parse_time(first_input_at)
        )
        if outcome.refused:
            return _back_to(request, interview, "error", outcome.refused, anchor="answer")
        db.commit()  # the answer is safe before the interviewer decides what comes next
        engine.respond(db, interview, viewer.user.display_name)
    except InterviewError as error:
        return _back_to(request, interview, "error", error.message)
    except IntegrityError:
        db.rollback()
        return _back_to(
            request,
            interview,
            "warning",
            "This interview changed in another tab; here is where it stands.",
        )
    return _back_to(request, interview)


@router.post("/interviews/{interview_id}/draft", status_code=204)
def save_draft(
    interview: OwnedInterview, engine: EngineDep, text: Annotated[str, Form()] = ""
) -> Response:
    """Keeps what is typed (the page sends it as the candidate types)."""
    engine.save_draft(interview, text)
    return Response(status_code=204)


def _move(
    request: Request,
    interview: Interview,
    engine: InterviewEngine,
    typed: str,
    action: Any,
    *args: Any,
) -> Response:
    """Pause, moment, end: whatever was typed in the answer box is kept as the draft first."""
    try:
        if typed.strip() and interview.status in {Status.IN_PROGRESS.value, Status.PAUSED.value}:
            engine.save_draft(interview, typed)
        action(*args)
    except InterviewError as error:
        return _back_to(request, interview, "error", error.message)
    return _back_to(request, interview)


TypedText = Annotated[str, Form(alias="text")]


@router.post("/interviews/{interview_id}/moment")
def need_a_moment(
    request: Request,
    interview: OwnedInterview,
    db: SessionDep,
    engine: EngineDep,
    typed: TypedText = "",
) -> Response:
    return _move(request, interview, engine, typed, engine.ask_for_moment, db, interview)


@router.post("/interviews/{interview_id}/pause")
def pause(
    request: Request,
    interview: OwnedInterview,
    db: SessionDep,
    engine: EngineDep,
    typed: TypedText = "",
) -> Response:
    return _move(request, interview, engine, typed, engine.pause, db, interview)


@router.post("/interviews/{interview_id}/resume")
def resume(
    request: Request, interview: OwnedInterview, db: SessionDep, engine: EngineDep
) -> Response:
    return _move(request, interview, engine, "", engine.resume, db, interview)


@router.post("/interviews/{interview_id}/end")
def end(
    request: Request,
    interview: OwnedInterview,
    viewer: CurrentViewer,
    db: SessionDep,
    engine: EngineDep,
    typed: TypedText = "",
) -> Response:
    return _move(
        request, interview, engine, typed, engine.end_early, db, interview, viewer.user.display_name
    )


# --- history (B3) -----------------------------------------------------------------------------
@router.get("/history", response_class=HTMLResponse)
def history(request: Request, viewer: CurrentViewer, db: SessionDep, page: int = 1) -> Response:
    page = max(1, min(page, 1000))
    per_page = 25
    items = service.recent(db, viewer.user.id, limit=per_page + 1, offset=(page - 1) * per_page)
    rows = [
        {
            "interview": i,
            "title": service.title(i),
            "status": service.status_label(i),
            "answered": sum(1 for s in service.question_summaries(i, {}) if s.answered),
        }
        for i in items[:per_page]
    ]
    return render(
        request,
        "interviews/history.html",
        {"rows": rows, "page": page, "has_more": len(items) > per_page},
    )
