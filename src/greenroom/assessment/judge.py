"""F4 with a language model: a rubric-based judgement that must quote the answer, fused with
the evidence score by a rule that lets it adjust, never decide.

The rule (docs/scoring.md): the judge's 1-5 becomes 0, 25, 50, 75 or 100; the score moves a
third of the way towards it, by at most 15 points; a judgement without a verbatim quote from
the answer moves nothing; a guarded answer (empty, gibberish, off-topic, copied, keyword list,
injected instructions) can be moved down but never up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

from greenroom.assessment.evaluators import QuestionView
from greenroom.assessment.evidence import Evidence
from greenroom.providers.llm import LLM
from greenroom.providers.llm.prompts import DATA_RULE, as_data
from greenroom.providers.llm.structured import ask_json

JUDGE_SHARE = 1 / 3  # how far towards the judge's score the evidence score moves
JUDGE_MAX_MOVE = 15  # points, either way
MIN_QUOTE_CHARS = 12

SYSTEM = f"""You are a strict, fair interview assessor. Judge one answer against the question and
its expected points. Check correctness as well as coverage: an answer that uses the right words
but says something wrong is weak. Scale: 1 wrong or empty, 2 weak, 3 adequate, 4 good, 5
excellent. You must quote the answer's own words (copied exactly) that support your judgement.
{DATA_RULE}
Reply with a JSON object only: {{"score": 1-5, "quotes": ["..."], "reason": "..."}}."""


class Judgement(BaseModel):
    score: Literal[1, 2, 3, 4, 5]
    quotes: list[str] = Field(default_factory=list, max_length=5)
    reason: str = Field(default="", max_length=2000)


@dataclass(frozen=True)
class Adjustment:
    score: int
    evidence: Evidence


class AnswerJudge:
    def __init__(self, llm: LLM) -> None:
        self.llm = llm

    @property
    def name(self) -> str:
        return self.llm.name

    def judge(self, question: QuestionView, answer: str) -> Judgement | None:
        """The model's judgement of an answer (injections already cut out), or None."""
        points = "\n".join(f"- {p}" for p in question.key_points) or "- (none given)"
        user = (
            f"Question: {question.text}\nExpected points:\n{points}\n"
            f"{as_data('answer', answer[:6000])}"
        )
        return ask_json(
            self.llm,
            [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}],
            Judgement,
            max_tokens=300,
            temperature=0.0,
        )


def adjust(score: int, judgement: Judgement, answer: str, *, guarded: bool) -> Adjustment:
    """The fused score and the evidence that explains it."""
    quotes = verified_quotes(judgement.quotes, answer)
    target = (judgement.score - 1) * 25
    move = 0.0
    if quotes:
        move = max(-JUDGE_MAX_MOVE, min(JUDGE_MAX_MOVE, JUDGE_SHARE * (target - score)))
        if guarded:
            move = min(move, 0.0)
    fused = max(0, min(100, round(score + move)))
    if not quotes:
        summary = (
            "The language model's judgement quoted nothing from the answer, so it was ignored."
        )
    elif guarded and move == 0 and target > score:
        summary = "The language model rated it higher, but a guarded answer is never lifted."
    else:
        summary = (
            f"The language model judged it {judgement.score}/5; "
            f"the score moved {fused - score:+d} points."
        )
    evidence = Evidence(
        dimension="judgement",
        score=None,
        weight=0.0,
        summary=summary,
        quotes=tuple(quotes),
        figures={
            "judge_score": judgement.score,
            "moved": fused - score,
            "reason": judgement.reason[:400],
        },
    )
    return Adjustment(fused, evidence)


def verified_quotes(quotes: list[str], answer: str) -> list[str]:
    """The quotes that really are in the answer (case and spacing aside), longest first."""
    haystack = _normalise(answer)
    found = [
        q.strip() for q in quotes if len(q.strip()) >= MIN_QUOTE_CHARS and _normalise(q) in haystack
    ]
    return sorted(dict.fromkeys(found), key=len, reverse=True)[:3]


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text.lower())).strip()
