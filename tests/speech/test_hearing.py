"""Hearing the candidate on real speech: Silero VAD and Whisper, with the segment's words guessed
before the detector's stop (speech/hearing.py). Audio goes in at the pace it is spoken."""

from __future__ import annotations

import time

import numpy as np
from pipecat.frames.frames import Frame, InputAudioRawFrame, TranscriptionFrame
from pipecat.pipeline.pipeline import Pipeline
from pipecat.processors.audio.vad_processor import VADProcessor
from pipecat.tests.utils import SleepFrame, run_test
from prometheus_client import CollectorRegistry, Counter

from greenroom.providers.stt import Audio, Transcript
from greenroom.providers.stt.whisper import WhisperSTT
from greenroom.speech.hearing import quiet_telling_vad, whisper_segments
from greenroom.speech.models import VoiceModels, default_voice_models
from tests.speech.pipelines import in_own_loop
from tests.speech.voices import silence, speak_steadily, word_error_rate

FRAME_S = 0.02


def spoken(text: str) -> Audio:
    """The words without Piper's own leading and trailing quiet, so gaps are what a test says."""
    audio = speak_steadily(text)
    loud = np.flatnonzero(np.abs(audio) > 0.01)
    return audio[loud[0] : loud[-1] + 1]


class SlowWhisper(WhisperSTT):
    """The real model on a machine so busy that each segment takes 1.5 s longer."""

    def __init__(self, shared: WhisperSTT) -> None:
        super().__init__()
        self.model = shared.model

    def transcribe_segment(self, audio: Audio) -> Transcript:
        time.sleep(1.5)
        return super().transcribe_segment(audio)


def hear(audio: Audio, models: VoiceModels | None = None) -> tuple[list[str], dict[str, float]]:
    """What the pipeline transcribes from the audio, and how its guesses fared."""
    models = models or default_voice_models()
    registry = CollectorRegistry()
    guesses = Counter("guesses", "by outcome", ["outcome"], registry=registry)
    vad = quiet_telling_vad()
    pipeline = Pipeline([VADProcessor(vad_analyzer=vad), whisper_segments(models, vad, guesses)])
    pcm = (np.clip(audio, -1, 1) * 32767).astype(np.int16).tobytes()
    step = int(16_000 * FRAME_S) * 2
    frames: list[Frame] = []
    for start in range(0, len(pcm), step):
        frames.append(InputAudioRawFrame(pcm[start : start + step], 16_000, 1))
        frames.append(SleepFrame(sleep=FRAME_S))
    frames.append(SleepFrame(sleep=3.0))  # the last segment's words
    down, _ = in_own_loop(run_test(pipeline, frames_to_send=frames))
    texts = [f.text for f in down if isinstance(f, TranscriptionFrame)]
    counts = {
        outcome: registry.get_sample_value("guesses_total", {"outcome": outcome}) or 0.0
        for outcome in ("made", "used")
    }
    return texts, counts


def test_the_segment_transcribed_early_is_the_one_the_candidate_finished() -> None:
    said = "I would add an index on the customer table and measure the query again."
    texts, guesses = hear(np.concatenate([silence(0.5), spoken(said), silence(1.5)]))
    assert len(texts) == 1
    assert word_error_rate(said, texts[0]) <= 0.15
    assert guesses["used"] == 1  # the words were ready before the detector's stop


def test_a_guess_made_in_a_short_pause_is_dropped_when_the_candidate_goes_on() -> None:
    first, then = "We measured the latency first", "and then we rewrote the slow query."
    gap = silence(0.18)  # Silero hears ~0.1 s of it as quiet: a guess, but no stop
    audio = np.concatenate([silence(0.5), spoken(first), gap, spoken(then), silence(1.5)])
    texts, guesses = hear(audio)
    assert len(texts) == 1  # one segment: the detector did not stop in the gap
    assert word_error_rate(f"{first} {then}", texts[0]) <= 0.2  # not the guess of the first half
    assert guesses["made"] >= 2 and guesses["used"] == 1


def test_a_guess_still_running_when_the_candidate_stops_again_is_not_their_words() -> None:
    # The guess made in the short pause is still being transcribed when the candidate stops
    # for good; it covers only the first half, so the whole segment is transcribed instead.
    slow = VoiceModels(whisper=SlowWhisper(default_voice_models().whisper))
    first, then = "We measured the latency first", "and fixed it."
    audio = np.concatenate([silence(0.5), spoken(first), silence(0.18), spoken(then), silence(3)])
    texts, guesses = hear(audio, slow)
    assert len(texts) == 1
    assert word_error_rate(f"{first} {then}", texts[0]) <= 0.2
    assert guesses == {"made": 1, "used": 0}
