"""Accounts in a real browser: sign up, two-factor, log in with a code and a recovery code."""

from __future__ import annotations

import time

import pyotp
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.e2e
EMAIL = "grace@example.com"
PASSWORD = "compilers are friendly creatures"


def _log_in(page: Page, server: LiveServer) -> None:
    page.goto(f"{server.url}/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Two-factor check")).to_be_visible()


def _log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out", exact=True).click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()


def test_signup_two_factor_and_recovery_code(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url)
    expect(
        page.get_by_role("heading", name="Practise the interview before it counts.")
    ).to_be_visible()
    page.get_by_role("link", name="Create a free account").click()
    page.get_by_label("Display name").fill("Grace")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill("qwerty123456")
    expect(page.locator("#password-check")).to_contain_text("commonly used")  # HTMX as you type
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    expect(page.locator("#password-check")).to_contain_text("can be used")
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Welcome, Grace")).to_be_visible()

    page.get_by_role("link", name="turn it on").click()
    page.get_by_role("link", name="Turn on two-factor authentication").click()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    totp = pyotp.TOTP(page.locator("#totp-secret").inner_text().strip())
    page.get_by_label("Code", exact=True).fill(totp.now())
    page.get_by_role("button", name="Confirm and turn on").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="I have saved them").click()
    expect(page.get_by_text("On", exact=True)).to_be_visible()

    _log_out(page)
    _log_in(page, live_server)
    page.get_by_label("Code from your authenticator app").fill(totp.at(time.time() + 30))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Welcome, Grace")).to_be_visible()

    _log_out(page)
    _log_in(page, live_server)
    page.get_by_label("Code from your authenticator app").fill(codes[0])
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("You signed in with a recovery code; 9 left.")).to_be_visible()
    expect(page.get_by_role("heading", name="Welcome, Grace")).to_be_visible()

    _log_out(page)
    _log_in(page, live_server)
    page.get_by_label("Code from your authenticator app").fill(codes[0])
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert")).to_contain_text("That code is not valid")
    page.goto(f"{live_server.url}/dashboard")
    expect(page).to_have_url(f"{live_server.url}/login?next=/dashboard")

    log = live_server.log_text()
    for secret in (PASSWORD, totp.secret, *codes):
        assert secret not in log


def test_destructive_actions_ask_first(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/signup")
    page.get_by_label("Display name").fill("Linus")
    page.get_by_label("Email").fill("linus@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    expect(page.locator("#password-check")).to_contain_text("can be used")
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.goto(f"{live_server.url}/settings/tokens")
    page.get_by_label("Name").fill("laptop")
    page.get_by_role("button", name="Create token").click()
    expect(page.locator("#new-token")).to_contain_text("grt_")

    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Revoke").click()
    expect(page.locator("#tokens")).to_contain_text("laptop")  # dismissed: nothing happened
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("Token revoked.")).to_be_visible()
    expect(page.get_by_text("You have no tokens.")).to_be_visible()


def test_keyboard_reaches_the_form_and_pages_fit_a_phone(
    page: Page, live_server: LiveServer
) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(live_server.url)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.goto(f"{live_server.url}/login")
    expect(page.get_by_label("Email")).to_be_focused()  # autofocus
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, "the page scrolls sideways on a phone"
