"""Set up by chat in a real browser: describe the interview, review the form, start it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS, LiveServer
from tests.e2e.test_interview_flow import _sign_up

pytestmark = pytest.mark.e2e


def _say(page: Page, message: str) -> None:
    box = page.get_by_label("Your message")
    expect(box).to_be_focused()  # focus is back in the box after every turn
    box.fill(message)
    box.press("Enter")


def _summary(page: Page, label: str) -> str:
    return page.locator("#chat-summary div").filter(has_text=label).locator("dd").inner_text()


def test_an_interview_set_up_by_chat(page: Page, live_server: LiveServer) -> None:
    _sign_up(page, live_server, "chat@example.com")
    page.get_by_role("link", name="Practice").click()
    page.get_by_role("link", name="Set up by chat").click()
    expect(page.get_by_role("heading", name="Describe your interview")).to_be_visible()
    expect(page.locator(".chat-intro")).to_contain_text("For example")
    ARTIFACTS.mkdir(exist_ok=True)
    # Hiding the caret takes an inline style, which the page's CSP refuses (as it should).
    page.screenshot(path=str(ARTIFACTS / "setup-chat-empty.png"), caret="initial")

    _say(page, "Senior backend interview at Acme, Python and PostgreSQL")
    expect(page.locator(".turn-candidate")).to_have_count(1)
    expect(page.locator(".turn-interviewer").last).to_contain_text("What kind of interview")
    assert _summary(page, "Role") == "Backend engineer"
    assert _summary(page, "Level") == "Senior"
    assert _summary(page, "Company") == "Acme"

    _say(page, "A technical one, 2 questions, tough interviewer please")
    expect(page.locator(".turn-candidate")).to_have_count(2)
    expect(page.locator(".turn-interviewer").last).to_contain_text("Here is your interview")
    assert _summary(page, "Interview type") == "technical"
    assert _summary(page, "Questions") == "2"
    assert _summary(page, "Interviewer") == "tough"
    assert _summary(page, "Technologies") == "python, postgresql"
    page.screenshot(path=str(ARTIFACTS / "setup-chat.png"), full_page=True)

    page.get_by_role("button", name="Review and start").click()
    expect(page.get_by_text("Filled in from your chat")).to_be_visible()
    expect(page.get_by_label("Target role")).to_have_value("backend")
    expect(page.get_by_label("Experience level")).to_have_value("senior")
    expect(page.get_by_label("Interview type")).to_have_value("technical")
    expect(page.get_by_label("Interviewer", exact=True)).to_have_value("tough")
    expect(page.get_by_label("Target company")).to_have_value("Acme")
    expect(page.get_by_label("Number of questions", exact=True)).to_have_value("2")
    expect(page.locator("#setup-preview")).to_contain_text("2 questions")
    page.screenshot(path=str(ARTIFACTS / "setup-chat-review.png"), full_page=True)

    page.get_by_role("button", name="Start the interview").click()
    expect(page.get_by_text("Question 1 of 2")).to_be_visible()
    expect(page.locator(".turn-question .turn-text")).to_have_count(1)
