"""What the coach knows when it answers, and how it names the report's questions ("Q2 — '...'").

Everything here is plain data, read from the database before a reply starts streaming, so the
stream never needs the request's session.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

LABEL_CHARS = 60
_REF = re.compile(r"\bQ(\d{1,3})\b")


@dataclass(frozen=True)
class PastInterview:
    """Another finished interview of the candidate, for the progress over their history."""

    interview_id: int
    title: str
    completed_at: datetime | None
    overall: int | None


@dataclass(frozen=True)
class ChatLine:
    role: str  # a Speaker
    text: str


@dataclass(frozen=True)
class CoachContext:
    interview_id: int
    report: dict[str, Any]  # the report's payload (assessment/report.py)
    history: list[PastInterview] = field(default_factory=list)  # newest first
    conversation: list[ChatLine] = field(default_factory=list)  # oldest first

    @property
    def numbers(self) -> set[int]:
        return question_numbers(self.report)


def question_numbers(report: dict[str, Any]) -> set[int]:
    return {int(q["number"]) for q in report.get("questions", [])}


def question_of(report: dict[str, Any], number: int) -> dict[str, Any] | None:
    return next((q for q in report.get("questions", []) if q["number"] == number), None)


def shorten(text: str, limit: int = LABEL_CHARS) -> str:
    """`text` cut at a word boundary to about `limit` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def label(question: dict[str, Any]) -> str:
    """How the coach names an answer: "Q2 — 'Explain database indexing'"."""
    return f"Q{question['number']} — '{shorten(question['question'])}'"


def refs_in(text: str, numbers: Iterable[int]) -> list[int]:
    """The question numbers a reply names as "Qn", in order, each once; unknown ones left out."""
    known = set(numbers)
    found = (int(match.group(1)) for match in _REF.finditer(text))
    return list(dict.fromkeys(n for n in found if n in known))


def segments(text: str, numbers: Iterable[int]) -> list[tuple[str, int | None]]:
    """`text` split so each "Qn" naming a known question can be shown as a link to it."""
    known = set(numbers)
    parts: list[tuple[str, int | None]] = []
    position = 0
    for match in _REF.finditer(text):
        number = int(match.group(1))
        if number not in known:
            continue
        if match.start() > position:
            parts.append((text[position : match.start()], None))
        parts.append((match.group(0), number))
        position = match.end()
    if position < len(text):
        parts.append((text[position:], None))
    return parts
