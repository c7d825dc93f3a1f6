"""Delivery (E1): how a spoken answer sounded, measured from its audio and Whisper's words.

`analyse` measures; `highlights` marks fillers, long pauses, most-used words and job terms on the
transcript; `greenroom.speech.delivery_evidence` judges the figures against coaching ranges. The
voice pipeline stores `Delivery.to_dict()` on each answer turn (`meta["delivery"]`) and the report
reads it back with `Delivery.from_dict`. Every range and curve is in docs/scoring.md, section
"Delivery (voice answers)".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from greenroom.providers.stt import SAMPLE_RATE, TimedWord
from greenroom.speech import prosody
from greenroom.speech.wording import find_fillers, find_terms, frequent_words, normalise

DELIVERY_VERSION = 1
MIN_SPEECH_S = 1.0  # less speech than this is "not enough speech" for any figure
MIN_WORDS = 3  # a pace or a filler rate over fewer words means nothing
WINDOW_S = 10.0  # the pace timeline's resolution
MIN_WINDOW_S = 3.0  # a shorter last window joins the one before it
LONG_PAUSE_S = 2.0
ONSET_BEFORE_WORD_S = 0.5  # Whisper starts words early: trust the energy onset near it
NOT_ENOUGH_SPEECH = "not enough speech"


@dataclass(frozen=True)
class PaceWindow:
    """Words spoken in one stretch of the answer, for the timeline (seconds from audio start)."""

    start: float
    end: float
    words: int
    wpm: float


@dataclass(frozen=True)
class SpokenFiller:
    """A filler heard: words `word_index`..`end_index` (exclusive) of the transcript."""

    word_index: int
    end_index: int
    text: str
    start: float
    end: float
    weight: float


@dataclass(frozen=True)
class Delivery:
    """Every figure measured on one spoken answer. Times are seconds from the audio's start."""

    duration_s: float
    enough_speech: bool
    note: str  # why there are no figures, when there is not enough speech
    speaking_s: float  # time with speech energy, pauses excluded
    word_count: int
    answer_s: float  # from the first word to the last, pauses included
    wpm: float | None  # words over answer_s
    articulation_wpm: float | None  # words over speaking time only
    windows: tuple[PaceWindow, ...]
    pauses: tuple[tuple[float, float], ...]  # silences of PAUSE_MIN_S or more between speech
    fillers: tuple[SpokenFiller, ...]
    fillers_per_minute: float | None  # weighted
    fillers_per_100_words: float | None  # weighted
    voiced_s: float
    loudness_db: float | None
    loudness_std_db: float | None
    pitch_median_hz: float | None
    pitch_variation_st: float | None
    start_delay_s: float | None
    frequent_words: tuple[tuple[str, int], ...]
    job_terms_used: tuple[tuple[str, int], ...]
    words: tuple[TimedWord, ...]

    @property
    def pause_total_s(self) -> float:
        return round(sum(end - start for start, end in self.pauses), 2)

    @property
    def longest_pause_s(self) -> float:
        return round(max((end - start for start, end in self.pauses), default=0.0), 2)

    @property
    def long_pauses(self) -> tuple[tuple[float, float], ...]:
        return tuple(p for p in self.pauses if p[1] - p[0] >= LONG_PAUSE_S)

    @property
    def filler_weight(self) -> float:
        return sum(f.weight for f in self.fillers)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: every figure, including the derived ones, and the words with times."""
        return {
            "version": DELIVERY_VERSION,
            "enough_speech": self.enough_speech,
            "note": self.note,
            "duration_s": self.duration_s,
            "speaking_s": self.speaking_s,
            "word_count": self.word_count,
            "answer_s": self.answer_s,
            "wpm": self.wpm,
            "articulation_wpm": self.articulation_wpm,
            "windows": [vars(w) for w in self.windows],
            "pauses": [list(p) for p in self.pauses],
            "pause_count": len(self.pauses),
            "pause_total_s": self.pause_total_s,
            "longest_pause_s": self.longest_pause_s,
            "long_pause_count": len(self.long_pauses),
            "fillers": [vars(f) for f in self.fillers],
            "filler_count": len(self.fillers),
            "filler_weight": self.filler_weight,
            "fillers_per_minute": self.fillers_per_minute,
            "fillers_per_100_words": self.fillers_per_100_words,
            "voiced_s": self.voiced_s,
            "loudness_db": self.loudness_db,
            "loudness_std_db": self.loudness_std_db,
            "pitch_median_hz": self.pitch_median_hz,
            "pitch_variation_st": self.pitch_variation_st,
            "start_delay_s": self.start_delay_s,
            "frequent_words": [{"word": w, "count": n} for w, n in self.frequent_words],
            "job_terms_used": [{"term": t, "count": n} for t, n in self.job_terms_used],
            "words": [[w.text, w.start, w.end, w.probability] for w in self.words],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Delivery:
        """Back from `to_dict`. Raises KeyError, TypeError or ValueError on anything else."""
        if data.get("version") != DELIVERY_VERSION:
            raise ValueError(f"unknown delivery version {data.get('version')!r}")
        return cls(
            duration_s=float(data["duration_s"]),
            enough_speech=bool(data["enough_speech"]),
            note=str(data["note"]),
            speaking_s=float(data["speaking_s"]),
            word_count=int(data["word_count"]),
            answer_s=float(data["answer_s"]),
            wpm=_optional(data["wpm"]),
            articulation_wpm=_optional(data["articulation_wpm"]),
            windows=tuple(PaceWindow(**w) for w in data["windows"]),
            pauses=tuple((float(s), float(e)) for s, e in data["pauses"]),
            fillers=tuple(SpokenFiller(**f) for f in data["fillers"]),
            fillers_per_minute=_optional(data["fillers_per_minute"]),
            fillers_per_100_words=_optional(data["fillers_per_100_words"]),
            voiced_s=float(data["voiced_s"]),
            loudness_db=_optional(data["loudness_db"]),
            loudness_std_db=_optional(data["loudness_std_db"]),
            pitch_median_hz=_optional(data["pitch_median_hz"]),
            pitch_variation_st=_optional(data["pitch_variation_st"]),
            start_delay_s=_optional(data["start_delay_s"]),
            frequent_words=tuple((str(f["word"]), int(f["count"])) for f in data["frequent_words"]),
            job_terms_used=tuple((str(t["term"]), int(t["count"])) for t in data["job_terms_used"]),
            words=tuple(
                TimedWord(str(t), float(s), float(e), float(p)) for t, s, e, p in data["words"]
            ),
        )


def _optional(value: Any) -> float | None:
    return None if value is None else float(value)


def _clean(words: Sequence[TimedWord]) -> list[TimedWord]:
    """Words with text and finite times, in order, each ending no earlier than it starts."""
    kept = [
        TimedWord(
            w.text.strip(),
            round(float(w.start), 3),
            round(float(max(w.start, w.end)), 3),
            round(float(w.probability), 3),
        )
        for w in words
        if w.text.strip() and math.isfinite(w.start) and math.isfinite(w.end)
    ]
    return sorted(kept, key=lambda w: w.start)


def _windows(words: list[TimedWord], start: float, end: float) -> tuple[PaceWindow, ...]:
    edges = [start + k * WINDOW_S for k in range(max(1, math.ceil((end - start) / WINDOW_S)))]
    if len(edges) > 1 and end - edges[-1] < MIN_WINDOW_S:
        edges.pop()
    bounds = list(zip(edges, [*edges[1:], end], strict=True))
    middles = [(w.start + w.end) / 2 for w in words]
    windows = []
    for k, (low, high) in enumerate(bounds):
        last = k == len(bounds) - 1
        count = sum(1 for m in middles if (k == 0 or m >= low) and (last or m < high))
        windows.append(
            PaceWindow(round(low, 2), round(high, 2), count, round(60 * count / (high - low), 1))
        )
    return tuple(windows)


def _first_word_start(words: list[TimedWord], onsets: tuple[float, ...]) -> float:
    """Where the first word starts: the energy onset near Whisper's start, which runs early."""
    first = words[0]
    near = [t for t in onsets if first.start - ONSET_BEFORE_WORD_S <= t <= first.end]
    return near[0] if near else first.start


def _not_enough(
    duration: float, activity: prosody.SpeechActivity, words: list[TimedWord]
) -> Delivery:
    heard = f"{activity.speaking_s:.1f} s of speech" + (
        f", {len(words)} words" if words else ", no words recognised"
    )
    return Delivery(
        duration_s=round(duration, 2),
        enough_speech=False,
        note=f"{NOT_ENOUGH_SPEECH} ({heard})",
        speaking_s=activity.speaking_s,
        word_count=len(words),
        answer_s=0.0,
        wpm=None,
        articulation_wpm=None,
        windows=(),
        pauses=(),
        fillers=(),
        fillers_per_minute=None,
        fillers_per_100_words=None,
        voiced_s=0.0,
        loudness_db=None,
        loudness_std_db=None,
        pitch_median_hz=None,
        pitch_variation_st=None,
        start_delay_s=None,
        frequent_words=(),
        job_terms_used=(),
        words=tuple(words),
    )


def analyse(
    audio: object,
    words: Sequence[TimedWord],
    *,
    question_ended_at_s: float = 0.0,
    job_terms: tuple[str, ...] = (),
) -> Delivery:
    """Measures one spoken answer: `audio` is mono float32 in -1..1 at 16 kHz (int16 PCM is
    converted; anything else raises prosody.AudioFormatError), `words` Whisper's words with
    times on the same clock, `question_ended_at_s` when the question finished on that clock.
    Less than a second of speech, or fewer than three words, gives a Delivery that says "not
    enough speech"."""
    samples = prosody.as_mono_float(audio)
    duration = len(samples) / SAMPLE_RATE
    spoken = _clean(words)
    activity = prosody.speech_activity(samples)
    if activity.speaking_s < MIN_SPEECH_S or len(spoken) < MIN_WORDS:
        return _not_enough(duration, activity, spoken)
    start = _first_word_start(spoken, activity.onsets)
    end = spoken[-1].end
    if activity.last_speech_s is not None and start < activity.last_speech_s < end:
        end = activity.last_speech_s  # Whisper stretches the last word over trailing silence
    span = max(end - start, 0.1)
    end = start + span  # one word whose end Whisper put at its start still spans 0.1 s
    texts = [w.text for w in spoken]
    fillers = tuple(
        SpokenFiller(f.start, f.end, f.text, spoken[f.start].start, spoken[f.end - 1].end, f.weight)
        for f in find_fillers(texts)
    )
    weight = sum(f.weight for f in fillers)
    voice = prosody.voice(samples)
    asked_at = question_ended_at_s if math.isfinite(question_ended_at_s) else 0.0
    terms = Counter(term for term, _, _ in find_terms(texts, job_terms))
    return Delivery(
        duration_s=round(duration, 2),
        enough_speech=True,
        note="",
        speaking_s=activity.speaking_s,
        word_count=len(spoken),
        answer_s=round(span, 2),
        wpm=round(60 * len(spoken) / span, 1),
        articulation_wpm=round(60 * len(spoken) / activity.speaking_s, 1),
        windows=_windows(spoken, start, end),
        pauses=tuple(p for p in activity.pauses if p[1] > start + 0.1 and p[0] < end),
        fillers=fillers,
        fillers_per_minute=round(60 * weight / span, 2),
        fillers_per_100_words=round(100 * weight / len(spoken), 2),
        voiced_s=voice.voiced_s,
        loudness_db=voice.loudness_db,
        loudness_std_db=voice.loudness_std_db,
        pitch_median_hz=voice.pitch_median_hz,
        pitch_variation_st=voice.pitch_variation_st,
        start_delay_s=round(max(0.0, start - asked_at), 2),
        frequent_words=tuple(frequent_words(texts)),
        job_terms_used=tuple((t, terms[t]) for t in dict.fromkeys(job_terms) if terms[t]),
        words=tuple(spoken),
    )


def _word_at(words: Sequence[TimedWord], seconds: float) -> int:
    """Index of the first word whose middle comes after `seconds` (len(words) if none)."""
    return next((i for i, w in enumerate(words) if (w.start + w.end) / 2 > seconds), len(words))


def highlights(words: Sequence[TimedWord], delivery: Delivery) -> list[dict[str, Any]]:
    """Spans to mark on the transcript `words`: fillers, long pauses (an empty span before the
    word that follows the silence), the most-used content words and job-description terms.
    Each has kind, start_word, end_word (exclusive), start_s, end_s and a label."""
    texts = [w.text for w in words]
    marks: list[dict[str, Any]] = []

    def mark(kind: str, first: int, end: int, start_s: float, end_s: float, label: str) -> None:
        marks.append(
            {
                "kind": kind,
                "start_word": first,
                "end_word": end,
                "start_s": round(start_s, 2),
                "end_s": round(end_s, 2),
                "label": label,
            }
        )

    for f in find_fillers(texts):
        mark(
            "filler",
            f.start,
            f.end,
            words[f.start].start,
            words[f.end - 1].end,
            f"filler “{f.text}” (weight {f.weight:g})",
        )
    for start, end in delivery.long_pauses:
        at = _word_at(words, (start + end) / 2)
        mark("long_pause", at, at, start, end, f"{end - start:.1f} s pause")
    frequent = {w for w, _ in delivery.frequent_words}
    for i, text in enumerate(texts):
        word = normalise(text)
        if word in frequent:
            mark(
                "frequent_word",
                i,
                i + 1,
                words[i].start,
                words[i].end,
                f"“{word}” said {dict(delivery.frequent_words)[word]} times",
            )
    for term, first, end in find_terms(texts, [t for t, _ in delivery.job_terms_used]):
        mark(
            "job_term",
            first,
            end,
            words[first].start,
            words[end - 1].end,
            f"job description term “{term}”",
        )
    return sorted(marks, key=lambda m: (m["start_word"], m["end_word"] - m["start_word"]))
