"""Text to speech: one small interface; Piper with the bundled voice, espeak-ng as the fallback."""

from __future__ import annotations

import abc
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Voice:
    """How the interviewer sounds: `pace` above 1 is faster (the persona sets it)."""

    pace: float = 1.0


class SpeechError(Exception):
    """No speech could be made; the caller shows the text instead."""


class TextToSpeech(abc.ABC):
    name: str
    sample_rate: int  # of the 16-bit mono PCM it yields

    @abc.abstractmethod
    def speak(self, text: str, voice: Voice = Voice()) -> Iterator[bytes]:
        """16-bit little-endian mono PCM, one chunk per sentence as soon as it is ready."""
