"""The coaching chat in a real browser: a suggested question, a streamed reply, a working link."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from greenroom.coach.rules import NO_MODEL_NOTE
from tests.e2e.conftest import ARTIFACTS, LiveServer
from tests.e2e.test_interview_flow import VAGUE, _model_answer, _send, _set_up, _sign_up

pytestmark = pytest.mark.e2e


def _finish_two_questions(page: Page) -> None:
    """Q1 answered vaguely (twice, through the follow-up), Q2 with the model answer."""
    _send(page, VAGUE)
    expect(page.locator(".turn-follow_up")).to_have_count(1)
    _send(page, VAGUE)
    expect(page.get_by_text("Question 2 of 2")).to_be_visible()
    answer = _model_answer(page)
    done = page.get_by_role("heading", name="Interview complete")
    for _ in range(3):  # a follow-up may come first
        _send(page, answer)
        page.wait_for_load_state()
        if done.is_visible():
            break
    expect(done).to_be_visible()


def test_ask_the_coach_about_the_report(page: Page, live_server: LiveServer) -> None:
    _sign_up(page, live_server, "coach@example.com")
    _set_up(page, "2")
    _finish_two_questions(page)
    page.get_by_role("link", name="See your report").click()
    expect(page.locator("#overall-score")).to_contain_text("/100", timeout=60_000)

    coach = page.locator("#coach")
    suggestions = coach.locator("[data-coach-suggestion]")
    expect(suggestions).to_have_count(3)
    expect(suggestions.first).to_have_text("Why did Q1 score low?")
    suggestions.first.click()

    reply = coach.locator(".coach-msg-coach .coach-text").first
    expect(reply).to_contain_text(NO_MODEL_NOTE)
    expect(reply).to_contain_text("Q1 — '")
    expect(reply).to_contain_text("Key points you missed")
    expect(coach.locator(".coach-msg-candidate")).to_have_text(re.compile("Why did Q1 score low"))
    expect(coach.locator("[data-coach-suggestion]")).to_have_count(0)
    expect(page.locator("#coach-send")).to_be_enabled()

    # Enter sends; Shift+Enter only starts a new line.
    box = page.get_by_label("Your question")
    box.fill("What does STAR mean?")
    box.press("Shift+Enter")
    expect(box).to_have_value("What does STAR mean?\n")
    box.press("Enter")
    expect(coach.locator(".coach-msg-coach")).to_have_count(2)
    expect(coach.locator(".coach-msg-coach .coach-text").last).to_contain_text(
        "STAR: Situation, Task, Action, Result"
    )
    expect(box).to_have_value("")

    ARTIFACTS.mkdir(exist_ok=True)
    coach.screenshot(path=str(ARTIFACTS / "coach-chat.png"))

    link = reply.get_by_role("link", name="Q1").first
    expect(link).to_have_attribute("href", "#question-1")
    link.click()
    expect(page).to_have_url(re.compile(r"#question-1$"))
    expect(page.locator("#question-1")).to_be_in_viewport()

    # The conversation is kept: a new visit shows it, links and all.
    page.reload()
    expect(coach.locator(".coach-msg-coach")).to_have_count(2)
    expect(coach.locator('.coach-msg-coach a[href="#question-1"]').first).to_be_visible()
