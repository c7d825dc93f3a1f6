"""The turn policy on real speech: what Whisper and Smart Turn make of answers spoken by the
project's voices, paused mid-sentence for thinking or finished."""

from __future__ import annotations

import numpy as np
import pytest

from greenroom.providers.stt.whisper import WhisperSTT
from greenroom.providers.tts.espeak import EspeakTTS
from greenroom.providers.turn import SmartTurn
from greenroom.speech.turns import Move, TurnSignals, decide
from tests.speech.voices import silence, speak

# (words before a thinking pause, words after it)
PAUSED = [
    ("I would start by looking at the", "slow query log and the plan."),
    ("The main reason we chose Postgres was", "that the team already knew it."),
    ("First I reproduced the bug, and then", "I wrote a failing test for it."),
    ("To keep the cache consistent we used a", "short time to live and events."),
]
FINISHED = [
    "I added an index on the customer id, and the page went from two seconds to fifty ms.",
    "In the end we shipped on time, and support tickets dropped by a third.",
]


@pytest.fixture(scope="module")
def whisper() -> WhisperSTT:
    return WhisperSTT()


@pytest.fixture(scope="module")
def smart_turn() -> SmartTurn:
    return SmartTurn()


@pytest.mark.parametrize("use_espeak", [False, True], ids=["piper", "espeak"])
def test_a_thinking_pause_mid_sentence_does_not_end_the_answer(
    whisper: WhisperSTT, smart_turn: SmartTurn, use_espeak: bool
) -> None:
    tts = EspeakTTS() if use_espeak else None
    kept = 0
    for before, _after in PAUSED:
        for pause in (1.5, 3.0):
            audio = np.concatenate([speak(before, tts), silence(pause)])
            heard = whisper.transcribe(audio).text
            move = decide(
                TurnSignals(
                    silence_s=pause,
                    transcript=heard,
                    speech_s=len(audio) / 16000 - pause,
                    suggested_s=90,
                    smart_turn=smart_turn.probability(audio),
                )
            )
            kept += move != Move.END_TURN
    # bench/voice.py measures the rate on more answers; this guards against a regression.
    assert kept / (2 * len(PAUSED)) >= 0.75


def test_a_finished_answer_ends_within_two_seconds_of_silence(
    whisper: WhisperSTT, smart_turn: SmartTurn
) -> None:
    for text in FINISHED:
        speech = speak(text)
        heard = whisper.transcribe(speech).text
        ended_at = None
        for silence_s in (0.3, 0.5, 0.8, 1.2, 1.6, 2.0):
            audio = np.concatenate([speech, silence(silence_s)])
            move = decide(
                TurnSignals(
                    silence_s=silence_s,
                    transcript=heard,
                    speech_s=len(speech) / 16000,
                    suggested_s=20,
                    smart_turn=smart_turn.probability(audio),
                )
            )
            if move == Move.END_TURN:
                ended_at = silence_s
                break
        assert ended_at is not None and ended_at <= 2.0, (text, heard)
