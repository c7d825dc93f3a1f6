"""Spoken answers in the report: the delivery the voice pipeline stored on each answer turn
(`meta["delivery"]`), turned into evidence per question, highlighted transcripts and the
interview's delivery timeline. A typed answer has no delivery and adds nothing here.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from greenroom.assessment.evidence import Evidence
from greenroom.interviews.models import Turn
from greenroom.speech.delivery import Delivery, highlights
from greenroom.speech.delivery_evidence import DELIVERY_DIMENSIONS, delivery_evidence

log = logging.getLogger(__name__)

TIMELINE_GAP_S = 2.0  # space between answers on the interview's timeline


def deliveries(answers: Sequence[Turn]) -> list[Delivery]:
    """The delivery of each spoken answer turn; typed turns, and stored data this version cannot
    read, are left out (the latter logged)."""
    found = []
    for turn in answers:
        data = (turn.meta or {}).get("delivery")
        if not data:
            continue
        try:
            found.append(Delivery.from_dict(data))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            log.warning(
                "unreadable delivery on turn %s of interview %s: %s",
                turn.seq,
                turn.interview_id,
                error,
            )
    return found


def _label(number: int, k: int, count: int) -> str:
    if count == 1 or k == 0:
        return f"Q{number}"
    return f"Q{number} follow-up" + (f" {k}" if count > 2 else "")


def evidence(spoken: Sequence[Delivery]) -> list[Evidence]:
    """Delivery evidence for one question. Over several answers (a follow-up), each dimension's
    score is the mean weighted by time spoken, and the summary names each answer."""
    per_answer = [delivery_evidence(d) for d in spoken]
    if len(per_answer) == 1:
        return per_answer[0]
    merged = []
    for k, dimension in enumerate(DELIVERY_DIMENSIONS):
        items = [(found[k], d.speaking_s) for found, d in zip(per_answer, spoken, strict=True)]
        scored = [(e.score, weight) for e, weight in items if e.score is not None]
        total = sum(weight for _, weight in scored)
        score = sum(s * w for s, w in scored) / total if total else None
        merged.append(
            Evidence(
                dimension,
                None if score is None else round(score, 3),
                1.0 if score is not None else 0.0,
                " ".join(
                    f"{'Answer' if i == 0 else 'Follow-up'}: {e.summary}"
                    for i, (e, _) in enumerate(items)
                ),
                tuple(q for e, _ in items for q in e.quotes)[:4],
                {"answers": [e.figures for e, _ in items]},
            )
        )
    return merged


def transcripts(number: int, spoken: Sequence[Delivery]) -> list[dict[str, Any]]:
    """Each spoken answer as tokens for the page: the word, the kinds of highlight on it and
    the long pause before it, if any. Rendered with autoescaping: no markup is built here."""
    pages = []
    for k, delivery in enumerate(spoken):
        words = delivery.words
        kinds: list[list[str]] = [[] for _ in words]
        labels: list[list[str]] = [[] for _ in words]
        pause_before: dict[int, float] = {}
        for mark in highlights(words, delivery):
            if mark["kind"] == "long_pause":
                pause_before[mark["start_word"]] = round(mark["end_s"] - mark["start_s"], 1)
                continue
            for i in range(mark["start_word"], mark["end_word"]):
                kinds[i].append(mark["kind"].replace("_", "-"))
                labels[i].append(mark["label"])
        tokens: list[dict[str, Any]] = [{"text": w.text} for w in words]
        for i, token in enumerate(tokens):  # only what is marked, to keep the payload small
            if kinds[i]:
                token["kinds"] = " ".join(dict.fromkeys(kinds[i]))
                token["title"] = "; ".join(labels[i])
            if i in pause_before:
                token["pause_before_s"] = pause_before[i]
        pages.append(
            {
                "label": _label(number, k, len(spoken)),
                "tokens": tokens,
                "pause_after_s": pause_before.get(len(words)),
                "note": delivery.note,
            }
        )
    return pages


def timeline(answered: Sequence[tuple[int, Sequence[Delivery]]]) -> list[dict[str, Any]]:
    """The interview's delivery over time, answer after answer: words per minute in each
    ten-second window, pauses and fillers, each answer placed at `offset_s` on one time axis."""
    entries, offset = [], 0.0
    for number, spoken in answered:
        for k, d in enumerate(spoken):
            if not d.enough_speech:
                continue
            entries.append(
                {
                    "number": number,
                    "label": _label(number, k, len(spoken)),
                    "offset_s": round(offset, 2),
                    "duration_s": d.duration_s,
                    "wpm": d.wpm,
                    "windows": [
                        {"start": w.start, "end": w.end, "wpm": w.wpm, "words": w.words}
                        for w in d.windows
                    ],
                    "pauses": [list(p) for p in d.pauses],
                    "fillers": [
                        {"t": f.start, "text": f.text, "weight": f.weight} for f in d.fillers
                    ],
                }
            )
            offset += d.duration_s + TIMELINE_GAP_S
    return entries
