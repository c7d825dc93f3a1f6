"""How long after the detector's "stopped speaking" a segment's words arrive, with the words
guessed early at several quiet thresholds and without (speech/hearing.py).

    python bench/hearing.py [--rounds 3]

Each sentence is spoken by Piper without sampling noise (the same audio every time), streamed
through Silero VAD and the Whisper service in real time (20 ms frames), and the time from the
VADUserStoppedSpeakingFrame to the TranscriptionFrame is taken. Settings are interleaved per
sentence, so a busy moment of the machine falls on all of them alike. Prints a table and writes
bench/results/hearing.json.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from pipecat.frames.frames import (
    Frame,
    InputAudioRawFrame,
    TranscriptionFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.pipeline.pipeline import Pipeline
from pipecat.processors.audio.vad_processor import VADProcessor
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor
from pipecat.tests.utils import SleepFrame, run_test
from recorded import record  # bench/recorded.py, beside this file

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.speech.voices import silence, speak_steadily, spoken_part  # noqa: E402

from greenroom.speech import hearing  # noqa: E402
from greenroom.speech.models import default_voice_models  # noqa: E402

SENTENCES = [
    "I added an index on the customer id and the page got much faster.",
    "We moved the monthly reports to a nightly job.",
    "In the end we shipped on time and support tickets dropped by a third.",
    "I would start by looking at the slow query log and the plan.",
]
SETTINGS = {"no guess": 99.0, "guess at 0.04 s": 0.04, "guess at 0.08 s": 0.08}


class Stopwatch(FrameProcessor):
    """Notes when the detector stopped and when the words arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.stopped: list[float] = []
        self.heard: list[float] = []

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if isinstance(frame, VADUserStoppedSpeakingFrame):
            self.stopped.append(time.monotonic())
        elif isinstance(frame, TranscriptionFrame):
            self.heard.append(time.monotonic())
        await self.push_frame(frame, direction)


def words_of(text: str) -> np.ndarray:
    return np.concatenate([silence(0.5), spoken_part(speak_steadily(text)), silence(2.0)])


async def stop_to_words(audio: np.ndarray) -> float:
    vad = hearing.quiet_telling_vad()
    watch = Stopwatch()
    stt = hearing.whisper_segments(default_voice_models(), vad)
    pipeline = Pipeline([VADProcessor(vad_analyzer=vad), stt, watch])
    pcm = (np.clip(audio, -1, 1) * 32767).astype(np.int16).tobytes()
    frames: list[Frame] = []
    for start in range(0, len(pcm), 640):
        frames += [InputAudioRawFrame(pcm[start : start + 640], 16_000, 1), SleepFrame(0.02)]
    await run_test(pipeline, frames_to_send=frames)
    return watch.heard[-1] - watch.stopped[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    default_voice_models().whisper.warm_up()
    audios = [words_of(text) for text in SENTENCES]
    found: dict[str, list[float]] = {name: [] for name in SETTINGS}
    for _ in range(args.rounds):
        for audio in audios:
            for name, quiet_s in SETTINGS.items():
                hearing.EARLY_QUIET_S = quiet_s
                found[name].append(asyncio.run(stop_to_words(audio)))
    results: dict[str, Any] = {}
    print(f"{'setting':<20}{'median ms':>12}{'max ms':>10}")
    for name, times in found.items():
        row = {
            "median_ms": round(1000 * statistics.median(times)),
            "max_ms": round(1000 * max(times)),
            "all_ms": [round(1000 * t) for t in times],
        }
        results[name] = row
        print(f"{name:<20}{row['median_ms']:>12}{row['max_ms']:>10}")
    record("hearing", results)


if __name__ == "__main__":
    main()
