"""Recordings of spoken answers: kept only on opt-in, played by their owner alone, deleted at
once on request."""

from __future__ import annotations

import re
import wave
from pathlib import Path

import numpy as np
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from greenroom.accounts.models import User
from greenroom.interviews.models import Turn, TurnKind
from greenroom.providers.stt import SAMPLE_RATE
from greenroom.speech.recordings import Recordings
from tests.helpers import finished_report, post_form, signup, start_practice
from tests.speech.voices import speak


def test_a_recording_is_a_wav_under_integer_paths_and_all_go_at_once(tmp_path: Path) -> None:
    store = Recordings(tmp_path / "recordings")
    audio = speak("I would add an index on the customer id.")
    saved = store.save(7, 12, 3, audio)
    assert saved == tmp_path / "recordings" / "7" / "12" / "3.wav"
    with wave.open(str(saved)) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (SAMPLE_RATE, 1, 2)
        assert wav.getnframes() == len(audio)
    store.save(7, 13, 5, np.zeros(SAMPLE_RATE, dtype=np.float32))
    store.save(8, 14, 3, np.zeros(SAMPLE_RATE, dtype=np.float32))  # someone else's
    assert store.kept_seqs(7, 12) == {3} and store.kept_seqs(7, 99) == set()
    usage = store.usage(7)
    assert usage.count == 2 and usage.size_bytes > 2 * len(audio)
    assert not list(tmp_path.rglob("*.part"))
    assert store.delete_all(7) == 2
    assert store.find(7, 12, 3) is None and store.usage(7).count == 0
    assert store.find(8, 14, 3) is not None  # only the owner's recordings went


def test_the_voice_setting_keeps_recordings_for_their_owner_alone(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    signup(client, "keeps@example.com")
    page = client.get("/settings/voice").text
    assert "No recordings are kept." in page
    assert not re.search(r'id="keep_audio"[^>]*checked', page)  # off unless chosen
    saved = post_form(client, "/settings/voice", "/settings/voice", {"keep_audio": "on"})
    assert "Recordings of your next spoken answers will be kept." in saved.text
    assert re.search(r'id="keep_audio"[^>]*checked', saved.text)
    user = db.scalars(select(User).where(User.email == "keeps@example.com")).one()
    assert user.keep_audio

    # An answer whose audio the voice room kept (tests/speech/test_voice_socket.py does it live).
    room = start_practice(client)
    post_form(client, room, f"{room}/answer", {"text": "I would add an index and a cache."})
    answer = db.scalars(select(Turn).where(Turn.kind == TurnKind.ANSWER.value)).one()
    store: Recordings = app.state.greenroom.recordings
    store.save(user.id, answer.interview_id, answer.seq, speak("I would add an index."))
    url = f"{room}/answers/{answer.seq}/recording"
    heard = client.get(url)
    assert heard.status_code == 200 and heard.headers["content-type"] == "audio/wav"
    assert heard.content[:4] == b"RIFF"
    assert client.get(f"{room}/answers/{answer.seq + 1}/recording").status_code == 404

    post_form(client, room, f"{room}/end", {})
    assert f'src="{url}"' in finished_report(client, room)

    other = TestClient(app)
    signup(other, "stranger@example.com")
    assert other.get(url).status_code == 404  # not theirs: as if it did not exist

    page = client.get("/settings/voice").text
    assert "1 recording," in page and "Delete all my recordings" in page
    deleted = post_form(client, "/settings/voice", "/settings/voice/recordings/delete", {})
    assert "Deleted 1 recording." in deleted.text and "No recordings are kept." in deleted.text
    assert client.get(url).status_code == 404
    assert f'src="{url}"' not in client.get(f"{room}/report").text

    off = post_form(client, "/settings/voice", "/settings/voice", {})
    assert "deleted once analysed" in off.text
    db.refresh(user)
    assert not user.keep_audio
    # Both choices and the deletion are in the account's activity log.
    activity = client.get("/settings/activity").text
    assert activity.count("recordings setting changed") == 2
    assert "recordings kept" in activity and "recordings deleted once analysed" in activity
    assert "recordings deleted" in activity and "1 deleted" in activity
    unchanged = post_form(client, "/settings/voice", "/settings/voice", {})
    assert "deleted once analysed" in unchanged.text
    assert client.get("/settings/activity").text.count("recordings setting changed") == 2
