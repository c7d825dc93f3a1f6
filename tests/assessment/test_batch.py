"""`greenroom score FILE.jsonl` and POST /api/v1/assess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from greenroom.questions.bank import load_bank
from tests.helpers import new_token, signup


def test_score_command_reads_json_lines_and_writes_one_result_each(tmp_path: Path) -> None:
    question = load_bank().by_id["backend-http-status-codes"]
    lines = [
        {"question": question.text, "answer": question.model_answer},
        {
            "question": "Explain what a mutex is.",
            "answer": "A mutex is a lock one thread holds "
            "at a time. For example I used one around a cache; the downside is contention.",
            "key_points": ["Only one thread can hold a mutex at a time."],
            "type": "technical",
        },
        {"question": "Tell me about a conflict.", "answer": "asdf qwer zxcv uiop"},
        {"answer": "no question"},
    ]
    source = tmp_path / "answers.jsonl"
    source.write_text("\n".join(json.dumps(line) for line in lines) + "\n\n")
    result = subprocess.run(
        [sys.executable, "-m", "greenroom.cli", "score", str(source)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={**os.environ, "GREENROOM_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["line"] for o in out] == [1, 2, 3, 4]
    assert out[0]["rubric"].startswith("bank question backend-http-status-codes")
    assert out[0]["score"] >= 60
    assert out[1]["rubric"] == "given key points"
    assert out[1]["key_points"][0]["coverage"] == "covered"
    assert out[2]["score"] == 0
    assert out[2]["guards"][0]["kind"] == "gibberish"
    assert "question: Field required" in out[3]["error"]


def test_assess_api(client: TestClient) -> None:
    signup(client, "assess@example.com")
    auth = {"Authorization": f"Bearer {new_token(client)}"}
    body = {
        "question": "What is an index in a database?",
        "answer": "An index is a sorted structure that lets the database find rows without "
        "scanning the table, for example a B-tree on user_id. The trade-off is "
        "slower writes and more storage.",
    }
    response = client.post("/api/v1/assess", json=body, headers=auth)
    assert response.status_code == 200
    result = response.json()
    assert 0 <= result["score"] <= 100
    assert {"relevance", "structure"} <= set(result["sub_scores"])
    assert client.post("/api/v1/assess", json=body).status_code == 403  # session without CSRF
    client.cookies.clear()
    assert client.post("/api/v1/assess", json=body).status_code == 401
    too_long = client.post("/api/v1/assess", json={**body, "answer": "a" * 20_001}, headers=auth)
    assert too_long.status_code == 422
