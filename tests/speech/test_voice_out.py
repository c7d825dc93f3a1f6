"""The interviewer's voice in the pipeline: Pipecat's TTS machinery over the shared Piper voice,
at the persona's pace."""

from __future__ import annotations

import time
from collections.abc import Iterator

from pipecat.frames.frames import TTSAudioRawFrame, TTSSpeakFrame
from pipecat.pipeline.worker import PipelineParams
from pipecat.tests.utils import SleepFrame, run_test

from greenroom.providers.tts import Voice
from greenroom.providers.tts.piper import PiperTTS
from greenroom.providers.tts.remembered import RememberedSentences
from greenroom.speech.voice_out import InterviewerVoiceService, persona_lines, persona_voice
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


class CountingPiper(PiperTTS):
    """The real Piper voice, counting the sentences it is asked to make."""

    def __init__(self) -> None:
        super().__init__()
        self.made: list[str] = []

    def speak(self, text: str, voice: Voice = Voice()) -> Iterator[bytes]:
        self.made.append(text)
        yield from super().speak(text, voice)


def test_short_sentences_are_spoken_once_and_then_remembered() -> None:
    piper_voice = CountingPiper()
    remembered = RememberedSentences(piper_voice)
    neutral = persona_voice("neutral")
    first = list(remembered.speak(LINE, neutral))
    assert piper_voice.made == ["Thanks for that.", LINE.removeprefix("Thanks for that. ")]
    assert remembered.knows("Thanks for that.", neutral)
    assert not remembered.knows(piper_voice.made[1], neutral)  # long sentences are not kept
    again = list(remembered.speak(LINE, neutral))
    assert piper_voice.made[2:] == [piper_voice.made[1]]  # the short one came from memory
    assert again[0] == first[0]
    # The same words at another pace are another recording.
    assert not remembered.knows("Thanks for that.", persona_voice("tough"))


def test_the_persona_lines_are_prepared_after_the_first_utterance() -> None:
    remembered = RememberedSentences(piper())
    neutral = persona_voice("neutral")
    lines = persona_lines("neutral")
    assert "Thank you." in lines and "Next question." in lines
    assert not any("{" in line for line in lines)
    service = InterviewerVoiceService(remembered, neutral, prepare=lines)
    in_own_loop(
        run_test(
            service,
            # The pipeline stays up a moment, as a session would, so the preparation starts.
            frames_to_send=[TTSSpeakFrame("Tell me about a time you disagreed."), SleepFrame(1.0)],
            pipeline_params=PipelineParams(audio_out_sample_rate=22_050),
        )
    )
    deadline = time.monotonic() + 60  # made on a thread while the first utterance plays
    while not all(remembered.knows(line, neutral) for line in lines):
        assert time.monotonic() < deadline, "the persona's lines were never prepared"
        time.sleep(0.1)
