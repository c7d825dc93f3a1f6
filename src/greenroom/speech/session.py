"""One voice interview over a WebSocket: the Pipecat pipeline and the models it shares.

transport in → Silero VAD → Whisper (segments, in the background) → the interviewer
(speech/interviewer.py) → the interviewer's voice (speech/voice_out.py) → transport out. The
models load once per process; each session builds its own pipeline around them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator
from typing import Any

import numpy as np
from fastapi import WebSocket
from sqlalchemy.orm import Session, sessionmaker

from greenroom.interviews.engine import InterviewEngine
from greenroom.providers.stt import TranscriptionError
from greenroom.providers.tts import Voice
from greenroom.speech.interviewer import Keeping, VoiceInterviewer
from greenroom.speech.models import VoiceModels
from greenroom.speech.serializer import VoiceSerializer
from greenroom.speech.voice_out import InterviewerVoiceService, persona_lines

log = logging.getLogger(__name__)
VAD_STOP_S = 0.2  # the detector's "stopped speaking"; the turn policy decides the rest
OUT_SAMPLE_RATE = 22_050


def _stt(models: VoiceModels) -> Any:
    from pipecat.frames.frames import ErrorFrame, Frame, TranscriptionFrame
    from pipecat.services.whisper.stt import WhisperSTTService
    from pipecat.utils.time import time_now_iso8601

    class SharedWhisperSTTService(WhisperSTTService):
        """Pipecat's Whisper service on the process's loaded model (no load per session),
        transcribing each segment with word probabilities: the frame's `result` is the
        Transcript, which the turn policy reads (speech/turns.py)."""

        def _load(self) -> None:
            self._model = models.whisper.model

        async def run_stt(self, audio: bytes) -> AsyncGenerator[Frame, None]:
            samples = (np.frombuffer(audio, dtype=np.int16) / 32768).astype(np.float32)
            await self.start_processing_metrics()
            try:
                heard = await asyncio.to_thread(models.whisper.transcribe_segment, samples)
            except TranscriptionError as error:
                yield ErrorFrame(f"transcription failed: {error}")
                return
            finally:
                await self.stop_processing_metrics()
            if heard.text:
                yield TranscriptionFrame(
                    heard.text, self._user_id, time_now_iso8601(), None, result=heard
                )

    return SharedWhisperSTTService(
        settings=WhisperSTTService.Settings(model=str(models.whisper.path)),
        device="cpu",
        compute_type="int8",
    )


async def run_voice_session(
    websocket: WebSocket,
    *,
    models: VoiceModels,
    sessions: sessionmaker[Session],
    engine: InterviewEngine,
    interview_id: int,
    name: str,
    origin: str,
    voice: Voice = Voice(),
    persona: str = "neutral",
    keep: Keeping | None = None,
) -> None:
    """Runs the pipeline until the candidate hangs up, the interview ends, or the socket fails."""
    from pipecat.audio.vad.silero import SileroVADAnalyzer
    from pipecat.audio.vad.vad_analyzer import VADParams
    from pipecat.pipeline.pipeline import Pipeline
    from pipecat.pipeline.runner import PipelineRunner
    from pipecat.pipeline.task import PipelineParams, PipelineTask
    from pipecat.processors.audio.vad_processor import VADProcessor
    from pipecat.transports.websocket.fastapi import (
        FastAPIWebsocketParams,
        FastAPIWebsocketTransport,
    )

    transport = FastAPIWebsocketTransport(
        websocket,
        FastAPIWebsocketParams(
            audio_in_enabled=True,
            audio_out_enabled=True,
            audio_in_sample_rate=16_000,
            audio_out_sample_rate=OUT_SAMPLE_RATE,
            serializer=VoiceSerializer(),
            allowed_origins=[origin],
        ),
    )
    stt = await asyncio.to_thread(_stt, models)
    tts = InterviewerVoiceService(
        await asyncio.to_thread(lambda: models.voice), voice, prepare=persona_lines(persona)
    )
    interviewer = VoiceInterviewer(
        sessions=sessions,
        engine=engine,
        interview_id=interview_id,
        name=name,
        smart_turn=models.smart_turn,
        transcriber=models.whisper,
        keep=keep,
    )
    pipeline = Pipeline(
        [
            transport.input(),
            VADProcessor(vad_analyzer=SileroVADAnalyzer(params=VADParams(stop_secs=VAD_STOP_S))),
            stt,
            interviewer,
            tts,
            transport.output(),
        ]
    )
    task = PipelineTask(
        pipeline,
        params=PipelineParams(audio_in_sample_rate=16_000, audio_out_sample_rate=OUT_SAMPLE_RATE),
    )

    gone = asyncio.Event()

    @transport.event_handler("on_client_disconnected")  # type: ignore[untyped-decorator]
    async def _gone(_transport: Any, _socket: Any) -> None:
        gone.set()
        await task.cancel()

    try:
        await PipelineRunner(handle_sigint=False).run(task)
    except asyncio.CancelledError:
        if not gone.is_set():
            raise
        # The page hung up: the pipeline cancelled itself; every answer is already stored.
