"""Chooses an interview's questions from the bank: fit, variety, no repeats, reproducible."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

import numpy as np

from greenroom.interviews.schemas import InterviewType, Setup
from greenroom.questions.bank import Bank
from greenroom.questions.catalogue import DESIGN_ROLES, Difficulty, Level, QuestionType
from greenroom.questions.matcher import KeyPointMatcher
from greenroom.questions.schemas import Question

_DIFFICULTY_RANK = {Difficulty.EASY: 0, Difficulty.MEDIUM: 1, Difficulty.HARD: 2}
_LEVEL_RANK = {level: rank for rank, level in enumerate(Level)}
# How much each signal weighs when ranking questions for a setup.
WEIGHT_DIFFICULTY = 2.0
WEIGHT_TECHNOLOGY = 1.5
WEIGHT_JOB_DESCRIPTION = 6.0
WEIGHT_NEVER_ASKED = 100.0
SECONDS_PER_QUESTION_EXTRA = 1.6  # follow-ups and transitions stretch each suggested time


@dataclass(frozen=True)
class Slot:
    question_type: QuestionType
    count: int


def _seconds_per_question(setup: Setup, bank: Bank) -> float:
    typical = np.median([q.answer_time_s for q in bank.for_role(setup.role)] or [120])
    return float(typical) * SECONDS_PER_QUESTION_EXTRA


def question_count(setup: Setup, bank: Bank) -> int:
    """The number of questions asked: as chosen, or what fits the chosen duration."""
    if setup.duration_minutes is None:
        return setup.question_count
    per_question = _seconds_per_question(setup, bank)
    return max(1, min(15, round(setup.duration_minutes * 60 / per_question)))


def estimated_minutes(setup: Setup, bank: Bank, count: int) -> int:
    return max(1, round(count * _seconds_per_question(setup, bank) / 60))


def slots(setup: Setup, count: int) -> list[Slot]:
    """How many questions of each type, in the order they are asked."""
    if setup.interview_type == InterviewType.BEHAVIOURAL:
        return [Slot(QuestionType.BEHAVIOURAL, count)]
    if setup.interview_type == InterviewType.TECHNICAL:
        return [Slot(QuestionType.TECHNICAL, count)]
    if setup.interview_type == InterviewType.SYSTEM_DESIGN:
        return [Slot(QuestionType.SYSTEM_DESIGN, count)]
    # Mixed: open with a behavioural question, then technical, one design question for roles
    # and levels that are asked design, and close with behavioural.
    design = int(
        count >= 4
        and setup.role in DESIGN_ROLES
        and _LEVEL_RANK[setup.level] >= _LEVEL_RANK[Level.MID]
    )
    behavioural = max(1, round(count * 0.4)) if count >= 2 else 0
    technical = count - behavioural - design
    opening = (behavioural + 1) // 2
    plan = [
        Slot(QuestionType.BEHAVIOURAL, opening),
        Slot(QuestionType.TECHNICAL, technical),
        Slot(QuestionType.SYSTEM_DESIGN, design),
        Slot(QuestionType.BEHAVIOURAL, behavioural - opening),
    ]
    return [slot for slot in plan if slot.count > 0]


def plan_questions(
    setup: Setup, bank: Bank, *, asked: set[str], seed: int, matcher: KeyPointMatcher | None = None
) -> list[str]:
    """Question ids for `setup`, never one in `asked` until that part of the bank runs out."""
    rng = random.Random(seed)  # noqa: S311 (reproducible variety, not security)
    count = question_count(setup, bank)
    chosen: list[str] = []
    for slot in slots(setup, count):
        pool = _pool(bank, setup, slot.question_type)
        scores = _scores(pool, setup, asked, rng, matcher)
        chosen += _pick_balanced(pool, scores, slot.count, exclude=set(chosen))
    return chosen


def _pool(bank: Bank, setup: Setup, question_type: QuestionType) -> list[Question]:
    of_type = [q for q in bank.questions if q.type == question_type]
    for_role = [q for q in of_type if setup.role in q.roles] or of_type
    at_level = [q for q in for_role if setup.level in q.levels]
    return at_level if len(at_level) >= 3 else for_role


def _scores(
    pool: list[Question],
    setup: Setup,
    asked: set[str],
    rng: random.Random,
    matcher: KeyPointMatcher | None,
) -> dict[str, float]:
    wanted = {tech.lower() for tech in setup.technologies}
    relevance = _job_description_relevance(pool, setup.job_description, matcher)
    scores = {}
    for question in pool:
        distance = abs(_DIFFICULTY_RANK[question.difficulty] - _DIFFICULTY_RANK[setup.difficulty])
        text = question.text.lower()
        tech_hits = sum(1 for tech in wanted if tech in question.technologies or tech in text)
        scores[question.id] = (
            WEIGHT_DIFFICULTY * (2 - distance)
            + WEIGHT_TECHNOLOGY * tech_hits
            + WEIGHT_JOB_DESCRIPTION * relevance.get(question.id, 0.0)
            + (0.0 if question.id in asked else WEIGHT_NEVER_ASKED)
            + rng.random()  # variety among equals, reproducible from the seed
        )
    return scores


def _job_description_relevance(
    pool: list[Question], job_description: str, matcher: KeyPointMatcher | None
) -> dict[str, float]:
    if not job_description.strip() or matcher is None or not pool:
        return {}
    vectors = matcher.key_point_vectors([q.text for q in pool])
    description = matcher.embedder.embed([job_description[:4000]])[0]
    similarities = vectors @ description
    return {q.id: max(0.0, float(s)) for q, s in zip(pool, similarities, strict=True)}


def _pick_balanced(
    pool: list[Question], scores: dict[str, float], count: int, exclude: set[str]
) -> list[str]:
    """Best-scoring questions, taking the least-used kind (and competency) first each time."""
    kinds: Counter[str] = Counter()
    competencies: Counter[str] = Counter()
    remaining = [q for q in pool if q.id not in exclude]
    picked: list[str] = []
    while remaining and len(picked) < count:
        best = min(
            remaining,
            key=lambda q: (
                scores[q.id] < 50,  # never-asked questions before asked ones, whatever their kind
                kinds[q.kind.value] + competencies[q.competency.value if q.competency else ""],
                -scores[q.id],
            ),
        )
        picked.append(best.id)
        kinds[best.kind.value] += 1
        if best.competency:
            competencies[best.competency.value] += 1
        remaining.remove(best)
    return picked
