"""Where the time to transcribe one live segment goes, and what each way of shortening it
costs in words (Whisper tiny.en through WhisperSTT.transcribe_segment).

    python bench/stt.py [--rounds 1]

The answers of bench/voice.py, spoken by Piper and espeak-ng, whole and their first part alone
(the fragment before a thinking pause), each followed by 0.2 s of silence as the detector cuts
them. Settings are interleaved per clip, so a busy moment of the machine falls on all alike:

- shipped: beam 5, the first 30 s window only, its encoder reading the audio and 10 s of padding
  (`WhisperSTT.live_padding_s`; CTranslate2 accepts the shorter input);
- whole window: the encoder reads Whisper's whole 30 s window however short the audio (Whisper
  was trained on 30 s windows);
- every window: as faster-whisper does on its own, which decodes the silence after a fragment's
  last word again in a second window;
- beam 1: greedy decoding;
- window +20 s: the encoder reads the audio and 20 s of padding.
All but "every window" decode each clip once, at temperature 0, as live segments are
(`WhisperSTT.live_fallback`).

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
from pathlib import Path
from typing import Any

import numpy as np
from recorded import record  # bench/recorded.py, beside this file

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.speech.voices import silence, word_error_rate  # noqa: E402
from voice import ANSWERS, speak  # noqa: E402  (bench/voice.py, beside this file)

from greenroom.providers.stt.whisper import FRAMES_PER_S, WINDOW_S, WhisperSTT  # noqa: E402
from greenroom.providers.tts.espeak import EspeakTTS  # noqa: E402
from greenroom.providers.tts.piper import PiperTTS  # noqa: E402

# beam size, encoder padding in seconds (None: the whole 30 s window), every window
# (faster-whisper's own) or the first only
SETTINGS: dict[str, tuple[int, float | None, bool]] = {
    "shipped (first window, +10 s)": (5, 10.0, False),
    "whole 30 s window": (5, None, False),
    "every window (faster-whisper)": (5, None, True),
    "beam 1": (1, 10.0, False),
    "window +20 s": (5, 20.0, False),
}


def clips() -> list[tuple[str, np.ndarray]]:
    made = []
    for tts in (PiperTTS(), EspeakTTS()):
        for before, after, _where in ANSWERS:
            for text in {before, f"{before} {after}".strip()}:
                made.append((text, np.concatenate([speak(text, tts), silence(0.2)])))
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    stt = WhisperSTT()
    model = stt.model
    spoken = clips()
    stt.transcribe_segment(spoken[0][1])  # warm up

    found: dict[str, list[tuple[float, float, bool]]] = {name: [] for name in SETTINGS}
    for _ in range(args.rounds):
        for text, audio in spoken:
            for name, (beam, padding_s, every_window) in SETTINGS.items():
                stt.beam_size, stt.live_padding_s = beam, padding_s
                started = time.perf_counter()
                if every_window:
                    heard = stt._decode(audio, prompt="", vad_filter=False)
                else:
                    heard = stt.transcribe_segment(audio)
                took = time.perf_counter() - started
                runaway = len(heard.text.split()) > 1.5 * len(text.split())
                found[name].append((took, word_error_rate(text, heard.text), runaway))

    window = np.zeros((80, WINDOW_S * FRAMES_PER_S), dtype=np.float32)
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
