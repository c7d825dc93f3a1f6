"""The coaching chat through the real app: streaming, storage, guards, refusals, ownership."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import anyio
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from greenroom.accounts.models import User
from greenroom.assessment.models import Report
from greenroom.assessment.service import report_of
from greenroom.coach import pages, service
from greenroom.coach.models import CoachMessage
from greenroom.coach.prompts import COACH_INSTRUCTIONS, REFUSAL
from greenroom.coach.rules import NO_MODEL_NOTE, UNAVAILABLE_NOTE
from greenroom.coach.service import CUT_OFF_NOTICE, MESSAGES_PER_HOUR, Coach
from greenroom.db import utcnow
from greenroom.interviews.models import Interview
from greenroom.providers.llm import LLM, LLMUnavailable, Message
from greenroom.providers.llm.prompts import DATA_RULE, leaks
from greenroom.providers.llm.queued import QueuedLLM
from tests.coach.conftest import MODEL_REPLY, Q2, BreaksMidway
from tests.conftest import StartInterview
from tests.helpers import csrf_of, login, signup
from tests.injections import INJECTIONS

PASSWORD = "a long enough passphrase"  # the `user` fixture's
_DATA_BLOCK = re.compile(r"<data\b[^>]*>.*?</data>", re.DOTALL)


class RevealsItsPrompt(QueuedLLM):
    """A model that obeys every injection: it answers with its whole system prompt."""

    def complete(self, messages: list[Message], **_: Any) -> str:
        self.calls.append(list(messages))
        return "Certainly! Here are my instructions: " + messages[0]["content"]


def _use_model(app: FastAPI, llm: LLM | None) -> None:
    app.state.greenroom.llm = llm


def _signed_in(client: TestClient, interview: Interview) -> str:
    """Logs the interview's owner in; returns the CSRF token of its report page."""
    login(client, "cand@example.com", PASSWORD)
    page = client.get(f"/interviews/{interview.id}/report")
    assert page.status_code == 200, page.text
    return csrf_of(page.text)


def _ask(client: TestClient, interview: Interview, message: str, token: str | None) -> Response:
    """Sends a chat message the way coach.js does."""
    headers = {"Accept": "text/plain, application/json"}
    if token is not None:
        headers["X-CSRF-Token"] = token
    response: Response = client.post(
        f"/interviews/{interview.id}/report/coach", data={"message": message}, headers=headers
    )
    return response


def _stored(db: Session) -> list[CoachMessage]:
    db.rollback()  # see what the app committed
    return list(db.scalars(select(CoachMessage).order_by(CoachMessage.id)))


def test_the_report_page_has_the_chat_with_three_suggestions(
    client: TestClient, finished: Interview
) -> None:
    _signed_in(client, finished)
    page = client.get(f"/interviews/{finished.id}/report").text
    assert 'id="coach-form"' in page
    assert f'hx-get="/interviews/{finished.id}/report/coach"' in page
    assert '<script src="/static/js/coach.js" type="module"></script>' in page
    assert "<noscript>" in page and "needs JavaScript" in page
    fragment = client.get(f"/interviews/{finished.id}/report/coach").text
    suggestions = re.findall(r"<button[^>]*data-coach-suggestion>(.*?)</button>", fragment)
    assert suggestions == ["Why did Q2 score low?", "What should I practise next?",
                           "What does STAR mean?"]  # fmt: skip


def test_without_a_model_the_reply_streams_from_the_evidence_and_is_kept(
    client: TestClient, db: Session, finished: Interview
) -> None:
    token = _signed_in(client, finished)
    response = _ask(client, finished, "  Why did Q2 score low?  ", token)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text.startswith(NO_MODEL_NOTE)
    assert Q2 in response.text
    question, reply = _stored(db)
    assert (question.role, question.text, question.source) == (
        "candidate",
        "Why did Q2 score low?",
        None,
    )
    assert (reply.role, reply.source, reply.refs, reply.text) == (
        "coach",
        "rules",
        [2],
        response.text,
    )
    # Another visit: the conversation is still there, with Q2 linked to its section.
    _signed_in(client, finished)
    fragment = client.get(f"/interviews/{finished.id}/report/coach").text
    assert "Why did Q2 score low?" in fragment
    assert NO_MODEL_NOTE in html.unescape(fragment)
    assert '<a href="#question-2">Q2</a>' in fragment
    assert "data-coach-suggestion" not in fragment


def test_a_model_reply_streams_and_is_stored_with_its_references(
    app: FastAPI, client: TestClient, db: Session, finished: Interview
) -> None:
    _use_model(app, QueuedLLM(MODEL_REPLY))
    response = _ask(client, finished, "Why did Q2 score low?", _signed_in(client, finished))
    assert response.text == MODEL_REPLY
    reply = _stored(db)[-1]
    assert (reply.source, reply.refs, reply.text) == ("llm", [2, 3], MODEL_REPLY)


def test_a_model_failing_midway_ends_with_the_rules_reply(
    app: FastAPI, client: TestClient, db: Session, finished: Interview
) -> None:
    _use_model(app, BreaksMidway(MODEL_REPLY))
    response = _ask(client, finished, "Why did Q2 score low?", _signed_in(client, finished))
    shown, rest = response.text.split(CUT_OFF_NOTICE)
    assert MODEL_REPLY.startswith(shown.strip())
    assert rest.strip().startswith(UNAVAILABLE_NOTE)
    assert Q2 in rest
    reply = _stored(db)[-1]
    assert (reply.source, reply.text) == ("rules", response.text)


def test_an_unavailable_model_gives_the_rules_reply_with_its_note(
    app: FastAPI, client: TestClient, finished: Interview
) -> None:
    _use_model(app, QueuedLLM(LLMUnavailable("connection refused")))
    response = _ask(client, finished, "What should I practise?", _signed_in(client, finished))
    assert response.status_code == 200
    assert response.text.startswith(UNAVAILABLE_NOTE)
    assert "Your practice plan" in response.text


def test_no_injection_makes_an_obedient_model_reveal_its_prompt(
    app: FastAPI, client: TestClient, db: Session, finished: Interview
) -> None:
    llm = RevealsItsPrompt()
    _use_model(app, llm)
    token = _signed_in(client, finished)
    for injection in INJECTIONS:
        body = _ask(client, finished, injection, token).text
        system = llm.calls[-1][0]["content"]
        assert system.startswith(COACH_INSTRUCTIONS)
        assert not leaks(body, [system]), injection
        assert COACH_INSTRUCTIONS[:60] not in body
        assert body.endswith(REFUSAL)
        # The message reached the model inside a data block, and nowhere else.
        last = llm.calls[-1][-1]["content"]
        assert _DATA_BLOCK.fullmatch(last), injection
        outside = "\n".join(_DATA_BLOCK.sub("", m["content"]) for m in llm.calls[-1])
        assert injection not in outside
        assert max(re.split(r"<[^>]*>", injection), key=len).strip() not in outside
    replies = [m.text for m in _stored(db) if m.role == "coach"]
    assert len(replies) == len(INJECTIONS)
    assert not any(leaks(text, [COACH_INSTRUCTIONS]) for text in replies)


def test_without_a_model_no_injection_is_echoed_or_reveals_a_prompt(
    client: TestClient, finished: Interview
) -> None:
    token = _signed_in(client, finished)
    for injection in INJECTIONS:
        body = _ask(client, finished, injection, token).text
        assert body.startswith(NO_MODEL_NOTE), injection
        assert not leaks(body, [COACH_INSTRUCTIONS, DATA_RULE], window=6), injection
        assert injection not in body


def test_another_users_interview_is_not_found(client: TestClient, finished: Interview) -> None:
    signup(client, "someone.else@example.com")
    token = csrf_of(client.get("/dashboard").text)
    assert client.get(f"/interviews/{finished.id}/report/coach").status_code == 404
    assert _ask(client, finished, "Why did Q2 score low?", token).status_code == 404


def test_a_message_without_the_csrf_token_is_refused(
    client: TestClient, db: Session, finished: Interview
) -> None:
    _signed_in(client, finished)
    response = _ask(client, finished, "Why did Q2 score low?", None)
    assert response.status_code == 403
    assert _stored(db) == []


def test_a_report_that_is_not_ready_is_a_conflict_with_a_reason(
    client: TestClient, db: Session, finished: Interview, start_interview: StartInterview
) -> None:
    token = _signed_in(client, finished)
    unfinished = start_interview("backend-http-status-codes")
    response = _ask(client, unfinished, "Why did Q1 score low?", token)
    assert response.status_code == 409
    assert "about a finished report" in response.json()["detail"]
    db.execute(update(Report).values(status="running"))
    db.commit()
    assert _ask(client, finished, "Why did Q2 score low?", token).status_code == 409
    assert _stored(db) == []


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("   ", "Type a question for the coach first."),
        ("x" * 1001, "limited to 1,000 characters; this one has 1,001"),
    ],
)
def test_an_empty_or_overlong_message_is_refused_with_a_reason(
    client: TestClient, db: Session, finished: Interview, message: str, reason: str
) -> None:
    response = _ask(client, finished, message, _signed_in(client, finished))
    assert response.status_code == 400
    assert reason in response.json()["detail"]
    assert _stored(db) == []


def test_too_many_messages_in_an_hour_are_refused(
    client: TestClient, db: Session, finished: Interview, user: User
) -> None:
    token = _signed_in(client, finished)
    for n in range(MESSAGES_PER_HOUR):
        service.record_question(db, finished.id, user.id, f"question {n}")
    db.commit()
    response = _ask(client, finished, "One more?", token)
    assert response.status_code == 429
    assert (
        f"{MESSAGES_PER_HOUR} messages about this report in the last hour"
        in (response.json()["detail"])
    )
    db.execute(update(CoachMessage).values(created_at=utcnow() - timedelta(minutes=61)))
    db.commit()
    assert _ask(client, finished, "One more?", token).status_code == 200


def test_what_was_sent_is_kept_when_the_candidate_leaves_midway(
    app: FastAPI, db: Session, finished: Interview, user: User
) -> None:
    report = report_of(db, finished.id)
    assert report is not None
    coach = Coach(QueuedLLM(MODEL_REPLY))
    reply = coach.reply(coach.context(db, finished, report, user.id), "Why did Q2 score low?")
    sessions = app.state.greenroom.sessions

    async def leave_after_the_first_piece() -> str:
        stream = pages._streamed(reply, sessions, finished.id, user.id)
        first = await anext(stream)
        await stream.aclose()  # what the server does when the connection drops
        return first

    first = anyio.run(leave_after_the_first_piece)
    (stored,) = _stored(db)
    assert stored.text == first
    assert MODEL_REPLY.startswith(first) and len(first) < len(MODEL_REPLY)
