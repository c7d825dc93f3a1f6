"""The turn policy on real speech: what Whisper and Smart Turn make of answers spoken by the
project's voices, paused mid-sentence for thinking or finished. Piper speaks without its sampling
noise here, so each run hears the same audio (bench/voice.py measures the policy on sampled
speech)."""

from __future__ import annotations

import numpy as np
import pytest

from greenroom.providers.stt.whisper import WhisperSTT
from greenroom.providers.tts.espeak import EspeakTTS
from greenroom.providers.turn import SmartTurn
from greenroom.speech.answers import until_speech_ends
from greenroom.speech.hearing import VAD_STOP_S
from greenroom.speech.turns import Move, TurnSignals, decide, unsure_ending
from tests.speech.voices import silence, speak, speak_steadily, word_error_rate

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
        speech = speak(before, tts) if tts else speak_steadily(before)
        # What the live path hears: the segment the detector cut (speech and 0.2 s of silence).
        heard = whisper.transcribe_segment(np.concatenate([speech, silence(0.2)]))
        # As the interviewer asks it: once, when the detector says the candidate stopped.
        stopped = smart_turn.probability(np.concatenate([speech, silence(VAD_STOP_S)]))
        for pause in (1.5, 3.0):
            move = decide(
                TurnSignals(
                    silence_s=pause,
                    transcript=heard.text,
                    speech_s=len(speech) / 16000,
                    suggested_s=90,
                    smart_turn=stopped,
                    unsure_ending=unsure_ending(heard.words[-1].text, heard.words[-1].probability),
                )
            )
            kept += move != Move.END_TURN
    # bench/voice.py measures the rate on more answers; this guards against a regression.
    assert kept / (2 * len(PAUSED)) >= 0.75


def test_a_finished_answer_ends_within_two_seconds_of_silence(
    whisper: WhisperSTT, smart_turn: SmartTurn
) -> None:
    for text in FINISHED:
        speech = speak_steadily(text)
        heard = whisper.transcribe_segment(np.concatenate([speech, silence(0.2)]))
        stopped = smart_turn.probability(np.concatenate([speech, silence(VAD_STOP_S)]))
        ended_at = None
        for silence_s in (0.3, 0.5, 0.8, 1.2, 1.6, 2.0):
            move = decide(
                TurnSignals(
                    silence_s=silence_s,
                    transcript=heard.text,
                    speech_s=len(speech) / 16000,
                    suggested_s=20,
                    smart_turn=stopped,
                    unsure_ending=unsure_ending(heard.words[-1].text, heard.words[-1].probability),
                )
            )
            if move == Move.END_TURN:
                ended_at = silence_s
                break
        assert ended_at is not None and ended_at <= 2.0, (text, heard.text)


def test_an_answer_is_transcribed_without_the_silence_after_it(whisper: WhisperSTT) -> None:
    speech = speak_steadily(FINISHED[1])
    audio = np.concatenate([silence(1.0), speech, silence(8.0)])
    kept = until_speech_ends(audio)
    # Everything up to the end of the speech stays (with a little silence), the wait goes.
    assert 1.0 + len(speech) / 16000 - 0.3 < len(kept) / 16000 < 1.0 + len(speech) / 16000 + 0.7
    # ...and it is heard as the speech alone is (Piper's sampling varies what tiny.en hears, so
    # the same audio is the reference, not the words it was made from).
    alone = whisper.transcribe(np.concatenate([silence(1.0), speech])).text
    assert word_error_rate(alone, whisper.transcribe(kept).text) <= 0.1
    assert until_speech_ends(silence(2.0)).size == silence(2.0).size  # nothing to cut by
