"""A text interview in a real browser, and one that survives the server being killed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from greenroom.db import make_engine, make_session_factory
from greenroom.interviews.models import Interview
from greenroom.questions.bank import load_bank
from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.e2e
PASSWORD = "interviews are conversations"
VAGUE = "I am not completely sure, I would probably look it up and ask a colleague."


def _sign_up(page: Page, server: LiveServer, email: str) -> None:
    page.goto(f"{server.url}/signup")
    page.get_by_label("Display name").fill("Ada")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    expect(page.locator("#password-check")).to_contain_text("can be used")
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Welcome, Ada")).to_be_visible()


def _set_up(page: Page, count: str) -> None:
    page.get_by_role("link", name="Practice").click()
    page.get_by_label("Target role").select_option("backend")
    page.get_by_label("Interview type").select_option("technical")
    page.get_by_label("Number of questions", exact=True).fill(count)
    expect(page.locator("#setup-preview")).to_contain_text(f"{count} questions")
    page.get_by_role("button", name="Start the interview").click()
    expect(page.get_by_text("Question 1 of")).to_be_visible()


def _current_question_text(page: Page) -> str:
    return page.locator(".turn-question .turn-text").last.inner_text()


def _model_answer(page: Page) -> str:
    text = _current_question_text(page)
    return next(q.model_answer for q in load_bank().questions if q.text == text)


def _send(page: Page, text: str) -> None:
    # Ctrl+Enter is wired by a module script, which runs only once the page has parsed: the
    # question can be visible before that, and a key pressed then is lost.
    page.wait_for_load_state()
    box = page.get_by_label("Your answer")
    box.fill(text)
    # Sending posts the form; the next page carries the interviewer's reply. Waiting for it
    # keeps a caller's "is the interview complete yet?" from reading the page being left.
    with page.expect_navigation(timeout=60_000):
        box.press("Control+Enter")


def test_three_question_text_interview_with_a_follow_up(
    page: Page, live_server: LiveServer
) -> None:
    _sign_up(page, live_server, "ada@example.com")
    _set_up(page, "3")
    expect(page.locator("[data-timer-value]")).to_have_text(re.compile(r"0:0[1-9]"))
    _send(page, VAGUE)
    expect(page.locator(".turn-follow_up")).to_have_count(1)
    expect(page.get_by_text("Question 1 of 3")).to_be_visible()
    _send(page, VAGUE)
    expect(page.get_by_text("Question 2 of 3")).to_be_visible()
    page.get_by_role("button", name="I need a moment").click()
    expect(page.locator(".turn-moment_reply")).to_contain_text("take a moment")
    for number in (2, 3):
        expect(page.get_by_text(f"Question {number} of 3")).to_be_visible()
        answer = _model_answer(page)
        _send(page, answer)
        if (
            page.locator(".turn-follow_up").count() > 1
            and page.get_by_text(f"Question {number} of 3").is_visible()
        ):
            _send(page, answer)
    expect(page.get_by_role("heading", name="Interview complete")).to_be_visible()
    expect(page.locator("#summary tbody tr")).to_have_count(3)
    page.get_by_role("link", name="See your report").click()
    expect(page.locator("#overall-score")).to_contain_text("/100", timeout=60_000)
    expect(page.locator("#categories")).to_contain_text("Technical knowledge")
    expect(page.locator(".question-report")).to_have_count(3)
    expect(page.locator(".kp-missed").first).to_contain_text("missed")
    assert page.evaluate("document.getElementById('radar-chart').width") > 0
    page.get_by_role("link", name="History").click()
    expect(page.locator("#history")).to_contain_text("completed")


def test_the_interview_survives_a_killed_server(page: Page, live_server: LiveServer) -> None:
    _sign_up(page, live_server, "grace@example.com")
    _set_up(page, "2")
    room = page.url
    _send(page, VAGUE)
    expect(page.locator(".turn-follow_up")).to_have_count(1)
    page.get_by_label("Your answer").fill("a draft typed just before the crash")
    expect(page.locator("[data-draft-status]")).to_have_text("Draft saved.")
    transcript = page.locator(".turn-text").all_inner_texts()

    live_server.kill()
    live_server.start()

    page.goto(room)
    assert page.locator(".turn-text").all_inner_texts() == transcript
    expect(page.get_by_label("Your answer")).to_have_value("a draft typed just before the crash")
    _send(page, VAGUE)
    expect(page.get_by_text("Question 2 of 2")).to_be_visible()
    _send(page, _model_answer(page))
    if not page.get_by_role("heading", name="Interview complete").is_visible():
        _send(page, VAGUE)
    expect(page.get_by_role("heading", name="Interview complete")).to_be_visible()

    engine = make_engine(live_server.database_url)
    with make_session_factory(engine)() as db:
        interview = db.scalars(select(Interview)).one()
        kinds = [turn.kind for turn in interview.turns]
        seqs = [turn.seq for turn in interview.turns]
    engine.dispose()
    assert kinds[:5] == ["greeting", "question", "answer", "follow_up", "answer"]
    assert kinds[-1] == "closing"
    assert seqs == list(range(1, len(seqs) + 1))
