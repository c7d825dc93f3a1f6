"""A voice interview over the real socket: Silero VAD, Whisper, the turn policy, the engine
and Piper, driven by the project's own voice as the candidate."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from starlette.testclient import WebSocketTestSession

from greenroom.interviews.models import Interview, Turn, TurnKind
from greenroom.questions.bank import load_bank
from greenroom.speech.models import VoiceModels
from tests.helpers import post_form, signup, start_practice
from tests.speech.voices import silence, speak, spoken_span_s, word_error_rate

ORIGIN = {"origin": "http://testserver"}
FRAME = 640  # 20 ms of 16 kHz 16-bit audio
PLAIN_QUESTION = "behav-failure-mistake-handled"


def pcm(audio: np.ndarray) -> bytes:
    return bytes((np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes())


def start_text_interview(client: TestClient) -> str:
    signup(client, "voice@example.com")
    return start_practice(client)


def messages_until(
    socket: WebSocketTestSession, wanted: str, *, feed: bytes = b"", limit_s: float = 60
) -> tuple[list[dict[str, Any]], int]:
    """JSON messages until one of type `wanted`; counts interviewer audio bytes on the way.
    While waiting it keeps feeding `feed` (silence) in real time, as a microphone would."""
    seen: list[dict[str, Any]] = []
    audio = 0
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if feed:
            socket.send_bytes(feed)
        message = socket.receive()
        if message.get("bytes"):
            audio += len(message["bytes"])
            continue
        if message.get("text"):
            data = json.loads(message["text"])
            seen.append(data)
            if data["type"] == wanted:
                return seen, audio
        if message.get("type") == "websocket.close":
            raise AssertionError(f"closed: {message}")
    raise AssertionError(f"no {wanted!r} within {limit_s} s: {seen[-5:]}")


def opening_words(model_answer: str, at_least: int = 14) -> str:
    """The answer's first sentences, enough words for a word error rate to mean something."""
    said: list[str] = []
    for sentence in model_answer.split(". "):
        said.append(sentence.rstrip(".") + ".")
        if len(" ".join(said).split()) >= at_least:
            break
    return " ".join(said)


def closed(socket: WebSocketTestSession, limit: int = 5000) -> bool:
    """True once the server closes the socket (anything still in flight is read first)."""
    return any(socket.receive().get("type") == "websocket.close" for _ in range(limit))


def wait_for_delivery(db: Session, interview_id: int, socket: WebSocketTestSession) -> Turn:
    """The answer turn once its delivery is measured (in the background, after the reply)."""
    for _ in range(1500):  # up to ~30 s: Whisper runs on the whole answer again, then E1
        socket.send_bytes(pcm(silence(0.02)))
        time.sleep(0.02)
        db.expire_all()
        interview = db.get(Interview, interview_id)
        assert interview is not None
        answers = [t for t in interview.turns if t.kind == TurnKind.ANSWER]
        if answers and "delivery" in answers[0].meta:
            assert len(answers) == 1
            return answers[0]
    raise AssertionError("the delivery was never stored")


@pytest.fixture
def voice_client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


def test_a_spoken_answer_is_heard_stored_and_answered(
    voice_client: TestClient, app: FastAPI, db: Session
) -> None:
    signup(voice_client, "voice@example.com")
    room = start_practice(voice_client, mode="voice").removesuffix("/voice")  # not started yet
    post_form(voice_client, "/settings/voice", "/settings/voice", {"keep_audio": "on"})
    interview_id = int(room.rsplit("/", 1)[1])
    planned = db.get(Interview, interview_id)
    assert planned is not None and planned.status == "planned"
    planned.plan = [PLAIN_QUESTION]  # words any voice says plainly (not "kubectl rollout undo")
    db.commit()
    with voice_client.websocket_connect(f"{room}/voice/socket", headers=ORIGIN) as socket:
        socket.send_text(json.dumps({"type": "start", "sample_rate": 16000}))
        messages_until(socket, "ready")
        # The interviewer greets and asks (its audio streams in); then it listens.
        heard: list[dict[str, Any]] = []
        spoken = 0
        while not heard or heard[-1] != {"type": "state", "state": "listening"}:
            more, audio = messages_until(socket, "state", feed=pcm(silence(0.02)))
            heard += more
            spoken += audio
        question = next(m for m in heard if m["type"] == "turn" and m["kind"] == "question")
        assert spoken > 22_050 * 2  # more than a second of the interviewer's voice
        bank_question = next(q for q in load_bank().questions if q.text == question["text"])
        said = opening_words(bank_question.model_answer)
        answer = np.concatenate([speak(said), silence(0.2)])
        for start in range(0, len(answer) * 2, FRAME):
            socket.send_bytes(pcm(answer)[start : start + FRAME])
            time.sleep(0.02)  # in real time, as a microphone sends it
        after, _ = messages_until(socket, "turn", feed=pcm(silence(0.02)), limit_s=40)
        captions = [m for m in after if m["type"] == "caption" and m["speaker"] == "candidate"]
        assert captions
        answer_turn = wait_for_delivery(db, interview_id, socket)
    # The stored words are the whole answer heard again; what the live caption showed is kept.
    live = answer_turn.meta.get("live_text", answer_turn.text)
    assert word_error_rate(said, answer_turn.text) <= 0.25, (answer_turn.text, live, captions)
    # Each segment is captioned once, as it is heard: together they are the live words.
    assert " ".join(c["text"] for c in captions) == live
    delivery = answer_turn.meta["delivery"]
    # The pace is the voice's own (Piper's is brisk, ~220 words a minute), not a fixed range:
    # Whisper's word timings move the span by a tenth either way.
    pace = 60 * len(said.split()) / spoken_span_s(answer)
    assert delivery["enough_speech"] and 0.75 * pace < delivery["wpm"] < 1.35 * pace
    assert answer_turn.meta["spoken"] is True
    # The candidate opted in: the answer's audio is kept, whole, and only its owner can play it.
    recording = f"{room}/answers/{answer_turn.seq}/recording"
    kept = voice_client.get(recording)
    for _ in range(50):  # written just after the delivery
        if kept.status_code == 200:
            break
        time.sleep(0.1)
        kept = voice_client.get(recording)
    assert kept.status_code == 200
    assert (len(kept.content) - 44) / 2 / 16_000 >= len(answer) / 16_000


def test_the_socket_refuses_strangers_other_pages_and_bad_audio(voice_client: TestClient) -> None:
    room = start_text_interview(voice_client)
    evil = {"origin": "https://evil.example"}
    with voice_client.websocket_connect(f"{room}/voice/socket", headers=evil) as socket:
        refused = socket.receive()
    assert refused["type"] == "websocket.close" and refused["code"] == 1008
    assert "may not open" in refused["reason"]
    with voice_client.websocket_connect(f"{room}/voice/socket", headers=ORIGIN) as socket:
        socket.send_text(json.dumps({"type": "start", "sample_rate": 16000}))
        messages_until(socket, "ready")
        socket.send_bytes(b"\x01\x02\x03")  # not whole 16-bit samples
        errors, _ = messages_until(socket, "error", limit_s=20)
        assert errors[-1]["fatal"] and "16-bit" in errors[-1]["message"]
        assert closed(socket)
    other = TestClient(voice_client.app)  # no session cookie
    with other.websocket_connect(f"{room}/voice/socket", headers=ORIGIN) as socket:
        stranger = socket.receive()
    assert stranger["type"] == "websocket.close" and stranger["code"] == 1008
    assert "Sign in" in stranger["reason"]


def close_message(socket: WebSocketTestSession, limit: int = 5000) -> dict[str, Any]:
    """The server's close (its code and reason), reading past what was still in flight."""
    for _ in range(limit):
        message = socket.receive()
        if message.get("type") == "websocket.close":
            return dict(message)
    raise AssertionError("the socket was never closed")


def test_an_interview_has_one_voice_session_and_the_server_no_more_than_its_limit(
    voice_client: TestClient, app: FastAPI
) -> None:
    rooms = app.state.greenroom.rooms
    rooms.limit = 1
    room = start_text_interview(voice_client)
    start = json.dumps({"type": "start", "sample_rate": 16000})
    with voice_client.websocket_connect(f"{room}/voice/socket", headers=ORIGIN) as first:
        first.send_text(start)
        messages_until(first, "ready")
        # The same interview opened again (a second window) takes over; the first is told why.
        with voice_client.websocket_connect(f"{room}/voice/socket", headers=ORIGIN) as second:
            replaced = close_message(first)
            assert replaced["code"] == 4001 and "another window" in replaced["reason"]
            second.send_text(start)
            messages_until(second, "ready")
            assert rooms.in_use == 1
            assert "greenroom_voice_sessions 1.0" in voice_client.get("/metrics").text
            # Another interview while the one room is taken: refused, with the reason.
            other = start_practice(voice_client)
            with voice_client.websocket_connect(f"{other}/voice/socket", headers=ORIGIN) as third:
                refused = close_message(third)
            assert refused["code"] == 1008
            assert "already talking with 1 other candidate" in refused["reason"]
    deadline = time.monotonic() + 10
    while rooms.in_use:  # the room is given back once the session has stopped
        assert time.monotonic() < deadline, "the room was never given back"
        time.sleep(0.05)
    assert rooms.late_stops == 0  # the first window's pipeline stopped when it was asked to
    metrics = voice_client.get("/metrics").text
    assert "greenroom_voice_sessions 0.0" in metrics
    assert "greenroom_voice_sessions_refused_total 1.0" in metrics


def test_opening_the_voice_room_loads_the_models_once_in_the_background(
    voice_client: TestClient, app: FastAPI
) -> None:
    fresh = VoiceModels()  # the process's own are loaded already by other tests
    app.state.greenroom.voice = fresh
    room = start_text_interview(voice_client)
    assert fresh.warming is None
    assert voice_client.get(f"{room}/voice").status_code == 200
    warming = fresh.warming
    assert warming is not None  # the page started the load
    assert voice_client.get(f"{room}/voice").status_code == 200
    assert fresh.warm_up() is warming  # one load per process, however often the page opens
    warming.join(timeout=60)
    assert not warming.is_alive()
    assert "model" in vars(fresh.whisper) and "analyzer" in vars(fresh.smart_turn)
    assert "voice" in vars(fresh) and "tts" in vars(fresh)  # the interviewer's voice, too
