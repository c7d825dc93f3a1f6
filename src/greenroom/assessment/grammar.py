"""Grammar problems found by Harper (offline, harper-py), listed one by one."""

from __future__ import annotations

import threading
from typing import Any

from greenroom.assessment.evidence import Evidence, ramp
from greenroom.assessment.text import words

_local = threading.local()
# Spelling lints mostly flag technical terms (PostgreSQL, idempotency): they are not grammar.
_SKIP_MESSAGES = ("Did you mean to spell",)


def _linter() -> Any:
    linter = getattr(_local, "linter", None)
    if linter is None:
        from harper import Dialect, Linter

        linter = Linter(Dialect.AMERICAN)
        _local.linter = linter
    return linter


def grammar(answer: str) -> Evidence:
    problems = []
    for lint in _linter().lint(answer):
        if lint.message.startswith(_SKIP_MESSAGES):
            continue
        start, end = lint.span.start, lint.span.end
        suggestion = lint.suggestions[0].replacement_text if lint.suggestions else ""
        problems.append(
            {
                "text": answer[start:end],
                "message": lint.message,
                "suggestion": suggestion,
                "start": start,
                "end": end,
            }
        )
    count = len(words(answer)) or 1
    per_100 = 100 * len(problems) / count
    score = 1 - ramp(per_100, 0.5, 5.0)
    return Evidence(
        "grammar",
        score,
        0.5,
        f"{len(problems)} grammar problem{'s' if len(problems) != 1 else ''} found "
        f"({per_100:.1f} per 100 words). Typed text only: speech transcripts hide many errors.",
        tuple(p["text"] for p in problems[:5]),
        {"count": len(problems), "per_100_words": round(per_100, 1), "problems": problems[:20]},
    )


def unknown_word_share(text: str) -> float:
    """The share of words Harper's dictionary does not know (keyboard mash scores near 1)."""
    count = len(words(text))
    if not count:
        return 0.0
    unknown = sum(1 for lint in _linter().lint(text) if lint.message.startswith(_SKIP_MESSAGES))
    return unknown / count
