"""Scoring answers one by one, outside an interview: `greenroom score` and POST /api/v1/assess.

When the caller gives no key points, the bank question closest to the given question supplies
them (and its type, model answer and suggested time) if it is close enough; otherwise the answer
is judged on relevance, specificity, structure and form alone, and the result says so.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from greenroom.assessment.evaluators import QuestionView
from greenroom.assessment.judge import AnswerJudge
from greenroom.assessment.scoring import AnswerScorer
from greenroom.interviews.engine import InterviewEngine
from greenroom.interviews.runtime import default_engine
from greenroom.providers.llm import LLM
from greenroom.questions.bank import Bank
from greenroom.questions.schemas import Question

BANK_MATCH_AT = 0.8  # question-text similarity above which a bank question's rubric is used


class AssessRequest(BaseModel):
    question: str = Field(min_length=1, max_length=2000)
    answer: str = Field(max_length=20_000)
    key_points: list[str] | None = Field(default=None, max_length=12)
    type: str | None = Field(default=None, pattern="^(behavioural|technical|system_design)$")
    role: str | None = Field(default=None, max_length=40)


def scorer_for(engine: InterviewEngine, llm: LLM | None = None) -> AnswerScorer:
    """A scorer sharing the engine's matcher (and its loaded model) and the bank's vocabulary;
    with a language model, its judgement is fused into each score (assessment/judge.py)."""
    technologies = tuple(sorted({t for q in engine.bank.questions for t in q.technologies}))
    return AnswerScorer(engine.matcher, technologies, AnswerJudge(llm) if llm else None)


@cache
def default_scorer() -> AnswerScorer:
    return scorer_for(default_engine())


def closest_bank_question(
    scorer: AnswerScorer, bank: Bank, text: str, role: str | None
) -> tuple[Question | None, float]:
    candidates = [q for q in bank.questions if role is None or role in q.roles] or list(
        bank.questions
    )
    vectors = scorer.matcher.key_point_vectors([q.text for q in candidates])
    similarities = vectors @ scorer.matcher.embedder.embed([text])[0]
    best = int(np.argmax(similarities))
    return candidates[best], float(similarities[best])


def assess_request(request: AssessRequest, scorer: AnswerScorer, bank: Bank) -> dict[str, Any]:
    """One answer's score, sub-scores and evidence, as JSON-ready data."""
    rubric = "given key points"
    if request.key_points:
        view = QuestionView(
            text=request.question,
            type=request.type or "technical",
            key_points=tuple(request.key_points),
        )
    else:
        match, similarity = closest_bank_question(scorer, bank, request.question, request.role)
        if match is not None and similarity >= BANK_MATCH_AT:
            view = QuestionView(
                text=request.question,
                type=request.type or match.type.value,
                key_points=tuple(kp.point for kp in match.key_points),
                model_answer=match.model_answer,
                answer_time_s=match.answer_time_s,
                technologies=match.technologies,
            )
            rubric = f"bank question {match.id} (similarity {similarity:.2f})"
        else:
            view = QuestionView(text=request.question, type=request.type or "technical")
            rubric = "none: relevance, specificity, structure and form only"
    result = scorer.assess(view, request.answer).as_dict()
    result["rubric"] = rubric
    return result
