"""CSRF, session fixation, brute force, isolation between users, expiry, and the admin page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from greenroom.accounts.models import Role, User, UserSession
from greenroom.app import ROUTERS
from greenroom.config import Settings
from greenroom.db import make_engine, make_session_factory, utcnow
from tests.helpers import PASSWORD, csrf_of, login, logout, new_token, post_form, signup


def _form_routes() -> list[str]:
    """Every state-changing route that is not the JSON API, with path ids filled in."""
    paths = []
    routes = [route for router in ROUTERS for route in router.routes]
    for route in routes:
        if not isinstance(route, APIRoute) or route.path.startswith("/api/"):
            continue
        if (route.methods or set()) & {"POST", "PUT", "PATCH", "DELETE"}:
            paths.append(re.sub(r"\{[^}]+\}", "1", route.path))
    return paths


def test_every_form_refuses_a_post_without_a_valid_csrf_token(
    app: FastAPI, client: TestClient
) -> None:
    signup(client, "csrf@example.com")
    paths = _form_routes()
    assert "/logout" in paths and "/settings/password" in paths and len(paths) >= 12
    for path in paths:
        missing = client.post(path, data={"x": "1"}, follow_redirects=False)
        assert missing.status_code == 403, path
        forged = client.post(path, data={"csrf_token": "0" * 64}, follow_redirects=False)
        assert forged.status_code == 403, path
    assert client.get("/dashboard").url.path == "/dashboard"  # still signed in: logout refused


def test_cross_site_origin_is_refused_even_with_a_token(client: TestClient) -> None:
    signup(client, "origin@example.com")
    token = csrf_of(client.get("/settings/profile").text)
    response = client.post(
        "/settings/profile",
        data={"csrf_token": token, "display_name": "X"},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403


def test_a_token_from_another_browser_is_refused(app: FastAPI, client: TestClient) -> None:
    signup(client, "victim@example.com")
    with TestClient(app) as attacker:
        attacker_token = csrf_of(attacker.get("/login").text)
    response = client.post(
        "/settings/profile", data={"csrf_token": attacker_token, "display_name": "Pwned"}
    )
    assert response.status_code == 403


def test_session_id_changes_at_login_and_a_planted_id_is_useless(client: TestClient) -> None:
    signup(client, "fix@example.com")
    first = client.cookies.get("gr_session")
    logout(client)
    client.cookies.set("gr_session", "attacker-chosen-value", domain="testserver.local")
    login(client, "fix@example.com")
    second = client.cookies.get("gr_session", domain="testserver.local")
    assert second and second not in {first, "attacker-chosen-value"}
    login_again = post_form(client, "/dashboard", "/logout", {})
    assert login_again.url.path == "/"


def test_session_cookie_flags(client: TestClient) -> None:
    page = client.get("/signup").text
    response = client.post(
        "/signup",
        follow_redirects=False,
        data={
            "email": "flags@example.com",
            "display_name": "F",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
            "csrf_token": csrf_of(page),
        },
    )
    cookie = next(v for v in response.headers.get_list("set-cookie") if v.startswith("gr_session"))
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()


def test_repeated_wrong_passwords_lock_the_account_with_a_clear_message(
    client: TestClient, settings: Settings
) -> None:
    signup(client, "brute@example.com")
    logout(client)
    for _ in range(settings.login_max_failures_per_account):
        assert login(client, "brute@example.com", "wrong guess number").status_code == 400
    locked = login(client, "brute@example.com")  # even the right password waits
    assert locked.status_code == 429
    assert "Too many failed attempts. Try again in 15 minutes." in locked.text
    assert int(locked.headers["retry-after"]) > 0


def test_many_accounts_from_one_address_are_throttled(app: FastAPI, settings: Settings) -> None:
    with TestClient(app, client=("203.0.113.9", 5000)) as client:
        for n in range(settings.login_max_failures_per_address):
            login(client, f"spray{n}@example.com", "password guess 1")
        assert login(client, "another@example.com", "password guess 1").status_code == 429
    with TestClient(app, client=("198.51.100.7", 5000)) as other:
        assert login(other, "another@example.com", "password guess 1").status_code == 400


def test_second_factor_guesses_count_against_the_same_limit(
    client: TestClient, settings: Settings
) -> None:
    from tests.accounts.test_pages import _enable_totp

    signup(client, "guess@example.com")
    _enable_totp(client)
    logout(client)
    login(client, "guess@example.com")
    for _ in range(settings.login_max_failures_per_account):
        post_form(client, "/login/verify", "/login/verify", {"code": "111111"})
    blocked = post_form(client, "/login/verify", "/login/verify", {"code": "222222"})
    assert blocked.status_code == 429


def _age_sessions(settings: Settings, **delta: float) -> None:
    engine = make_engine(settings.resolved_database_url)
    with make_session_factory(engine).begin() as db:
        past = utcnow() - timedelta(**delta)
        db.execute(update(UserSession).values(last_seen_at=past, created_at=past))
    engine.dispose()


def test_idle_session_is_refused(client: TestClient, settings: Settings) -> None:
    signup(client, "idle@example.com")
    _age_sessions(settings, minutes=settings.session_idle_minutes + 1)
    response = client.get("/settings/profile")
    assert response.url.path == "/login"
    assert "Your session expired" in response.text
    assert client.get("/api/v1/me").status_code == 401


def test_session_past_its_absolute_lifetime_is_refused(
    client: TestClient, settings: Settings
) -> None:
    signup(client, "old@example.com")
    engine = make_engine(settings.resolved_database_url)
    with make_session_factory(engine).begin() as db:
        db.execute(
            update(UserSession).values(
                created_at=utcnow() - timedelta(hours=settings.session_absolute_hours, minutes=1)
            )
        )
    engine.dispose()
    assert client.get("/dashboard").url.path == "/login"


def test_users_cannot_see_each_others_activity_or_tokens(app: FastAPI, client: TestClient) -> None:
    signup(client, "alice@example.com", name="Alice")
    alice_secret = new_token(client, "alice-script")
    alice_tokens = client.get(
        "/api/v1/me/tokens", headers={"Authorization": f"Bearer {alice_secret}"}
    ).json()
    alice_token_id = alice_tokens[0]["id"]
    with TestClient(app) as bob:
        signup(bob, "bob@example.com", name="Bob")
        assert "alice-script" not in bob.get("/settings/tokens").text
        assert "alice" not in bob.get("/settings/activity").text.lower()
        bob_secret = new_token(bob, "b")
        auth = {"Authorization": f"Bearer {bob_secret}"}
        assert all(
            t["name"] != "alice-script" for t in bob.get("/api/v1/me/tokens", headers=auth).json()
        )
        assert all(
            "alice" not in str(e).lower()
            for e in bob.get("/api/v1/me/activity", headers=auth).json()
        )
        assert bob.delete(f"/api/v1/me/tokens/{alice_token_id}", headers=auth).status_code == 404
        refused = post_form(
            bob, "/settings/tokens", f"/settings/tokens/{alice_token_id}/revoke", {}
        )
        assert "No such token." in refused.text
        assert bob.get("/api/v1/admin/users", headers=auth).status_code == 403
        assert bob.get("/admin/users").status_code == 403
    still = client.get("/api/v1/me", headers={"Authorization": f"Bearer {alice_secret}"})
    assert still.status_code == 200


def _make_admin(settings: Settings, email: str) -> None:
    engine = make_engine(settings.resolved_database_url)
    with make_session_factory(engine).begin() as db:
        db.execute(update(User).where(User.email == email).values(role=Role.ADMIN.value))
    engine.dispose()


def test_admin_lists_users_and_changes_roles(
    client: TestClient, settings: Settings, db: Session
) -> None:
    signup(client, "root@example.com", name="Root")
    logout(client)
    signup(client, "cand@example.com", name="Cand")
    logout(client)
    _make_admin(settings, "root@example.com")
    login(client, "root@example.com")
    page = client.get("/admin/users")
    assert page.status_code == 200 and "cand@example.com" in page.text
    cand_id = db.scalar(select(User.id).where(User.email == "cand@example.com"))
    changed = post_form(
        client, "/admin/users", f"/admin/users/{cand_id}/role", {"role": "interviewer"}
    )
    assert "cand@example.com is now interviewer." in changed.text
    root_id = db.scalar(select(User.id).where(User.email == "root@example.com"))
    last = post_form(client, "/admin/users", f"/admin/users/{root_id}/role", {"role": "candidate"})
    assert "last admin" in last.text
    bogus = post_form(client, "/admin/users", f"/admin/users/{cand_id}/role", {"role": "god"})
    assert "Unknown role" in bogus.text


@pytest.mark.parametrize("path", ["/dashboard", "/settings/profile", "/admin/users", "/history"])
def test_pages_need_a_login(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


def test_security_headers_are_set(client: TestClient) -> None:
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
