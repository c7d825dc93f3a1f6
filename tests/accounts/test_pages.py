"""Sign-up, log-in, log-out, settings and admin pages through the real app and database."""

from __future__ import annotations

import time

import pyotp
import pytest
from fastapi.testclient import TestClient

from tests.helpers import PASSWORD, csrf_of, login, logout, post_form, signup


def test_signup_logs_in_and_shows_dashboard(client: TestClient) -> None:
    response = signup(client, "ada@example.com")
    assert response.status_code == 200
    assert str(response.url).endswith("/dashboard")
    assert "Welcome to Greenroom, Ada Candidate." in response.text
    for label in ("Dashboard", "Practice", "History", "Settings"):
        assert f">{label}</a>" in response.text


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "at least 12 characters"),
        ("passwordpassword", "repeats itself"),
        ("password1234!", "commonly used passwords"),
        ("aaaaaaaaaaaaaaaa", "repeats itself"),
    ],
)
def test_signup_refuses_weak_passwords(client: TestClient, password: str, message: str) -> None:
    response = signup(client, "weak@example.com", password=password)
    assert response.status_code == 400
    assert message in response.text
    assert 'value="weak@example.com"' in response.text  # what was typed is kept


def test_signup_refuses_duplicate_email_and_bad_email(client: TestClient) -> None:
    signup(client, "dup@example.com")
    logout(client)
    again = signup(client, "DUP@example.com ")
    assert again.status_code == 400
    assert "already exists" in again.text
    bad = signup(client, "not-an-email")
    assert bad.status_code == 400
    assert "valid email" in bad.text


def test_password_check_fragment_explains_as_you_type(client: TestClient) -> None:
    token = csrf_of(client.get("/signup").text)
    weak = client.post(
        "/signup/check-password", data={"password": "qwerty123456"}, headers={"X-CSRF-Token": token}
    )
    assert "commonly used" in weak.text
    fine = client.post(
        "/signup/check-password", data={"password": PASSWORD}, headers={"X-CSRF-Token": token}
    )
    assert "can be used" in fine.text


def test_login_logout_and_wrong_password(client: TestClient) -> None:
    signup(client, "bo@example.com")
    logout(client)
    assert client.get("/dashboard").url.path == "/login"
    wrong = login(client, "bo@example.com", "not the right password")
    assert wrong.status_code == 400
    assert "Incorrect email or password." in wrong.text
    unknown = login(client, "nobody@example.com", "not the right password")
    assert "Incorrect email or password." in unknown.text  # same answer: no account probing
    ok = login(client, "bo@example.com")
    assert ok.url.path == "/dashboard"


def test_login_redirects_back_to_the_page_asked_for_but_never_off_site(client: TestClient) -> None:
    signup(client, "next@example.com")
    logout(client)
    first = client.get("/settings/activity")
    assert first.url.path == "/login"
    page = client.get("/login?next=/settings/activity").text
    response = client.post(
        "/login",
        data={
            "email": "next@example.com",
            "password": PASSWORD,
            "next": "/settings/activity",
            "csrf_token": csrf_of(page),
        },
    )
    assert response.url.path == "/settings/activity"
    logout(client)
    page = client.get("/login").text
    response = client.post(
        "/login",
        data={
            "email": "next@example.com",
            "password": PASSWORD,
            "next": "//evil.example/",
            "csrf_token": csrf_of(page),
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/dashboard"


def test_profile_update_and_validation(client: TestClient) -> None:
    signup(client, "pro@example.com")
    saved = post_form(
        client,
        "/settings/profile",
        "/settings/profile",
        {
            "display_name": "Pro Candidate",
            "bio": "Backend person.",
            "target_roles": "Backend engineer, Data engineer",
        },
    )
    assert "Profile saved." in saved.text
    assert 'value="Backend engineer, Data engineer"' in saved.text
    refused = post_form(
        client,
        "/settings/profile",
        "/settings/profile",
        {"display_name": "", "bio": "", "target_roles": ""},
    )
    assert refused.status_code == 400
    assert "display name" in refused.text


def test_password_change_ends_other_sessions(app: object, client: TestClient) -> None:
    signup(client, "pw@example.com")
    with TestClient(app) as other:  # type: ignore[arg-type]
        login(other, "pw@example.com")
        assert other.get("/dashboard").url.path == "/dashboard"
        new = "a brand new long passphrase"
        changed = post_form(
            client,
            "/settings/password",
            "/settings/password",
            {"current_password": PASSWORD, "new_password": new, "new_password_confirm": new},
        )
        assert "Password changed. 1 other session signed out." in changed.text
        assert other.get("/dashboard").url.path == "/login"
    assert client.get("/dashboard").url.path == "/dashboard"
    logout(client)
    assert login(client, "pw@example.com").status_code == 400
    assert login(client, "pw@example.com", new).url.path == "/dashboard"


def test_wrong_current_password_keeps_the_old_one(client: TestClient) -> None:
    signup(client, "pw2@example.com")
    response = post_form(
        client,
        "/settings/password",
        "/settings/password",
        {
            "current_password": "wrong wrong wrong",
            "new_password": "another long passphrase",
            "new_password_confirm": "another long passphrase",
        },
    )
    assert response.status_code == 400
    assert "current password is not correct" in response.text


def _enable_totp(client: TestClient) -> tuple[pyotp.TOTP, list[str]]:
    page = client.get("/settings/security/totp").text
    secret = page.split('id="totp-secret">')[1].split("<")[0]
    totp = pyotp.TOTP(secret)
    done = post_form(
        client, "/settings/security/totp", "/settings/security/totp", {"code": totp.now()}
    )
    assert "Two-factor authentication is on." in done.text
    codes = [chunk.split("</code>")[0] for chunk in done.text.split("<li><code>")[1:]]
    assert len(codes) == 10
    return totp, codes


def test_totp_enable_login_and_disable(client: TestClient) -> None:
    signup(client, "tfa@example.com")
    page = client.get("/settings/security/totp").text
    assert "<svg" in page  # the QR code is drawn inline
    wrong = post_form(
        client, "/settings/security/totp", "/settings/security/totp", {"code": "000000"}
    )
    assert wrong.status_code == 400
    totp, codes = _enable_totp(client)
    logout(client)
    after_password = login(client, "tfa@example.com")
    assert after_password.url.path == "/login/verify"
    assert client.get("/dashboard").url.path == "/login"  # no session before the second factor
    bad = post_form(client, "/login/verify", "/login/verify", {"code": "123456"})
    assert bad.status_code == 400
    good = post_form(client, "/login/verify", "/login/verify", {"code": totp.at(time.time() + 30)})
    assert good.url.path == "/dashboard"
    replay = post_form(
        client,
        "/settings/security",
        "/settings/security/totp/disable",
        {"code": totp.at(time.time() + 30)},
    )
    assert "That code is not valid" in replay.text  # a code is accepted once only
    off = post_form(
        client, "/settings/security", "/settings/security/totp/disable", {"code": codes[0]}
    )
    assert "Two-factor authentication is off." in off.text
    logout(client)
    assert login(client, "tfa@example.com").url.path == "/dashboard"


def test_recovery_code_works_once(client: TestClient) -> None:
    signup(client, "rc@example.com")
    _, codes = _enable_totp(client)
    logout(client)
    login(client, "rc@example.com")
    used = post_form(client, "/login/verify", "/login/verify", {"code": codes[3].upper()})
    assert used.url.path == "/dashboard"
    assert "9 left" in used.text
    logout(client)
    login(client, "rc@example.com")
    again = post_form(client, "/login/verify", "/login/verify", {"code": codes[3]})
    assert again.status_code == 400
    assert client.get("/dashboard").url.path == "/login"


def test_verify_page_without_password_step_goes_back_to_login(client: TestClient) -> None:
    response = client.get("/login/verify")
    assert response.url.path == "/login"
    assert "Enter your email and password first." in response.text


def test_logout_everywhere_ends_all_sessions(app: object, client: TestClient) -> None:
    signup(client, "all@example.com")
    with TestClient(app) as other:  # type: ignore[arg-type]
        login(other, "all@example.com")
        response = post_form(
            client, "/settings/security", "/settings/security/logout-everywhere", {}
        )
        assert "Signed out of 2 session(s) everywhere." in response.text
        assert other.get("/dashboard").url.path == "/login"
    assert client.get("/dashboard").url.path == "/login"


def test_activity_log_records_security_events(client: TestClient) -> None:
    signup(client, "log@example.com")
    logout(client)
    login(client, "log@example.com", "wrong password here")
    login(client, "log@example.com")
    page = client.get("/settings/activity").text
    for kind in ("signup", "login failed", "logout", "login"):
        assert f"<td>{kind}</td>" in page
    assert "testclient" in page  # the client address


def test_tokens_page_creates_shows_once_and_revokes(client: TestClient) -> None:
    signup(client, "tok@example.com")
    created = post_form(client, "/settings/tokens", "/settings/tokens", {"name": "laptop"})
    secret = created.text.split('id="new-token">')[1].split("<")[0]
    assert secret.startswith("grt_")
    listing = client.get("/settings/tokens").text
    assert secret not in listing
    assert "laptop" in listing
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).json()["email"]
        == "tok@example.com"
    )
    token_id = listing.split("/settings/tokens/")[1].split("/revoke")[0]
    revoked = post_form(client, "/settings/tokens", f"/settings/tokens/{token_id}/revoke", {})
    assert "Token revoked." in revoked.text
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    )


def test_not_found_page_is_friendly(client: TestClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "Go home" in response.text
