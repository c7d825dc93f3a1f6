"""Delivery judged: each figure of a spoken answer's Delivery against published coaching
ranges, as Evidence with a 0..1 score and the figures it rests on.

Every curve here is in docs/scoring.md, section "Delivery (voice answers)", with its source.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from greenroom.assessment.evidence import Evidence, ramp
from greenroom.speech.delivery import LONG_PAUSE_S, Delivery

FILLER_CAVEAT = "Whisper drops some fillers, so the count is a lower bound."

# Scoring curves: 0..1 from a figure. A score under FLAGGED is called out in the report.
FLAGGED = 0.5
PACE_COMFORTABLE = (130.0, 175.0)
PACE_FLAGGED = (110.0, 190.0)  # sustained beyond these, the pace is called out
PACE_ZERO = (90.0, 210.0)


def pace_score(wpm: float) -> float:
    """1 from 130 to 175 wpm; 0.5 at 110 and 190 (flagged beyond); 0 at 90 and 210."""
    (zero_low, zero_high), (flag_low, flag_high) = PACE_ZERO, PACE_FLAGGED
    low, high = PACE_COMFORTABLE
    if wpm < low:
        return 0.5 * ramp(wpm, zero_low, flag_low) + 0.5 * ramp(wpm, flag_low, low)
    return 0.5 * (1 - ramp(wpm, high, flag_high)) + 0.5 * (1 - ramp(wpm, flag_high, zero_high))


def pause_score(long_pauses_per_minute: float, pause_share: float, longest_s: float = 0) -> float:
    """The lowest of: 1 − ramp(long pauses a minute, 1 → 4), 1 − ramp(share of the answer
    spent in pauses, 0.3 → 0.6) and 1 − ramp(longest pause, 4 s → 10 s)."""
    return min(
        1 - ramp(long_pauses_per_minute, 1.0, 4.0),
        1 - ramp(pause_share, 0.3, 0.6),
        1 - ramp(longest_s, 4.0, 10.0),
    )


def filler_score(per_minute: float, per_100_words: float) -> float:
    """Mean of 1 − ramp(weighted fillers a minute, 2 → 8) and 1 − ramp(per 100 words, 1.5 → 6)."""
    return ((1 - ramp(per_minute, 2.0, 8.0)) + (1 - ramp(per_100_words, 1.5, 6.0))) / 2


def steadiness_score(loudness_std_db: float) -> float:
    """1 up to 7 dB of spread in voiced-frame loudness, 0 from 13 dB (flagged over 10 dB)."""
    return 1 - ramp(loudness_std_db, 7.0, 13.0)


def pitch_variation_score(semitones: float) -> float:
    """0 at 1 semitone of pitch spread, 1 from 2.5 (flagged as monotone under 1.75)."""
    return ramp(semitones, 1.0, 2.5)


def start_delay_score(seconds: float) -> float:
    """1 up to 3 s from the end of the question to the first word, 0 from 10 s."""
    return 1 - ramp(seconds, 3.0, 10.0)


DELIVERY_DIMENSIONS = (
    "pace",
    "pauses",
    "filler_words_spoken",
    "loudness",
    "pitch_variation",
    "start_delay",
)
_NAMES = {
    "pace": "Pace",
    "pauses": "Pauses",
    "filler_words_spoken": "Spoken fillers",
    "loudness": "Loudness",
    "pitch_variation": "Pitch variation",
    "start_delay": "Start",
}


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def clock(seconds: float) -> str:
    """0:07, 1:32: a time in the answer as a candidate reads it."""
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


def _evidence(
    dimension: str, score: float | None, summary: str, figures: dict[str, Any], *quotes: str
) -> Evidence:
    flagged = score is not None and score < FLAGGED
    return Evidence(
        dimension,
        None if score is None else round(score, 3),
        0.0 if score is None else 1.0,
        summary,
        tuple(quotes),
        {**figures, "flagged": flagged},
    )


def _pace(d: Delivery) -> Evidence:
    wpm = d.wpm or 0.0
    score = pace_score(wpm)
    low, high = PACE_COMFORTABLE
    verdict = (
        "comfortable"
        if low <= wpm <= high
        else "a little slow"
        if wpm < low and score >= FLAGGED
        else "a little fast"
        if score >= FLAGGED
        else "slow over the whole answer"
        if wpm < low
        else "fast over the whole answer"
    )
    slow = sum(1 for w in d.windows if w.wpm < PACE_FLAGGED[0])
    fast = sum(1 for w in d.windows if w.wpm > PACE_FLAGGED[1])
    summary = f"{wpm:.0f} words a minute: {verdict} (comfortable is {low:.0f}–{high:.0f})."
    if len(d.windows) > 1 and (slow or fast):
        summary += f" {slow} of {len(d.windows)} ten-second stretches under 110, {fast} over 190."
    figures = {
        "wpm": d.wpm,
        "articulation_wpm": d.articulation_wpm,
        "words": d.word_count,
        "answer_s": round(d.answer_s, 1),
        "windows_slow": slow,
        "windows_fast": fast,
        "comfortable": list(PACE_COMFORTABLE),
    }
    return _evidence("pace", score, summary, figures)


def _pauses(d: Delivery) -> Evidence:
    minutes = max(1.0, d.answer_s / 60)  # one long pause in a short answer is not a habit
    share = d.pause_total_s / d.answer_s if d.answer_s else 0.0
    score = pause_score(len(d.long_pauses) / minutes, share, d.longest_pause_s)
    summary = "No pause of half a second or more."
    if d.pauses:
        summary = (
            f"{_count(len(d.pauses), 'pause')} of half a second or more "
            f"({d.pause_total_s:.1f} s in all, longest {d.longest_pause_s:.1f} s), "
            f"{len(d.long_pauses)} long ({LONG_PAUSE_S:.0f} s or more)."
        )
    quotes = [
        f"{end - start:.1f} s of silence at {clock(start)}" for start, end in d.long_pauses[:3]
    ]
    figures = {
        "count": len(d.pauses),
        "total_s": d.pause_total_s,
        "longest_s": d.longest_pause_s,
        "long_count": len(d.long_pauses),
        "share": round(share, 3),
        "pauses": [list(p) for p in d.pauses],
    }
    return _evidence("pauses", score, summary, figures, *quotes)


def _fillers(d: Delivery) -> Evidence:
    per_minute, per_100 = d.fillers_per_minute or 0.0, d.fillers_per_100_words or 0.0
    score = filler_score(per_minute, per_100)
    heard = Counter(f.text for f in d.fillers)
    summary = f"No filler word heard. {FILLER_CAVEAT}"
    if d.fillers:
        which = ", ".join(f"{w} ×{n}" for w, n in heard.items())
        summary = (
            f"{_count(len(d.fillers), 'filler word')} heard ({which}; weighted "
            f"{per_minute:.1f} a minute, {per_100:.1f} per 100 words). {FILLER_CAVEAT}"
        )
    quotes = [f"“{f.text}” at {clock(f.start)}" for f in d.fillers[:4]]
    figures = {
        "count": len(d.fillers),
        "weighted": d.filler_weight,
        "per_minute": per_minute,
        "per_100_words": per_100,
        "words": dict(heard),
        "lower_bound": True,
    }
    return _evidence("filler_words_spoken", score, summary, figures, *quotes)


def _loudness(d: Delivery) -> Evidence:
    figures = {"mean_db": d.loudness_db, "std_db": d.loudness_std_db, "voiced_s": d.voiced_s}
    if d.loudness_std_db is None or d.loudness_db is None:
        return _evidence("loudness", None, "Too little voiced sound to judge loudness.", figures)
    score = steadiness_score(d.loudness_std_db)
    verdict = "steady" if score >= 0.75 else "fairly steady" if score >= FLAGGED else "uneven"
    return _evidence(
        "loudness",
        score,
        f"Voice level {d.loudness_db:.0f} dB on voiced sound (relative: microphones differ), "
        f"varying by {d.loudness_std_db:.1f} dB: {verdict}.",
        figures,
    )


def _pitch(d: Delivery) -> Evidence:
    figures = {"median_hz": d.pitch_median_hz, "variation_st": d.pitch_variation_st}
    if d.pitch_variation_st is None or d.pitch_median_hz is None:
        return _evidence(
            "pitch_variation", None, "Too little voiced sound to judge pitch.", figures
        )
    score = pitch_variation_score(d.pitch_variation_st)
    verdict = (
        "lively"
        if score >= 0.75
        else "some variation"
        if score >= FLAGGED
        else "monotone — let your pitch rise and fall on the points that matter"
    )
    return _evidence(
        "pitch_variation",
        score,
        f"Pitch varies by {d.pitch_variation_st:.1f} semitones around {d.pitch_median_hz:.0f} Hz: "
        f"{verdict}.",
        figures,
    )


def _start(d: Delivery) -> Evidence:
    seconds = d.start_delay_s or 0.0
    score = start_delay_score(seconds)
    verdict = "" if score >= 1 else " (a pause to think is fine; say so if you need longer)"
    return _evidence(
        "start_delay",
        score,
        f"First word {seconds:.1f} s after the question ended{verdict}.",
        {"seconds": d.start_delay_s},
    )


def delivery_evidence(delivery: Delivery) -> list[Evidence]:
    """One Evidence per delivery dimension, scored 0..1 by the curves above, with its figures;
    with not enough speech, each says so and has no score."""
    if not delivery.enough_speech:
        return [
            _evidence(
                dimension,
                None,
                f"{_NAMES[dimension]}: {delivery.note}.",
                {"speaking_s": delivery.speaking_s},
            )
            for dimension in DELIVERY_DIMENSIONS
        ]
    return [
        _pace(delivery),
        _pauses(delivery),
        _fillers(delivery),
        _loudness(delivery),
        _pitch(delivery),
        _start(delivery),
    ]
