"""One voice interview over a WebSocket: the Pipecat pipeline and the models it shares.

transport in → Silero VAD → Whisper (segments, in the background) → the interviewer
(speech/interviewer.py) → the interviewer's voice (speech/voice_out.py) → transport out. The
models load once per process; each session builds its own pipeline around them.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from fastapi import WebSocket
from prometheus_client import Counter
from sqlalchemy.orm import Session, sessionmaker

from greenroom.interviews.engine import InterviewEngine
from greenroom.providers.tts import Voice
from greenroom.speech.hearing import quiet_telling_vad, whisper_segments
from greenroom.speech.interviewer import Keeping, VoiceInterviewer
from greenroom.speech.models import VoiceModels
from greenroom.speech.serializer import VoiceSerializer
from greenroom.speech.voice_out import InterviewerVoiceService, persona_lines

log = logging.getLogger(__name__)
OUT_SAMPLE_RATE = 22_050


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
    guesses: Counter | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Runs the pipeline until the candidate hangs up, the interview ends, the socket fails, or
    `stop` is set (the interview was opened in another window: speech/rooms.py)."""
    from pipecat.pipeline.pipeline import Pipeline
    from pipecat.pipeline.worker import PipelineParams, PipelineWorker
    from pipecat.processors.audio.vad_processor import VADProcessor
    from pipecat.transports.websocket.fastapi import (
        FastAPIWebsocketParams,
        FastAPIWebsocketTransport,
    )
    from pipecat.workers.runner import WorkerRunner

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
    vad = await asyncio.to_thread(quiet_telling_vad)
    stt = await asyncio.to_thread(whisper_segments, models, vad, guesses)
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
            VADProcessor(vad_analyzer=vad),
            stt,
            interviewer,
            tts,
            transport.output(),
        ]
    )
    worker = PipelineWorker(
        pipeline,
        params=PipelineParams(audio_in_sample_rate=16_000, audio_out_sample_rate=OUT_SAMPLE_RATE),
    )

    gone = asyncio.Event()

    @transport.event_handler("on_client_disconnected")  # type: ignore[untyped-decorator]
    async def _gone(_transport: Any = None, _socket: Any = None) -> None:
        gone.set()
        await worker.cancel()

    async def _stop_when_asked(stop: asyncio.Event) -> None:
        await stop.wait()
        await _gone()  # as if the page had hung up

    watcher = asyncio.create_task(_stop_when_asked(stop)) if stop is not None else None
    try:
        runner = WorkerRunner(handle_sigint=False)
        await runner.add_workers(worker)
        await runner.run()
    except asyncio.CancelledError:
        if not gone.is_set():
            raise
        # The page hung up, or another window took over: the pipeline cancelled itself; every
        # answer is already stored.
    finally:
        if watcher is not None:
            watcher.cancel()
