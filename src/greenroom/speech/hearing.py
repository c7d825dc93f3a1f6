"""Hearing the candidate: Silero VAD cuts their speech into segments, Whisper transcribes each.

The detector says "stopped speaking" only after VAD_STOP_S of quiet, and Whisper then needs
~0.5 s for the segment's words, which the turn policy waits for before replying. So Whisper
starts early, on a guess: once the candidate has been quiet for EARLY_QUIET_S, the segment so
far is transcribed. If they stay quiet until the detector stops, that transcript is the
segment's (the audio after the guess is silence); if they speak again first, the guess is
dropped and the segment is transcribed as usual. One guess runs at a time, so a candidate who
pauses briefly and often costs at most one extra transcription at a time.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from prometheus_client import Counter

from greenroom.providers.stt import Transcript, TranscriptionError
from greenroom.speech.models import VoiceModels

VAD_STOP_S = 0.2  # the detector's "stopped speaking"; the turn policy decides the rest
EARLY_QUIET_S = 0.08  # quiet for this long: guess the segment's words (see docs/voice.md)
TRAILING_SILENCE_S = 0.5  # Pipecat pads every segment so the last word is heard to its end


@dataclass
class Guess:
    """A transcription of the segment so far, started before the detector's stop."""

    pcm: bytes
    spell: int  # the quiet spell it was started in; speech since then makes it stale
    task: asyncio.Future[Transcript] = field(repr=False)


def _retrieve(task: asyncio.Future[Transcript]) -> None:
    """Reads a dropped guess's outcome, so a failure in it is not reported as unretrieved."""
    if not task.cancelled():
        task.exception()


def quiet_telling_vad(stop_s: float = VAD_STOP_S) -> Any:
    """Silero VAD that also tells how long the candidate has been quiet before it decides they
    stopped (`quiet_s`), and numbers each such quiet spell (`spell`)."""
    from pipecat.audio.vad.silero import SileroVADAnalyzer
    from pipecat.audio.vad.vad_analyzer import VADParams, VADState

    class QuietTellingVAD(SileroVADAnalyzer):
        def __init__(self) -> None:
            super().__init__(params=VADParams(stop_secs=stop_s))
            self.quiet_s = 0.0
            self.spell = 0

        async def analyze_audio(self, buffer: bytes) -> VADState:
            state = await super().analyze_audio(buffer)
            if state == VADState.STOPPING:
                if self.quiet_s == 0.0:
                    self.spell += 1
                self.quiet_s += len(buffer) / (2 * self.sample_rate)
            else:
                self.quiet_s = 0.0
            return state

    return QuietTellingVAD()


def whisper_segments(models: VoiceModels, vad: Any, guesses: Counter | None = None) -> Any:
    """Pipecat's Whisper service on the process's loaded model, transcribing each segment with
    word probabilities (the TranscriptionFrame's `result` is the Transcript, which the turn
    policy reads), and guessing each segment's words early (see the module's docstring).
    `guesses` counts them by outcome, "made" and "used" (greenroom_voice_guesses_total)."""
    from pipecat.frames.frames import (
        ErrorFrame,
        Frame,
        InputAudioRawFrame,
        TranscriptionFrame,
        VADUserStartedSpeakingFrame,
        VADUserStoppedSpeakingFrame,
    )
    from pipecat.processors.frame_processor import FrameDirection
    from pipecat.services.whisper.stt import WhisperSTTService
    from pipecat.utils.time import time_now_iso8601

    def tally(outcome: str) -> None:
        if guesses is not None:
            guesses.labels(outcome).inc()

    def transcribe(pcm: bytes) -> Transcript:
        samples = (np.frombuffer(pcm, dtype=np.int16) / 32768).astype(np.float32)
        return models.whisper.transcribe_segment(samples)

    class GuessingWhisperSTTService(WhisperSTTService):
        def __init__(self) -> None:
            super().__init__(
                settings=WhisperSTTService.Settings(model=str(models.whisper.path)),
                device="cpu",
                compute_type="int8",
                trailing_silence_secs=TRAILING_SILENCE_S,
            )
            self._speaking = False
            self._guess: Guess | None = None  # the latest, for the segment being spoken
            self._ready: deque[Guess] = deque(maxlen=4)  # for segments waiting to be transcribed

        def _load(self) -> None:
            self._model = models.whisper.model

        async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
            if isinstance(frame, VADUserStartedSpeakingFrame):
                self._speaking = True
            elif isinstance(frame, VADUserStoppedSpeakingFrame):
                self._speaking = False
                guess, self._guess = self._guess, None
                if guess is not None and guess.spell == vad.spell:
                    self._ready.append(guess)  # quiet from the guess to the stop
            await super().process_frame(frame, direction)

        async def process_audio_frame(
            self, frame: InputAudioRawFrame, direction: FrameDirection
        ) -> None:
            await super().process_audio_frame(frame, direction)
            if not self._speaking or vad.quiet_s < EARLY_QUIET_S:
                return
            guess = self._guess
            if guess is not None and (guess.spell == vad.spell or not guess.task.done()):
                return  # this spell is guessed already, or the last guess still runs
            pcm = bytes(self._audio_buffer)
            padding = bytes(int(self.sample_rate * TRAILING_SILENCE_S) * 2)  # as for a segment
            task = asyncio.ensure_future(asyncio.to_thread(transcribe, pcm + padding))
            task.add_done_callback(_retrieve)
            self._guess = Guess(pcm, vad.spell, task)
            tally("made")

        async def run_stt(self, audio: bytes) -> AsyncGenerator[Frame, None]:
            await self.start_processing_metrics()
            try:
                heard = await self._guessed(audio)
                if heard is None:
                    heard = await asyncio.to_thread(transcribe, audio)
            except TranscriptionError as error:
                yield ErrorFrame(f"transcription failed: {error}")
                heard = Transcript(text="", words=[], duration_s=0.0)
            finally:
                await self.stop_processing_metrics()
            # Sent even when empty: the interviewer counts the segments still to be heard.
            yield TranscriptionFrame(
                heard.text, self._user_id, time_now_iso8601(), None, result=heard
            )

        async def _guessed(self, audio: bytes) -> Transcript | None:
            """The transcript guessed for this segment, if a guess was made in the quiet that
            ended it; None otherwise (or when the guess failed)."""
            while self._ready:
                guess = self._ready.popleft()
                if audio.startswith(guess.pcm):
                    try:
                        heard = await guess.task
                    except TranscriptionError:
                        return None
                    tally("used")
                    return heard
            return None

    return GuessingWhisperSTTService()
