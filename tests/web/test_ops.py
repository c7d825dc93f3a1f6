"""Health, readiness, metrics and the structured logs (which never carry a secret)."""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from greenroom.app import create_app
from greenroom.config import Settings
from greenroom.observability import JsonFormatter
from tests.helpers import PASSWORD, login, logout, new_token, post_form, signup


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    deadline = time.monotonic() + 60  # the embedding model loads in the background
    while (ready := client.get("/readyz")).status_code == 503 and time.monotonic() < deadline:
        assert ready.json()["models"] == "loading"
        time.sleep(0.2)
    assert ready.json() == {"status": "ok", "database": "ok", "models": "ok"}


def test_readiness_fails_when_the_database_is_unreachable(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        secret_key=SecretStr("s" * 40),
        database_url="postgresql+psycopg://nobody@127.0.0.1:1/none",
        _env_file=None,
    )
    with TestClient(create_app(settings)) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_metrics_count_requests_by_route(client: TestClient) -> None:
    client.get("/healthz")
    client.get("/no-such-page")
    body = client.get("/metrics").text
    assert 'greenroom_http_requests_total{method="GET",route="/healthz",status="200"} 1.0' in body
    assert 'route="unmatched",status="404"' in body
    assert "greenroom_http_request_duration_seconds_bucket" in body


def test_request_id_is_returned_and_kept_when_sane(client: TestClient) -> None:
    assert len(client.get("/healthz").headers["x-request-id"]) == 32
    kept = client.get("/healthz", headers={"X-Request-ID": "abc123def456"})
    assert kept.headers["x-request-id"] == "abc123def456"
    replaced = client.get("/healthz", headers={"X-Request-ID": "bad id\n"})
    assert replaced.headers["x-request-id"] != "bad id\n"


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(previous)


def test_logs_are_json_with_request_ids_and_never_contain_secrets(
    client: TestClient, json_log: io.StringIO
) -> None:
    signup(client, "logs@example.com")
    page = client.get("/settings/security/totp").text
    secret = page.split('id="totp-secret">')[1].split("<")[0]
    code = pyotp.TOTP(secret).now()
    done = post_form(client, "/settings/security/totp", "/settings/security/totp", {"code": code})
    recovery = [c.split("</code>")[0] for c in done.text.split("<li><code>")[1:]]
    api_token = new_token(client, "t")
    client.get("/api/v1/me", headers={"Authorization": f"Bearer {api_token}"})
    logout(client)
    login(client, "logs@example.com")
    post_form(
        client, "/login/verify", "/login/verify", {"code": pyotp.TOTP(secret).at(time.time() + 30)}
    )
    logging.getLogger("greenroom.test").info(
        "probe", extra={"password": PASSWORD, "note": f"Bearer {api_token}"}
    )
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    assert any(line.get("route") == "/login" and line["request_id"] != "-" for line in lines)
    text = json_log.getvalue()
    client_cookie = client.cookies.get("gr_session") or "absent"
    for value in (PASSWORD, secret, code, api_token, *recovery, client_cookie):
        assert value not in text
    assert '"password": "[redacted]"' in text
