"""The interviewer's voice in the pipeline: Pipecat's TTS machinery over the shared Piper voice,
at the persona's pace."""

from __future__ import annotations

from pipecat.frames.frames import TTSAudioRawFrame, TTSSpeakFrame
from pipecat.pipeline.task import PipelineParams
from pipecat.tests.utils import run_test

from greenroom.speech.voice_out import InterviewerVoiceService, persona_voice
from tests.speech.pipelines import in_own_loop
from tests.speech.voices import piper, speak

LINE = (
    "Thanks for that. Let's move on to the next question, which is about how you would design "
    "a rate limiter for a public API."
)


def test_the_persona_sets_the_pace_of_the_voice() -> None:
    friendly, neutral, tough = (persona_voice(p) for p in ("friendly", "neutral", "tough"))
    assert friendly.pace < neutral.pace < tough.pace
    assert persona_voice("someone else") == neutral
    slow, usual, brisk = (len(speak(LINE, voice=v)) / 16_000 for v in (friendly, neutral, tough))
    assert brisk < 0.9 * slow  # measured 0.80 (runs vary by about ±2 %)
    assert 160 <= len(LINE.split()) / usual * 60 <= 200  # words a minute, like an interviewer


def test_the_service_speaks_through_pipecat_at_the_output_rate() -> None:
    service = InterviewerVoiceService(piper(), persona_voice("neutral"))
    down, _ = in_own_loop(
        run_test(
            service,
            frames_to_send=[TTSSpeakFrame("Tell me about a time you disagreed with a colleague.")],
            pipeline_params=PipelineParams(audio_out_sample_rate=22_050),
        )
    )
    audio = [f for f in down if isinstance(f, TTSAudioRawFrame)]
    seconds = sum(len(f.audio) for f in audio) / 2 / 22_050
    assert audio and all(f.sample_rate == 22_050 for f in audio)
    assert 1.5 < seconds < 6
