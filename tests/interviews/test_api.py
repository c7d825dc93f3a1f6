"""The interviews JSON API, authenticated with a personal token."""

from __future__ import annotations

from fastapi.testclient import TestClient

from greenroom.questions.bank import load_bank
from tests.helpers import new_token, signup


def _auth(client: TestClient) -> dict[str, str]:
    return {"Authorization": f"Bearer {new_token(client)}"}


def test_create_answer_and_read_an_interview(client: TestClient) -> None:
    signup(client, "api-int@example.com")
    auth = _auth(client)
    client.cookies.clear()
    created = client.post(
        "/api/v1/interviews",
        headers=auth,
        json={"role": "qa", "interview_type": "technical", "question_count": 1},
    )
    assert created.status_code == 201
    body = created.json()
    assert [t["kind"] for t in body["turns"]] == ["greeting", "question"]
    question = load_bank().by_id[body["plan"][0]]
    turns = client.post(
        f"/api/v1/interviews/{body['id']}/answers",
        headers=auth,
        json={"text": question.model_answer},
    ).json()
    assert turns[0]["kind"] == "answer"
    assert turns[-1]["kind"] in {"follow_up", "closing"}
    detail = client.get(f"/api/v1/interviews/{body['id']}", headers=auth).json()
    assert len(detail["turns"]) == 2 + len(turns)
    listed = client.get("/api/v1/interviews", headers=auth).json()
    assert [item["id"] for item in listed] == [body["id"]]


def test_api_refuses_bad_setups_and_bad_moves(client: TestClient) -> None:
    signup(client, "api-bad@example.com")
    auth = _auth(client)
    assert (
        client.post(
            "/api/v1/interviews", headers=auth, json={"role": "backend", "interview_type": "coding"}
        ).status_code
        == 422
    )
    created = client.post(
        "/api/v1/interviews", headers=auth, json={"role": "backend", "question_count": 1}
    ).json()
    path = f"/api/v1/interviews/{created['id']}"
    assert client.post(f"{path}/resume", headers=auth).status_code == 409
    assert client.post(f"{path}/pause", headers=auth).status_code == 200
    assert client.post(f"{path}/answers", headers=auth, json={"text": "x"}).status_code == 409
    assert client.post(f"{path}/resume", headers=auth).status_code == 200
    too_long = client.post(f"{path}/answers", headers=auth, json={"text": "a" * 8001})
    assert too_long.status_code == 422
    assert client.post(f"{path}/end", headers=auth).json()[0]["kind"] == "closing"
