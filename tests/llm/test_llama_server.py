"""Against the real llama.cpp server: schema-validated replies, retries, streaming, and an
interview that goes on when the server stops in the middle of it. The tiny model proves the
wiring only: these tests never depend on what it judges or asks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, model_validator

from greenroom.app import create_app
from greenroom.assessment.judge import Judgement
from greenroom.config import Settings
from greenroom.interviews.engine import InterviewEngine
from greenroom.interviews.llm_interviewer import InterviewerMove
from greenroom.providers.llm import LLM, Message
from greenroom.providers.llm.openai_compatible import OpenAICompatibleLLM
from greenroom.providers.llm.registry import build_llm
from greenroom.providers.llm.structured import ask_json
from tests.helpers import post_form, signup, start_practice
from tests.llm.server import LlamaServer

ASK: list[Message] = [
    {"role": "system", "content": "You are an interview assessor. Reply with JSON only."},
    {
        "role": "user",
        "content": "Question: what is a database index?\n<data name='answer'>\n"
        "An index is a B-tree kept beside the table so lookups avoid a full scan.\n</data>",
    },
]
VAGUE = "I am not completely sure about this one, I would probably look it up and ask a colleague."


class Counting(LLM):
    """Passes calls through and keeps what was sent."""

    def __init__(self, inner: LLM) -> None:
        self.inner, self.name = inner, inner.name
        self.sent: list[list[Message]] = []

    def complete(self, messages: list[Message], **options: Any) -> str:
        self.sent.append(list(messages))
        return self.inner.complete(messages, **options)

    def stream(self, messages: list[Message], **options: Any) -> Iterator[str]:
        return self.inner.stream(messages, **options)


def test_replies_validate_against_the_schema(llama_server: LlamaServer) -> None:
    llm = OpenAICompatibleLLM(llama_server.base_url)
    moves = [ask_json(llm, ASK, InterviewerMove, max_tokens=120) for _ in range(3)]
    judgements = [ask_json(llm, ASK, Judgement, max_tokens=160) for _ in range(3)]
    assert any(isinstance(m, InterviewerMove) for m in moves)
    assert any(isinstance(j, Judgement) for j in judgements)
    # The server refuses json_schema (500); the provider switched to json_object with a schema.
    assert llm._json_mode == "json_object"
    assert llm.model().endswith(".gguf")  # the server's own model, found through /models


class Impossible(BaseModel):
    word: str

    @model_validator(mode="after")
    def _never(self) -> Impossible:
        raise ValueError("the word must be the secret one")


def test_an_invalid_reply_is_retried_twice_with_the_error_then_given_up(
    llama_server: LlamaServer,
) -> None:
    llm = Counting(OpenAICompatibleLLM(llama_server.base_url))
    assert ask_json(llm, ASK, Impossible, max_tokens=40) is None
    assert len(llm.sent) == 3
    assert "the word must be the secret one" in llm.sent[1][-1]["content"]


def test_the_reply_streams_in_pieces(llama_server: LlamaServer) -> None:
    llm = OpenAICompatibleLLM(llama_server.base_url)
    pieces = list(llm.stream([{"role": "user", "content": "Give one interview tip."}]))
    assert len(pieces) > 3 and "".join(pieces).strip()


@pytest.fixture
def llm_settings(settings: Settings, own_llama_server: LlamaServer) -> Settings:
    return settings.model_copy(
        update={
            "llm_base_url": own_llama_server.base_url,
            "llm_timeout_s": 90.0,  # model tests run side by side; a stopped server fails at once
            "llm_max_retries": 0,
        }
    )


def test_the_interview_goes_on_when_the_server_stops(
    llm_settings: Settings,
    schema: None,
    interview_engine: InterviewEngine,
    own_llama_server: LlamaServer,
) -> None:
    app = create_app(llm_settings, interviews=interview_engine)
    with TestClient(app) as client:
        signup(client, "llm@example.com")
        room = start_practice(client, question_count="2")
        api = "/api/v1" + room
        post_form(client, room, room + "/answer", {"text": VAGUE})
        # The model was asked and answered; whether its tiny reply validated is its own affair
        # (an invalid one is the rules' turn too), so the server's log is the evidence here.
        assert own_llama_server.answered() >= 1
        own_llama_server.stop()
        answers = [VAGUE + f" (answer {n})" for n in range(2, 6)]
        for text in answers:
            if "/answer" not in client.get(room).text:
                break
            post_form(client, room, room + "/answer", {"text": text})
        detail = client.get(api).json()
        assert detail["status"] == "completed"
        kept = [t["text"] for t in detail["turns"] if t["kind"] == "answer"]
        assert kept[0] == VAGUE and set(kept[1:]) <= set(answers) and len(kept) >= 3
        later = [t for t in detail["turns"] if t["speaker"] == "interviewer"][-2]
        assert later["meta"]["interviewer"] == "rules"
        assert later["meta"]["llm_unavailable"] is True
    app.state.greenroom.engine.dispose()


def test_a_configured_server_is_built_from_settings(
    settings: Settings, llama_server: LlamaServer
) -> None:
    llm = build_llm(settings.model_copy(update={"llm_base_url": llama_server.base_url}))
    assert llm is not None and llm.available
    assert llm.complete([{"role": "user", "content": "Say hi."}], max_tokens=8)
    assert build_llm(settings) is None
