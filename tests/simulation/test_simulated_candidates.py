"""Scripted candidates take whole interviews through the real engine and assessment.

Personas draw their answers from pools the project wrote per bank question
(data/simulation/answer_pools.yaml); junk personas are made up on the spot. A checklist is
asserted on every run, and every transcript is saved under test-artifacts/simulation/.
"""

from __future__ import annotations

import itertools
import json
import random
from collections import Counter
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.orm import Session

from greenroom.assessment.batch import default_scorer
from greenroom.assessment.report import NOT_ENOUGH, build_report
from greenroom.interviews.engine import InterviewEngine, Prompt
from greenroom.interviews.models import Interview, Status, TurnKind
from greenroom.interviews.phrases import FOLLOW_UP_LIMIT
from greenroom.interviews.schemas import Persona
from greenroom.questions.bank import load_bank
from greenroom.questions.matcher import Coverage
from tests.conftest import StartInterview

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "simulation"
PLAN = (
    "behav-failure-mistake-handled",
    "backend-retry-with-backoff",
    "sd-rate-limiter",
    "backend-jwt-vs-sessions",
    "behav-delivery-cut-scope",
    "backend-inventory-race-condition",
)
Answerer = Callable[[Prompt], str]


def pools() -> dict[str, dict[str, Any]]:
    text = files("greenroom.data").joinpath("simulation/answer_pools.yaml").read_text("utf-8")
    return {q["question_id"]: q for q in yaml.safe_load(text)["questions"]}


def from_pool(level: str) -> Answerer:
    answers = pools()

    def answer(prompt: Prompt) -> str:
        pool = answers[prompt.question.id]
        if prompt.turn.kind == TurnKind.FOLLOW_UP:
            return str(pool["follow_up"].get(level, pool["follow_up"]["weak"]))
        return str(pool[level])

    return answer


def gibberish(prompt: Prompt) -> str:
    rng = random.Random(prompt.turn.seq)
    return " ".join(
        "".join(rng.choice("qwrtzpsdfghjklxcvbnm") for _ in range(rng.randint(3, 9)))
        for _ in range(14)
    )


PERSONAS: dict[str, Answerer] = {
    "strong": from_pool("strong"),
    "average": from_pool("average"),
    "weak": from_pool("weak"),
    "off_topic": from_pool("off_topic"),
    "gibberish": gibberish,
    "repeats_the_question": lambda prompt: prompt.turn.text,
    "silent": lambda prompt: "",
}


def take(engine: InterviewEngine, db: Session, interview: Interview, answer: Answerer) -> None:
    for _ in range(60):  # far more than any interview needs: a loop would stop here and fail
        prompt = engine.prompt(interview)
        if prompt is None:
            break
        engine.answer(db, interview, answer(prompt), name="Sim")
        db.commit()


def check_the_interviewer(engine: InterviewEngine, interview: Interview) -> None:
    bank = load_bank()
    turns = interview.turns
    spoken = [f"{t.preface} {t.text}" for t in turns if t.speaker == "interviewer"]
    for question_id in interview.plan:
        question = bank.by_id[question_id]
        for secret in [kp.point for kp in question.key_points] + [question.model_answer]:
            assert all(secret not in line for line in spoken), "revealed the rubric"
    limit = FOLLOW_UP_LIMIT[Persona(interview.setup["persona"])]
    follow_ups = Counter(t.question_index for t in turns if t.kind == TurnKind.FOLLOW_UP)
    assert all(count <= limit for count in follow_ups.values()), "too many follow-ups"
    for turn in (t for t in turns if t.kind == TurnKind.FOLLOW_UP):
        assert turn.meta["reason"] in {
            "missed_key_point",
            "partial_key_point",
            "ownership",
            "result",
            "model",  # a language model's probe, checked in code before it was asked
        }
        if turn.key_point_index is not None:  # the probed point really was missing
            answers = " ".join(
                t.text
                for t in turns
                if t.kind == TurnKind.ANSWER
                and t.question_index == turn.question_index
                and t.seq < turn.seq
            )
            question = bank.by_id[interview.plan[turn.question_index or 0]]
            match = engine.matcher.match(answers, [kp.point for kp in question.key_points])
            assert match[turn.key_point_index].coverage != Coverage.COVERED
    repeated = [a for a, b in itertools.pairwise(spoken) if a == b]
    assert not repeated, "the interviewer repeated itself"
    assert len(turns) <= 2 + len(interview.plan) * 2 * (2 + limit), "the interview looped"
    assert interview.status == Status.COMPLETED.value
    assert turns[-1].kind == TurnKind.CLOSING


def save(persona: str, interview: Interview, report: dict[str, Any]) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    transcript = [
        {
            "seq": t.seq,
            "kind": t.kind,
            "speaker": t.speaker,
            "preface": t.preface,
            "text": t.text,
            "meta": t.meta,
        }
        for t in interview.turns
    ]
    (ARTIFACTS / f"{persona}.json").write_text(
        json.dumps(
            {
                "persona": persona,
                "transcript": transcript,
                "overall": report["overall"],
                "questions": [
                    {"number": q["number"], "score": q["score"], "status": q["status"]}
                    for q in report["questions"]
                ],
            },
            indent=2,
        )
    )


@pytest.mark.parametrize("interviewer", ["neutral", "tough"])
def test_simulated_candidates(
    interviewer: str,
    start_interview: StartInterview,
    interview_engine: InterviewEngine,
    db: Session,
) -> None:
    scorer, bank = default_scorer(), load_bank()
    overall: dict[str, int | None] = {}
    for persona, answerer in PERSONAS.items():
        interview = start_interview(*PLAN, persona=interviewer)
        take(interview_engine, db, interview, answerer)
        check_the_interviewer(interview_engine, interview)
        report = build_report(interview, bank, scorer)
        save(f"{interviewer}-{persona}", interview, report)
        overall[persona] = report["overall"]
        if persona == "silent":
            assert report["overall"] is None
            assert all(q["status"] == "not answered" for q in report["questions"])
            assert all(c["status"] == NOT_ENOUGH for c in report["categories"].values())
    junk = [overall["off_topic"], overall["gibberish"], overall["repeats_the_question"]]
    ranked = [overall["strong"], overall["average"], overall["weak"]]
    scores = [score for score in junk + ranked if score is not None]
    assert len(scores) == 6, overall
    strong, average, weak, worst_junk = *scores[3:], max(scores[:3])
    assert strong > average > weak > worst_junk, overall
    assert worst_junk <= 20, overall
