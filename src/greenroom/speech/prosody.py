"""How an answer sounded, from the samples alone: where the speech and the pauses are (a numpy
energy detector), how loud the voiced parts are and how much the pitch moves (praat-parselmouth).

Pauses come from the signal, not from Whisper's word gaps: word timings stretch over silences
and invent gaps that are not there (docs/scoring.md, "Delivery (voice answers)").
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from greenroom.providers.stt import SAMPLE_RATE

FRAME_S = 0.02  # energy frames of 20 ms
PAUSE_MIN_S = 0.5  # shorter silences are ordinary phrasing, not pauses
BLIP_MAX_S = 0.06  # a click or a breath this short inside a silence does not end the pause
SILENCE_DB = -60.0  # a recording whose loud frames stay below this (dBFS) holds no speech
OCTAVE_ERROR_ST = 12.0  # pitch frames further than an octave from the median are tracking errors
MIN_VOICED_FRAMES = 20  # 0.2 s of voicing, below which pitch and loudness are not reported
# Praat's default (0.03 of the peak) calls a voice that trails off 20 dB "silent"; loudness
# steadiness must still see those frames.
QUIET_VOICE = 0.01

Samples = npt.NDArray[np.float32]


class AudioFormatError(ValueError):
    """The audio is not mono samples in -1..1 (or int16 PCM) that could be measured."""


def as_mono_float(audio: object) -> Samples:
    """`audio` as mono float32 in -1..1: int16 PCM is scaled, channels are averaged, NaN and
    infinities become silence and clipped peaks are cut at ±1. Raises AudioFormatError for
    anything else (other integer types, float samples on an int16 scale, 3-D arrays)."""
    array = np.asarray(audio)
    if array.dtype == np.int16:
        array = array.astype(np.float32) / 32768.0
    elif not np.issubdtype(array.dtype, np.floating):
        raise AudioFormatError(f"audio must be float32 in -1..1 or int16 PCM, not {array.dtype}")
    if array.ndim == 2:
        channels_axis = 0 if array.shape[0] < array.shape[1] else 1
        array = array.mean(axis=channels_axis)
    elif array.ndim > 2:
        raise AudioFormatError(f"audio must be mono, not an array of shape {array.shape}")
    samples = np.nan_to_num(array.astype(np.float32), nan=0.0, posinf=0.0, neginf=0.0)
    peak = float(np.max(np.abs(samples))) if samples.size else 0.0
    if peak > 2.0:
        raise AudioFormatError(
            f"audio samples reach {peak:.0f}, expected -1..1: int16 samples passed as floats "
            "must be divided by 32768"
        )
    return np.clip(samples, -1.0, 1.0)


def frame_levels(samples: Samples) -> npt.NDArray[np.float64]:
    """RMS level of each 20-ms frame in dBFS (digital silence is -100)."""
    hop = int(FRAME_S * SAMPLE_RATE)
    count = len(samples) // hop
    if count == 0:
        return np.zeros(0)
    frames = samples[: count * hop].astype(np.float64).reshape(count, hop)
    rms = np.sqrt(np.mean(frames**2, axis=1))
    return np.asarray(20 * np.log10(np.maximum(rms, 1e-5)))


@dataclass(frozen=True)
class SpeechActivity:
    """Where the speech is: the time spoken, the pauses between first and last speech, and the
    onset of each stretch of speech (seconds from the start of the audio)."""

    speaking_s: float
    pauses: tuple[tuple[float, float], ...]
    onsets: tuple[float, ...]
    first_speech_s: float | None
    last_speech_s: float | None
    threshold_db: float | None


def _runs(mask: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    """(start, end) frame indices of each run of True, end exclusive."""
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(s), int(e)) for s, e in zip(edges[::2], edges[1::2], strict=True)]


def speech_activity(samples: Samples) -> SpeechActivity:
    """Speech and pauses from frame energy. The threshold adapts to the recording: 30 % of the
    way from its noise floor (10th percentile) to its loud frames (95th), but never more than
    40 dB under the loud frames, so quiet consonants in a clean recording still count."""
    levels = frame_levels(samples)
    loud = float(np.percentile(levels, 95)) if levels.size else -100.0
    if loud < SILENCE_DB:
        return SpeechActivity(0.0, (), (), None, None, None)
    floor = float(np.percentile(levels, 10))
    threshold = max(floor + 0.3 * (loud - floor), loud - 40.0)
    speech = levels > threshold
    for start, end in _runs(speech):  # clicks and breaths inside a silence
        if (end - start) * FRAME_S < BLIP_MAX_S:
            speech[start:end] = False
    runs = _runs(speech)
    if not runs:
        return SpeechActivity(0.0, (), (), None, None, threshold)
    pauses = tuple(
        (round(end * FRAME_S, 3), round(next_start * FRAME_S, 3))
        for (_, end), (next_start, _) in itertools.pairwise(runs)
        if (next_start - end) * FRAME_S >= PAUSE_MIN_S
    )
    return SpeechActivity(
        speaking_s=round(float(speech.sum()) * FRAME_S, 3),
        pauses=pauses,
        onsets=tuple(round(start * FRAME_S, 3) for start, _ in runs),
        first_speech_s=round(runs[0][0] * FRAME_S, 3),
        last_speech_s=round(runs[-1][1] * FRAME_S, 3),
        threshold_db=round(threshold, 1),
    )


@dataclass(frozen=True)
class Voice:
    """Pitch and loudness over voiced frames only (where Praat finds a pitch): silence and
    breath would drag a mean level from ~70 dB to ~35 dB."""

    voiced_s: float
    pitch_median_hz: float | None
    pitch_variation_st: float | None  # standard deviation in semitones around the median
    loudness_db: float | None  # Praat's intensity: relative, the microphone is not calibrated
    loudness_std_db: float | None


NO_VOICE = Voice(0.0, None, None, None, None)


def voice(samples: Samples) -> Voice:
    """Pitch (two passes, the second with a range fitted to the speaker: 0.75 × first quartile
    to 1.5 × third quartile, after De Looze and Hirst) and intensity, on voiced frames."""
    import parselmouth  # heavy-ish native library: loaded on first analysis only

    if len(samples) < SAMPLE_RATE // 10:
        return NO_VOICE
    sound = parselmouth.Sound(samples.astype(np.float64), sampling_frequency=SAMPLE_RATE)
    try:
        pitch = sound.to_pitch_ac(
            time_step=0.01, pitch_floor=60.0, pitch_ceiling=700.0, silence_threshold=QUIET_VOICE
        )
        f0 = pitch.selected_array["frequency"]
        if np.count_nonzero(f0) >= MIN_VOICED_FRAMES:
            low, high = np.percentile(f0[f0 > 0], [25, 75])
            pitch = sound.to_pitch_ac(
                time_step=0.01,
                pitch_floor=max(40.0, 0.75 * low),
                pitch_ceiling=1.5 * high,
                silence_threshold=QUIET_VOICE,
            )
            f0 = pitch.selected_array["frequency"]
        intensity = sound.to_intensity(minimum_pitch=60.0, time_step=0.01)
    except parselmouth.PraatError:
        return NO_VOICE
    voiced = f0 > 0
    if np.count_nonzero(voiced) < MIN_VOICED_FRAMES:
        return Voice(round(float(np.count_nonzero(voiced)) * 0.01, 2), None, None, None, None)
    times = np.asarray(pitch.xs())[voiced]
    median = float(np.median(f0[voiced]))
    semitones = 12 * np.log2(f0[voiced] / median)
    semitones = semitones[np.abs(semitones) < OCTAVE_ERROR_ST]
    levels = np.interp(times, np.asarray(intensity.xs()), np.asarray(intensity.values[0]))
    levels = levels[np.isfinite(levels) & (levels > 0)]
    return Voice(
        voiced_s=round(float(np.count_nonzero(voiced)) * 0.01, 2),
        pitch_median_hz=round(median, 1),
        pitch_variation_st=round(float(np.std(semitones)), 2),
        loudness_db=round(float(np.mean(levels)), 1) if levels.size else None,
        loudness_std_db=round(float(np.std(levels)), 2) if levels.size else None,
    )
