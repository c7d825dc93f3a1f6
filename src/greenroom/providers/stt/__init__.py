"""Speech to text: one small interface; faster-whisper with the bundled tiny.en is the default."""

from __future__ import annotations

import abc
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

SAMPLE_RATE = 16_000  # what every SpeechToText takes: mono float32 in -1..1 at 16 kHz
Audio = npt.NDArray[np.float32]


@dataclass(frozen=True)
class TimedWord:
    """One recognised word, with its times in seconds from the start of the audio."""

    text: str
    start: float
    end: float
    probability: float = 1.0


@dataclass(frozen=True)
class Transcript:
    text: str
    words: list[TimedWord] = field(default_factory=list)
    duration_s: float = 0.0


class TranscriptionError(Exception):
    """The audio could not be transcribed; it is kept so the candidate can retry."""


class SpeechToText(abc.ABC):
    name: str

    @abc.abstractmethod
    def transcribe(self, audio: Audio, *, prompt: str = "") -> Transcript:
        """The words in `audio` (16 kHz mono float32), with word timings."""
