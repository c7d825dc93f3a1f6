"""The practice pages through the real app: setup, the interview room, history, ownership."""

from __future__ import annotations

import html
import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from greenroom.config import Settings
from greenroom.db import make_engine, make_session_factory
from greenroom.interviews.models import Interview
from greenroom.questions.bank import load_bank
from tests.helpers import csrf_of, post_form, signup

SETUP = {
    "role": "backend",
    "interview_type": "technical",
    "level": "mid",
    "difficulty": "medium",
    "question_count": "2",
    "length_by": "questions",
    "persona": "neutral",
    "mode": "text",
    "company": "Acme",
}


def _start(client: TestClient, **changes: str) -> str:
    response = post_form(client, "/practice", "/practice", {**SETUP, **changes})
    assert response.status_code == 200, response.text
    assert re.fullmatch(r"/interviews/\d+", response.url.path)
    return response.url.path


def _texts(html: str) -> list[str]:
    return re.findall(r'<p class="turn-text">(.*?)</p>', html, re.S)


def test_setup_form_has_every_field_and_sensible_defaults(client: TestClient) -> None:
    signup(client, "setup@example.com")
    page = client.get("/practice").text
    for field in (
        "role",
        "level",
        "company",
        "technologies",
        "other_technologies",
        "job_description",
        "interview_type",
        "difficulty",
        "question_count",
        "duration_minutes",
        "persona",
        "mode",
        "notes",
    ):
        assert f'name="{field}"' in page, field
    assert page.count("<option value=") >= 20 + 6 + 3  # roles, levels, difficulties
    assert 'value="coding"' in page and "(coming soon)" in page


def test_preview_validates_as_you_type(client: TestClient) -> None:
    signup(client, "preview@example.com")
    token = csrf_of(client.get("/practice").text)
    fine = client.post(
        "/practice/preview",
        data={**SETUP, "question_count": "5", "interview_type": "mixed"},
        headers={"X-CSRF-Token": token},
    )
    assert "5 questions" in fine.text and "behavioural" in fine.text
    bad = client.post(
        "/practice/preview", data={**SETUP, "question_count": "99"}, headers={"X-CSRF-Token": token}
    )
    assert "question count" in bad.text and "15" in bad.text


def test_technology_suggestions_follow_the_role(client: TestClient) -> None:
    signup(client, "tech@example.com")
    assert 'value="react"' in client.get("/practice/technologies?role=frontend").text
    assert 'value="spark"' in client.get("/practice/technologies?role=data_engineer").text


def test_invalid_setup_is_shown_with_what_was_typed(client: TestClient) -> None:
    signup(client, "bad@example.com")
    response = post_form(
        client, "/practice", "/practice", {**SETUP, "role": "astronaut", "company": "Kept Co"}
    )
    assert response.status_code == 400
    assert "choose one of the listed roles" in response.text
    assert 'value="Kept Co"' in response.text


def _current_question(html: str) -> str:
    blocks: list[str] = re.findall(r'turn-question".*?<p class="turn-text">(.*?)</p>', html, re.S)
    return blocks[-1]


def test_a_text_interview_from_setup_to_the_end(client: TestClient) -> None:
    signup(client, "flow@example.com", name="Flo")
    room = _start(client)
    page = client.get(room).text
    assert "Question 1 of 2" in page
    assert "Flo" in _texts(page)[0]  # greeted by name
    assert "data-timer" in page
    by_text = {q.text: q for q in load_bank().questions}
    asked = []
    for _ in range(6):
        if "Interview complete" in page:
            break
        question = by_text[html.unescape(_current_question(page))]
        asked.append(question.id)
        page = post_form(client, room, f"{room}/answer", {"text": question.model_answer}).text
    assert "Interview complete" in page
    assert len(set(asked)) == 2
    assert "Retake this setup" in page


def test_drafts_are_saved_and_come_back(client: TestClient) -> None:
    signup(client, "draft@example.com")
    room = _start(client)
    token = csrf_of(client.get(room).text)
    assert (
        client.post(
            f"{room}/draft", data={"text": "half an answer"}, headers={"X-CSRF-Token": token}
        ).status_code
        == 204
    )
    assert ">half an answer</textarea>" in client.get(room).text


def test_pause_keeps_the_typed_text_and_resume_continues(client: TestClient) -> None:
    signup(client, "pause@example.com")
    room = _start(client)
    paused = post_form(client, room, f"{room}/pause", {"text": "my unfinished thought"}).text
    assert "Paused" in paused and "Resume" in paused
    refused = post_form(client, room, f"{room}/answer", {"text": "x"})
    assert "paused" in refused.text.lower()
    resumed = post_form(client, room, f"{room}/resume", {}).text
    assert ">my unfinished thought</textarea>" in resumed


def test_an_answer_over_the_limit_is_refused_and_kept(client: TestClient) -> None:
    signup(client, "long@example.com")
    room = _start(client)
    text = "a" * 8001
    page = post_form(client, room, f"{room}/answer", {"text": text}).text
    assert "the limit is 8,000" in page
    assert f">{text}</textarea>" in page


def test_history_lists_retakes_and_duplicates(client: TestClient) -> None:
    signup(client, "hist@example.com")
    assert "No interviews yet" in client.get("/history").text
    room = _start(client, company="Globex")
    history = client.get("/history").text
    assert "Globex" in history and "in progress" in history
    retake = post_form(client, "/history", f"{room}/retake", {})
    assert retake.url.path != room
    duplicate = client.get(f"/practice?from={room.rsplit('/', 1)[1]}").text
    assert 'value="Globex"' in duplicate
    assert client.get("/dashboard").text.count("Continue the interview") == 1


def test_another_users_interview_is_not_found(app: FastAPI, client: TestClient) -> None:
    signup(client, "owner@example.com")
    room = _start(client)
    with TestClient(app) as other:
        signup(other, "intruder@example.com")
        assert other.get(room).status_code == 404
        token = csrf_of(other.get("/practice").text)
        response = other.post(f"{room}/answer", data={"text": "hi", "csrf_token": token})
        assert response.status_code == 404
        assert other.get(f"/api/v1/interviews/{room.rsplit('/', 1)[1]}").status_code == 404


def test_reopening_resumes_at_the_exact_turn(client: TestClient, settings: Settings) -> None:
    signup(client, "resume@example.com")
    room = _start(client)
    post_form(client, room, f"{room}/answer", {"text": "I would look it up, not sure."})
    before = _texts(client.get(room).text)
    with TestClient(client.app) as fresh:  # another browser, same account
        fresh.cookies.update(client.cookies)
        assert _texts(fresh.get(room).text) == before
    engine = make_engine(settings.resolved_database_url)
    with make_session_factory(engine).begin() as db:
        db.execute(update(Interview).values(draft_text="kept across restarts"))
    engine.dispose()
    assert "kept across restarts</textarea>" in client.get(room).text
