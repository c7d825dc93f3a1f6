"""Where the time to transcribe one live segment goes, and what each way of shortening it
costs in words (Whisper tiny.en through WhisperSTT.transcribe_segment).

    python bench/stt.py [--rounds 1]

The answers of bench/voice.py, spoken by Piper and espeak-ng, whole and their first part alone
(the fragment before a thinking pause), each followed by 0.2 s of silence as the detector cuts
them. Settings are interleaved per clip, so a busy moment of the machine falls on all alike:

- shipped: beam 5, Whisper's 30 s input window (the encoder reads 30 s however short the audio),
  the first window only;
- every window: as faster-whisper does on its own, which decodes the silence after a fragment's
  last word again in a second window;
- beam 1: greedy decoding;
- window +10 s / +20 s: the encoder reads the audio plus 10 or 20 s of padding instead of 30 s
  (CTranslate2 accepts the shorter input; Whisper was trained on 30 s windows).

Word error rate is against the text spoken; Whisper's figures ("50" for "fifty") count as errors
in every setting alike. "runaway" counts transcripts with more than 1.5 times the words spoken
(a phrase repeated, or words invented after the end). The encoder's time on a 30 s window is
measured alone. Prints a table and writes bench/results/stt.json.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from recorded import record  # bench/recorded.py, beside this file

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.speech.voices import silence, word_error_rate  # noqa: E402
from voice import ANSWERS, speak  # noqa: E402  (bench/voice.py, beside this file)

from greenroom.providers.stt.whisper import WhisperSTT  # noqa: E402
from greenroom.providers.tts.espeak import EspeakTTS  # noqa: E402
from greenroom.providers.tts.piper import PiperTTS  # noqa: E402

FRAMES_PER_S = 100  # Whisper's log-mel frames
# beam size, encoder padding in seconds, every window (faster-whisper's own) or the first only
SETTINGS: dict[str, tuple[int, int | None, bool]] = {
    "shipped (beam 5, 30 s window)": (5, None, False),
    "every window (faster-whisper)": (5, None, True),
    "beam 1": (1, None, False),
    "beam 5, window +20 s": (5, 20, False),
    "beam 5, window +10 s": (5, 10, False),
}


def clips() -> list[tuple[str, np.ndarray]]:
    made = []
    for tts in (PiperTTS(), EspeakTTS()):
        for before, after, _where in ANSWERS:
            for text in {before, f"{before} {after}".strip()}:
                made.append((text, np.concatenate([speak(text, tts), silence(0.2)])))
    return made


def windowed(encode: Callable[[np.ndarray], Any], padding_s: int) -> Callable[[np.ndarray], Any]:
    """The model's encoder given the audio's frames plus `padding_s` seconds, not all 30 s."""

    def encode_shorter(features: np.ndarray) -> Any:
        heard = np.flatnonzero(np.any(features != 0, axis=0))  # faster-whisper pads with zeros
        end = int(heard[-1]) + 1 if len(heard) else 1
        keep = min(features.shape[-1], end + padding_s * FRAMES_PER_S)
        return encode(np.ascontiguousarray(features[:, :keep]))

    return encode_shorter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    stt = WhisperSTT()
    model = stt.model
    shipped_encode = model.encode
    spoken = clips()
    stt.transcribe_segment(spoken[0][1])  # warm up

    found: dict[str, list[tuple[float, float, bool]]] = {name: [] for name in SETTINGS}
    for _ in range(args.rounds):
        for text, audio in spoken:
            for name, (beam, padding_s, every_window) in SETTINGS.items():
                stt.beam_size = beam
                model.encode = (
                    shipped_encode if padding_s is None else windowed(shipped_encode, padding_s)
                )
                started = time.perf_counter()
                if every_window:
                    heard = stt._decode(audio, prompt="", vad_filter=False)
                else:
                    heard = stt.transcribe_segment(audio)
                took = time.perf_counter() - started
                runaway = len(heard.text.split()) > 1.5 * len(text.split())
                found[name].append((took, word_error_rate(text, heard.text), runaway))
    model.encode = shipped_encode

    window = np.zeros((80, 30 * FRAMES_PER_S), dtype=np.float32)
    encoder = []
    for _ in range(7):
        started = time.perf_counter()
        model.encode(window)
        encoder.append(time.perf_counter() - started)

    results: dict[str, Any] = {
        "clips": len(spoken),
        "rounds": args.rounds,
        "encoder_30s_ms": round(1000 * statistics.median(encoder)),
    }
    print(
        f"{len(spoken)} clips x {args.rounds} round(s); encoder alone on a 30 s window: "
        f"{results['encoder_30s_ms']} ms (median of 7)"
    )
    print(f"{'setting':<32}{'median ms':>10}{'p95 ms':>8}{'WER':>7}{'runaway':>9}")
    for name, rows in found.items():
        times = sorted(t for t, _, _ in rows)
        row = {
            "median_ms": round(1000 * statistics.median(times)),
            "p95_ms": round(1000 * times[int(0.95 * (len(times) - 1))]),
            "mean_wer": round(statistics.mean(w for _, w, _ in rows), 3),
            "runaway": sum(r for _, _, r in rows),
        }
        results[name] = row
        print(
            f"{name:<32}{row['median_ms']:>10}{row['p95_ms']:>8}{row['mean_wer']:>7.3f}"
            f"{row['runaway']:>9}"
        )
    record("stt", results)


if __name__ == "__main__":
    main()
