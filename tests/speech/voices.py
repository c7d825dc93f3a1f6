"""Real speech for tests: the project's own Piper voice (and espeak-ng), resampled to 16 kHz."""

from __future__ import annotations

import re
from functools import cache

import numpy as np
from scipy.signal import resample_poly

from greenroom.providers.stt import SAMPLE_RATE, Audio
from greenroom.providers.tts import TextToSpeech, Voice
from greenroom.providers.tts.espeak import WORDS_PER_MINUTE, EspeakTTS
from greenroom.providers.tts.piper import PiperTTS


@cache
def piper() -> PiperTTS:
    return PiperTTS()


def to_16k(pcm: bytes, rate: int) -> Audio:
    """16-bit PCM at `rate` as float32 at 16 kHz (22,050 → 16,000 is 320/441)."""
    samples = np.frombuffer(pcm, dtype=np.int16).astype(np.float32) / 32768
    divisor = np.gcd(SAMPLE_RATE, rate)
    resampled = resample_poly(samples, SAMPLE_RATE // divisor, rate // divisor)
    return np.asarray(resampled, dtype=np.float32)


def speak(text: str, tts: TextToSpeech | None = None, voice: Voice = Voice()) -> Audio:
    engine = tts or piper()
    return to_16k(b"".join(engine.speak(text, voice)), engine.sample_rate)


def speak_steadily(text: str) -> Audio:
    """Piper without its sampling noise: the same audio on every run, for tests whose outcome
    hangs on how tiny.en hears a few words (Piper's sampling changes that from run to run)."""
    return speak_piper(text, noise_scale=0.0, noise_w_scale=0.0)


def speak_piper(
    text: str,
    *,
    noise_scale: float | None = None,
    noise_w_scale: float | None = None,
    length_scale: float | None = None,
) -> Audio:
    """Piper with its synthesis settings set directly (None: the voice's own)."""
    from piper import SynthesisConfig

    config = SynthesisConfig(
        noise_scale=noise_scale, noise_w_scale=noise_w_scale, length_scale=length_scale
    )
    chunks = piper().voice.synthesize(text, syn_config=config)
    return to_16k(b"".join(bytes(c.audio_int16_bytes) for c in chunks), piper().sample_rate)


def speak_espeak(text: str, accent: str = "en-us", words_per_minute: int = 160) -> Audio:
    """espeak-ng in one of its voices and accents ("en-gb-scotland", "en-us+f3")."""
    pace = words_per_minute / WORDS_PER_MINUTE
    return speak(text, EspeakTTS(accent=accent), Voice(pace=pace))


def silence(seconds: float) -> Audio:
    return np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32)


def spoken_span_s(audio: Audio, floor: float = 0.01) -> float:
    """Seconds from the first to the last sample louder than `floor`: how long speech lasts."""
    loud = np.flatnonzero(np.abs(audio) > floor)
    return float(loud[-1] - loud[0]) / SAMPLE_RATE if loud.size else 0.0


def spoken_part(audio: Audio, floor: float = 0.01) -> Audio:
    """The audio from its first to its last sample louder than `floor` (voices begin and end in
    0.1-0.3 s of quiet)."""
    loud = np.flatnonzero(np.abs(audio) > floor)
    return audio[loud[0] : loud[-1] + 1] if loud.size else audio[:0]


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word-level edit distance over the reference length, ignoring case and punctuation."""
    ref = re.findall(r"[a-z0-9']+", reference.lower())
    hyp = re.findall(r"[a-z0-9']+", hypothesis.lower())
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, start=1):
        previous, row[0] = row[0], i
        for j, h in enumerate(hyp, start=1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (r != h))
    return row[len(hyp)] / max(1, len(ref))
