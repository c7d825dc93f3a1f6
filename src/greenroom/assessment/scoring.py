"""Scores one answer from its evidence: the weights of every dimension, per question type.

A question's score is the weighted mean of its evidence scores, times 100, capped by any guard.
The same input always gives the same score. Every weight is in docs/scoring.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from greenroom.assessment import evaluators, guards
from greenroom.assessment.evaluators import Measurements, QuestionView
from greenroom.assessment.evidence import Evidence, ramp
from greenroom.assessment.grammar import grammar
from greenroom.assessment.guards import Guard
from greenroom.assessment.judge import AnswerJudge, adjust
from greenroom.questions.matcher import KeyPointMatch, KeyPointMatcher

RUBRIC_VERSION = "2026.11-1"

# Content: what the answer says. Weights per question type; renormalised over what was measured
# (no key points given: coverage drops out).
CONTENT_WEIGHTS: dict[str, dict[str, float]] = {
    "technical": {"coverage": 0.55, "specificity": 0.25, "structure": 0.20},
    "system_design": {"coverage": 0.55, "specificity": 0.25, "structure": 0.20},
    "behavioural": {"coverage": 0.20, "specificity": 0.30, "structure": 0.30, "ownership": 0.20},
}
FORM_DIMENSIONS = ("hedging", "grammar", "fillers")
DEPTH_WEIGHT = 0.3  # how much enough words count, only as far as the content earns it
FORM_WEIGHT = 0.15  # how far hedging, grammar and fillers can move a score
CONTENT_EXPONENT = 0.8
RELEVANCE_ZERO, RELEVANCE_FULL = 0.15, 0.45  # question similarity that gates all points


def fuse(evidence: list[Evidence], question_type: str, relevance_similarity: float) -> float:
    """0..100 from evidence: relevance gates, content leads, depth and form adjust.

    score = 100 × relevance × core^0.8 × (0.85 + 0.15 × form), where
    content = weighted coverage, specificity, structure (and ownership for stories), times
    (1 − 0.5 × stock-phrase share), and core = 0.7 × content + 0.3 × depth × min(1, 0.3 + content).
    """
    scores = {e.dimension: e.score for e in evidence if e.score is not None}
    weights = {
        k: w
        for k, w in CONTENT_WEIGHTS.get(question_type, CONTENT_WEIGHTS["technical"]).items()
        if k in scores
    }
    total = sum(weights.values())
    content = sum(w * scores[k] for k, w in weights.items()) / total if total else 0.0
    # Stock phrases can halve the content: they borrow the question's words without substance.
    content *= 1 - 0.5 * (1 - scores.get("generic_language", 1.0))
    depth = scores.get("depth", 0.0) * min(1.0, 0.3 + content)
    core = (1 - DEPTH_WEIGHT) * content + DEPTH_WEIGHT * depth
    form_scores = [scores[k] for k in FORM_DIMENSIONS if k in scores]
    form = sum(form_scores) / len(form_scores) if form_scores else 1.0
    relevance = ramp(relevance_similarity, RELEVANCE_ZERO, RELEVANCE_FULL)
    return float(
        100 * relevance * core**CONTENT_EXPONENT * ((1 - FORM_WEIGHT) + FORM_WEIGHT * form)
    )


@dataclass(frozen=True)
class AnswerAssessment:
    score: int | None  # 0..100; None when there is no answer to judge
    sub_scores: dict[str, int]
    evidence: list[Evidence]
    guards: list[Guard]
    matches: list[KeyPointMatch] = field(default_factory=list)
    scored_text: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "sub_scores": self.sub_scores,
            "guards": [
                {"kind": g.kind.value, "reason": g.reason, "quote": g.quote} for g in self.guards
            ],
            "evidence": [e.as_dict() for e in self.evidence],
            "key_points": [
                {
                    "point": m.point,
                    "coverage": m.coverage.value,
                    "similarity": m.similarity,
                    "quote": m.quote,
                }
                for m in self.matches
            ],
            "rubric_version": RUBRIC_VERSION,
        }


class AnswerScorer:
    """Runs the guards and the evaluators on one answer and fuses them into a score."""

    def __init__(
        self,
        matcher: KeyPointMatcher,
        known_technologies: tuple[str, ...],
        judge: AnswerJudge | None = None,
    ) -> None:
        self.matcher = matcher
        self.known_technologies = known_technologies
        self.judge = judge  # a language model's judgement, fused by judge.adjust

    def assess(
        self, question: QuestionView, answer: str, measurements: Measurements | None = None
    ) -> AnswerAssessment:
        measurements = measurements or Measurements()
        text, injected = guards.strip_injection(answer)
        relevance_similarity, question_similarity = self._similarities(question, text)
        matches = self.matcher.match(text, list(question.key_points)) if question.key_points else []
        coverage = evaluators.coverage(matches) if matches else None
        found = guards.check(
            question.text,
            text,
            relevance=relevance_similarity,
            question_similarity=question_similarity,
            coverage=coverage.score or 0.0 if coverage else 0.0,
            injected=injected,
        )
        timing = evaluators.timing(measurements, question.answer_time_s)
        if any(g.kind in {guards.GuardKind.EMPTY, guards.GuardKind.GIBBERISH} for g in found):
            empty = not answer.strip()  # nothing at all: not answered, rather than 0
            return AnswerAssessment(None if empty else 0, {}, timing, found, matches, text)
        evidence = [
            e
            for e in (
                coverage,
                evaluators.relevance(relevance_similarity),
                evaluators.specificity(text, question.technologies + self.known_technologies),
                evaluators.structure(text, question.type),
                evaluators.ownership(text) if question.type == "behavioural" else None,
                evaluators.hedging(text),
                grammar(text),
                evaluators.fillers(text),
                evaluators.depth(text, question.answer_time_s),
                evaluators.generic_language(text),
            )
            if e is not None
        ]
        sub_scores = {e.dimension: round(100 * e.score) for e in evidence if e.score is not None}
        score = fuse(evidence, question.type, relevance_similarity)
        limit = guards.cap(found)
        if limit is not None:
            score = min(score, limit)
        final = round(score)
        if self.judge is not None and text.strip():
            judgement = self.judge.judge(question, text)
            if judgement is not None:
                adjusted = adjust(final, judgement, text, guarded=bool(found))
                final = adjusted.score
                evidence.append(adjusted.evidence)
        return AnswerAssessment(final, sub_scores, evidence + timing, found, matches, text)

    def _similarities(self, question: QuestionView, text: str) -> tuple[float, float]:
        """How close the answer is to the question (or its model answer), and to its wording."""
        if not text.strip():
            return 0.0, 0.0
        references = [question.text] + ([question.model_answer] if question.model_answer else [])
        vectors = self.matcher.key_point_vectors(references)
        answer_vector = self.matcher.key_point_vectors([text[:4000]])[0]
        similarities = vectors @ answer_vector
        return float(np.max(similarities)), float(similarities[0])
