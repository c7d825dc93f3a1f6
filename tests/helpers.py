"""Small helpers for driving the web app through its real forms."""

from __future__ import annotations

import re
import time

from fastapi.testclient import TestClient
from httpx2 import Response

PASSWORD = "correct horse battery staple"
_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "page has no CSRF field"
    return match.group(1)


def post_form(
    client: TestClient,
    page: str,
    action: str,
    data: dict[str, str],
    *,
    follow_redirects: bool = True,
) -> Response:
    """Opens `page`, takes its CSRF token and posts `data` to `action`, as a browser would."""
    token = csrf_of(client.get(page).text)
    response: Response = client.post(
        action, data={**data, "csrf_token": token}, follow_redirects=follow_redirects
    )
    return response


def signup(
    client: TestClient, email: str, password: str = PASSWORD, name: str = "Ada Candidate"
) -> Response:
    return post_form(
        client,
        "/signup",
        "/signup",
        {
            "email": email,
            "display_name": name,
            "password": password,
            "password_confirm": password,
        },
    )


def login(client: TestClient, email: str, password: str = PASSWORD) -> Response:
    return post_form(client, "/login", "/login", {"email": email, "password": password})


def logout(client: TestClient) -> Response:
    return post_form(client, "/dashboard", "/logout", {})


def new_token(client: TestClient, name: str = "script") -> str:
    """Creates a personal access token on the tokens page and returns its secret."""
    page = post_form(client, "/settings/tokens", "/settings/tokens", {"name": name}).text
    return page.split('id="new-token">')[1].split("<")[0]


def start_practice(client: TestClient, **setup: str) -> str:
    """Sets up a one-question backend interview through the form; returns its room's path."""
    fields = {"role": "backend", "interview_type": "technical", "question_count": "1", **setup}
    created = post_form(client, "/practice", "/practice", fields, follow_redirects=False)
    assert created.status_code == 303, created.text
    return str(created.headers["location"])


def finished_report(client: TestClient, room: str, limit_s: float = 60) -> str:
    """The report page of an ended interview once it is built (it builds in the background)."""
    deadline = time.monotonic() + limit_s
    page = client.get(f"{room}/report").text
    while "Scoring your answers" in page and time.monotonic() < deadline:
        time.sleep(0.3)
        page = client.get(f"{room}/report").text
    return page
