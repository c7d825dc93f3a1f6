"""The accounts JSON API: bearer tokens, browser sessions with the CSRF header, admin routes."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.helpers import csrf_of, new_token, signup

_token = new_token


def test_api_needs_authentication(client: TestClient) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    bad = client.get("/api/v1/me", headers={"Authorization": "Bearer grt_not-a-real-token"})
    assert bad.status_code == 401


def test_profile_read_and_update_with_a_token(client: TestClient) -> None:
    signup(client, "api@example.com", name="Api User")
    auth = {"Authorization": f"Bearer {_token(client)}"}
    client.cookies.clear()  # the token alone authenticates
    me = client.get("/api/v1/me", headers=auth).json()
    assert me["email"] == "api@example.com" and me["role"] == "candidate"
    assert me["totp_enabled"] is False
    updated = client.patch(
        "/api/v1/me",
        headers=auth,
        json={"display_name": "Renamed", "bio": "hi", "target_roles": ["Data engineer"]},
    )
    assert updated.status_code == 200
    assert updated.json()["display_name"] == "Renamed"
    invalid = client.patch("/api/v1/me", headers=auth, json={"display_name": ""})
    assert invalid.status_code == 422
    activity = client.get("/api/v1/me/activity", headers=auth).json()
    assert [event["kind"] for event in activity][:2] == ["profile_updated", "token_created"]


def test_token_lifecycle_through_the_api(client: TestClient) -> None:
    signup(client, "life@example.com")
    auth = {"Authorization": f"Bearer {_token(client)}"}
    created = client.post("/api/v1/me/tokens", headers=auth, json={"name": "ci"})
    assert created.status_code == 201
    body = created.json()
    assert body["token"].startswith("grt_") and body["prefix"] == body["token"][:10]
    listed = client.get("/api/v1/me/tokens", headers=auth).json()
    assert {t["name"] for t in listed} == {"script", "ci"}
    assert all("token" not in t for t in listed)  # the secret is never listed
    assert client.delete(f"/api/v1/me/tokens/{body['id']}", headers=auth).status_code == 204
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"}).status_code
        == 401
    )
    assert client.delete(f"/api/v1/me/tokens/{body['id']}", headers=auth).status_code == 404


def test_browser_session_can_call_the_api_but_must_send_csrf_to_change_state(
    client: TestClient,
) -> None:
    signup(client, "cookie@example.com")
    assert client.get("/api/v1/me").json()["email"] == "cookie@example.com"
    refused = client.patch("/api/v1/me", json={"display_name": "X"})
    assert refused.status_code == 403
    token = csrf_of(client.get("/settings/profile").text)
    accepted = client.patch(
        "/api/v1/me", json={"display_name": "X"}, headers={"X-CSRF-Token": token}
    )
    assert accepted.status_code == 200


def test_openapi_documents_the_api_and_docs_page_is_served_locally(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    assert "/api/v1/me" in spec["paths"] and "/api/v1/me/tokens" in spec["paths"]
    assert not any(path.startswith("/settings") for path in spec["paths"])
    docs = client.get("/api/docs").text
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs
    assert "http" not in docs.split("<body>")[0].replace("http-equiv", "")  # no CDN
