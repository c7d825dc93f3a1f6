"""The interviewer's voice in the pipeline: Pipecat's TTS service over the process's own voice.

Pipecat's PiperTTSService loads the voice for every session (~0.4 s before the first greeting,
more with a cold disk) and speaks at one pace. This service keeps Pipecat's TTS machinery (audio
contexts, interruptions, resampling, metrics) and speaks with the voice loaded once per process
(Piper, else espeak-ng) at the pace of the interview's persona.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Iterator, Sequence

from pipecat.frames.frames import ErrorFrame, Frame
from pipecat.services.settings import TTSSettings
from pipecat.services.tts_service import TTSService

from greenroom.interviews.phrases import often_said
from greenroom.interviews.schemas import Persona
from greenroom.providers.tts import SpeechError, TextToSpeech, Voice
from greenroom.providers.tts.remembered import SHORT_SENTENCE_WORDS, RememberedSentences

# Pace on Piper's scale (1.0 is the voice's own). The joe voice's own pace is brisk: 224 words a
# minute on a 24-word interviewer line, measured here. Interviewers speak at about 160-200; the
# friendly one takes its time, the tough one keeps things moving. Piper's durations do not scale
# linearly with the scale (they are rounded per phoneme), hence the uneven steps:
# 0.65 → 162 wpm, 0.72 → ~180 wpm, 0.85 → 204 wpm.
PACE = {Persona.FRIENDLY: 0.65, Persona.NEUTRAL: 0.72, Persona.TOUGH: 0.85}


def persona_voice(persona: str) -> Voice:
    try:
        return Voice(pace=PACE[Persona(persona)])
    except ValueError:
        return Voice(pace=PACE[Persona.NEUTRAL])


log = logging.getLogger(__name__)


def persona_lines(persona: str) -> list[str]:
    """The persona's fixed sentences that a RememberedSentences voice keeps."""
    try:
        lines = often_said(Persona(persona))
    except ValueError:
        lines = often_said(Persona.NEUTRAL)
    return [line for line in lines if len(line.split()) <= SHORT_SENTENCE_WORDS]


class InterviewerVoiceService(TTSService):
    def __init__(self, tts: TextToSpeech, voice: Voice, *, prepare: Sequence[str] = ()) -> None:
        """`prepare`: lines to speak into memory once the first utterance is made, when `tts`
        remembers sentences."""
        super().__init__(
            push_start_frame=True,
            push_stop_frames=True,
            settings=TTSSettings(model=None, voice=tts.name, language=None),
        )
        self._tts, self._voice = tts, voice
        self._to_prepare = list(prepare) if isinstance(tts, RememberedSentences) else []

    async def _prepare(self, lines: list[str]) -> None:
        assert isinstance(self._tts, RememberedSentences)
        try:
            await asyncio.to_thread(self._tts.prepare, lines, self._voice)
        except SpeechError as error:
            log.warning("the interviewer's lines were not prepared: %s", error)

    def can_generate_metrics(self) -> bool:
        return True

    async def run_tts(self, text: str, context_id: str) -> AsyncGenerator[Frame, None]:
        chunks = self._tts.speak(text, self._voice)
        try:
            await self.start_tts_usage_metrics(text)
            async for frame in self._stream_audio_frames_from_iterator(
                _in_background(chunks), in_sample_rate=self._tts.sample_rate, context_id=context_id
            ):
                await self.stop_ttfb_metrics()
                yield frame
        except SpeechError as error:
            yield ErrorFrame(error=str(error))
        finally:
            await self.stop_ttfb_metrics()
        if self._to_prepare:  # the first utterance is made; its playback leaves time for this
            lines, self._to_prepare = self._to_prepare, []
            self.create_task(self._prepare(lines), "greenroom-prepare-lines")


async def _in_background(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    """Each chunk (a sentence) is synthesised on a worker thread, so the loop keeps serving."""
    while (chunk := await asyncio.to_thread(next, chunks, None)) is not None:
        yield chunk
