"""The turn policy on a corpus of answers cut off by a thinking pause, spoken by six voices, and
how the way a live segment is transcribed changes it (speech/turns.py, WhisperSTT).

    python bench/fragments.py [--voices N] [--settings a,b]

Forty fragments of interview answers, each the words a candidate said before pausing to think
mid-sentence: twenty stop on a word no sentence ends on ("…we used a"), twenty on one a sentence
can end on ("We rewrote the billing service" + "in Go over two quarters."), where only the
voice and Whisper's reading of it tell the fragment from a finished sentence. The second twenty,
said whole, are the finished answers, with twelve more that end on a word fragments end on
("…what the real bottleneck was."). The voices: Piper (the interviewer's own voice, so the one
the policy was tuned on) steady, with its sampling noise, and slower; espeak-ng in three accents
the project never tuned on.

Each clip is heard as the live path hears it: the segment the detector cut, speech and 0.1 s of
quiet, plus the 0.5 s of padding the Whisper service adds. The policy (`decide`) is then asked at
growing silences until it ends the turn, with Smart Turn's probability taken as the interviewer
takes it: once, on the speech and the detector's 0.2 s of quiet.
- a fragment is cut off at a 1.5 s (3 s) thinking pause when the turn ends at a silence below it;
- a finished answer's wait is the silence at which the turn ends (the quicker, the smaller the
  gap; 4 s means the policy took it for a fragment).
The settings: the encoder reading Whisper's whole 30 s window or the segment and 10 s
(`WhisperSTT.live_padding_s`), and faster-whisper's temperature fallback on or off
(`live_fallback`). They are interleaved per clip. Prints a table and writes
bench/results/fragments.json.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from functools import cache, cached_property, partial
from pathlib import Path
from typing import Any

import numpy as np
from recorded import record  # bench/recorded.py, beside this file

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.speech.voices import (  # noqa: E402
    silence,
    speak_espeak,
    speak_piper,
    speak_steadily,
    spoken_part,
)

from greenroom.providers.stt import Transcript  # noqa: E402
from greenroom.providers.stt.whisper import WhisperSTT  # noqa: E402
from greenroom.providers.turn import SmartTurn  # noqa: E402
from greenroom.speech.hearing import TRAILING_SILENCE_S, VAD_STOP_S  # noqa: E402
from greenroom.speech.turns import Move, TurnSignals, decide, unsure_ending  # noqa: E402

# Stops on a word no sentence ends on.
OPEN = [
    "I would start by looking at the",
    "The main reason we chose Postgres was",
    "To keep the cache consistent we used a",
    "We chose a message queue because",
    "My first step was to check the",
    "After the outage we added an",
    "The hardest part of the project was",
    "I told my manager that",
    "We split the monolith into",
    "The first thing I did when I joined was to",
    "I think the best way to handle this is",
    "Our team had three engineers and",
    "When the deploy failed we rolled back and",
    "The customer was unhappy because the",
    "The most important thing in a code review is",
    "We stored the sessions in",
    "If I had more time I would",
    "The bug only showed up when",
    "We wrote the service in Python, but",
    "What I would do differently is",
]
# Stops where a sentence could end; (before the pause, after it).
CLOSED = [
    ("We rewrote the billing service", "in Go over two quarters."),
    ("I looked at the slow queries", "and found a missing index."),
    ("We added caching", "in front of the search service."),
    ("The page loaded in eight seconds", "on a slow phone."),
    ("I talked to the team", "about the deadline first."),
    ("We moved everything to Kubernetes", "over the summer."),
    ("I fixed the flaky tests", "by removing the shared state."),
    ("The database ran out of connections", "every Monday morning."),
    ("We measured the latency", "before and after the change."),
    ("I wrote a design document", "and shared it with the other teams."),
    ("Our error rate went down", "by about half."),
    ("I paired with a junior developer", "for two weeks."),
    ("We shipped the feature", "two weeks late."),
    ("The on-call engineer restarted the service", "without looking at the logs."),
    ("I set up alerts", "for the queue depth."),
    ("We used feature flags", "to release it gradually."),
    ("I disagreed with my lead", "about the scope of the release."),
    ("The tests took forty minutes", "on every pull request."),
    ("We replaced the cron jobs", "with a proper scheduler."),
    ("I reviewed every pull request", "in my first month."),
]
# Finished answers that end on a word fragments also end on (the cost of taking such a word
# for a sign that the sentence goes on).
FINISHED_ON_A_SMALL_WORD = [
    "I never found out what the real bottleneck was.",
    "That is just how the old billing system was.",
    "I still remember how slow the old build was.",
    "I asked the team what the biggest risk is.",
    "We never agreed on what the right fix is.",
    "I offered to pair with them, and they said they would.",
    "I would rewrite the importer if I could.",
    "The deploy script was the part I was proudest of.",
    "It was the best team I have ever worked with.",
    "Nobody knew which service the alert came from.",
    "That was the design I argued for.",
    "It was a part of the code nobody wanted to look into.",
]
SILENCES = (0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0)
SUGGESTED_S = 90.0  # a typical question's suggested answer time
QUIET_S = 0.1  # the detector's quiet before the Whisper service's early guess
# encoder padding (None: the whole 30 s window), temperature fallback
SETTINGS: dict[str, tuple[float | None, bool]] = {
    "whole 30 s window": (None, True),
    "audio + 10 s": (10.0, True),
    "+10 s, once (shipped)": (10.0, False),
}


VOICES: dict[str, Callable[[str], np.ndarray]] = {
    "piper steady": speak_steadily,
    "piper sampled": speak_piper,  # with its sampling noise: each run hears it differently
    "piper slower": partial(speak_piper, length_scale=1.3),
    "espeak en-us": partial(speak_espeak, accent="en-us", words_per_minute=160),
    "espeak en-gb-scotland": partial(speak_espeak, accent="en-gb-scotland", words_per_minute=150),
    "espeak en-us female": partial(speak_espeak, accent="en-us+f3", words_per_minute=175),
}


class Clip:
    def __init__(self, kind: str, voice: str, text: str, speech: np.ndarray) -> None:
        self.kind, self.voice, self.text, self.speech = kind, voice, text, speech
        self.segment = np.concatenate([speech, silence(QUIET_S + TRAILING_SILENCE_S)])

    @cached_property
    def smart_turn(self) -> float:
        """As the interviewer asks it: once, on the audio up to the detector's stop."""
        return turn_model().probability(np.concatenate([self.speech, silence(VAD_STOP_S)]))

    def ends_at(self, heard: Transcript) -> float:
        """The silence at which the policy ends the turn (the last one asked if none)."""
        last = heard.words[-1] if heard.words else None
        unsure = last is not None and unsure_ending(last.text, last.probability)
        for silence_s in SILENCES:
            move = decide(
                TurnSignals(
                    silence_s=silence_s,
                    transcript=heard.text,
                    speech_s=len(self.speech) / 16_000,
                    suggested_s=SUGGESTED_S,
                    smart_turn=self.smart_turn,
                    unsure_ending=unsure,
                )
            )
            if move == Move.END_TURN:
                return silence_s
        return SILENCES[-1]


@cache
def turn_model() -> SmartTurn:
    return SmartTurn()


def corpus(voices: list[str]) -> list[Clip]:
    clips = []
    for voice in voices:
        say = VOICES[voice]
        clips += [Clip("open", voice, text, spoken_part(say(text))) for text in OPEN]
        clips += [Clip("closed", voice, before, spoken_part(say(before))) for before, _ in CLOSED]
        clips += [
            Clip("finished", voice, f"{before} {after}", spoken_part(say(f"{before} {after}")))
            for before, after in CLOSED
        ]
        clips += [
            Clip("small", voice, text, spoken_part(say(text))) for text in FINISHED_ON_A_SMALL_WORD
        ]
    return clips


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--voices", type=int, default=len(VOICES), help="the first N voices")
    parser.add_argument("--settings", default=",".join(SETTINGS), help="comma-separated")
    args = parser.parse_args()
    settings = {name: SETTINGS[name] for name in args.settings.split(",")}
    voices = list(VOICES)[: args.voices]
    stt = WhisperSTT()
    clips = corpus(voices)
    stt.transcribe_segment(clips[0].segment)  # warm up
    rows: list[dict[str, Any]] = []
    for clip in clips:
        for name, (padding_s, fallback) in settings.items():
            stt.live_padding_s, stt.live_fallback = padding_s, fallback
            started = time.perf_counter()
            heard = stt.transcribe_segment(clip.segment)
            took = time.perf_counter() - started
            last = heard.words[-1] if heard.words else None
            rows.append(
                {
                    "setting": name,
                    "kind": clip.kind,
                    "voice": clip.voice,
                    "spoken": clip.text,
                    "heard": heard.text,
                    "last_word_p": round(last.probability, 2) if last else None,
                    "smart_turn": round(clip.smart_turn, 3),
                    "ends_at_s": clip.ends_at(heard),
                    "ms": round(1000 * took),
                }
            )
    results = summarise(rows, settings, voices)
    results["clips"] = rows
    record("fragments", results)


def summarise(
    rows: list[dict[str, Any]], settings: dict[str, tuple[float | None, bool]], voices: list[str]
) -> dict[str, Any]:
    def rate(chosen: list[dict[str, Any]], pause: float) -> float:
        cut = sum(1 for r in chosen if r["ends_at_s"] < pause)
        return cut / max(1, len(chosen))

    results: dict[str, Any] = {"voices": voices, "settings": {}}
    print(f"{len(rows) // len(settings)} clips, {len(voices)} voices")
    header = [
        "cut 1.5 s",
        "cut 3 s",
        "open 1.5",
        "closed 1.5",
        "fin. wait",
        "small 4 s",
        "ms",
        "p95",
        "max",
    ]
    print(f"{'setting':<24}" + "".join(f"{h:>11}" for h in header))
    for name in settings:
        mine = [r for r in rows if r["setting"] == name]
        fragments = [r for r in mine if r["kind"] in ("open", "closed")]
        finished = [r for r in mine if r["kind"] == "finished"]
        small = [r for r in mine if r["kind"] == "small"]
        times = sorted(r["ms"] for r in mine)
        summary = {
            "cut_off_at_1_5_s": round(rate(fragments, 1.5), 3),
            "cut_off_at_3_s": round(rate(fragments, 3.0), 3),
            "open_cut_off_at_1_5_s": round(
                rate([r for r in fragments if r["kind"] == "open"], 1.5), 3
            ),
            "closed_cut_off_at_1_5_s": round(
                rate([r for r in fragments if r["kind"] == "closed"], 1.5), 3
            ),
            "finished_wait_median_s": statistics.median(r["ends_at_s"] for r in finished),
            "finished_waited_4_s": sum(r["ends_at_s"] >= 4.0 for r in finished),
            "finished": len(finished),
            "small_word_waited_4_s": sum(r["ends_at_s"] >= 4.0 for r in small),
            "small_word": len(small),
            "transcribe_median_ms": round(statistics.median(times)),
            "transcribe_p95_ms": times[int(0.95 * (len(times) - 1))],
            "transcribe_max_ms": times[-1],
            "by_voice_cut_off_at_1_5_s": {
                voice: round(rate([r for r in fragments if r["voice"] == voice], 1.5), 3)
                for voice in voices
            },
        }
        results["settings"][name] = summary
        cells = [
            summary["cut_off_at_1_5_s"],
            summary["cut_off_at_3_s"],
            summary["open_cut_off_at_1_5_s"],
            summary["closed_cut_off_at_1_5_s"],
            summary["finished_wait_median_s"],
            f"{summary['small_word_waited_4_s']}/{len(small)}",
            summary["transcribe_median_ms"],
            summary["transcribe_p95_ms"],
            summary["transcribe_max_ms"],
        ]
        print(f"{name:<24}" + "".join(f"{c:>11}" for c in cells))
    for voice in voices:
        cells = [results["settings"][n]["by_voice_cut_off_at_1_5_s"][voice] for n in settings]
        print(f"  cut 1.5 s, {voice:<24}" + "".join(f"{c:>8}" for c in cells))
    return results


if __name__ == "__main__":
    main()
