"""Choosing questions: fit to the setup, balance, no repeats, reproducible from a seed."""

from __future__ import annotations

from collections import Counter

import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session

from greenroom.accounts.models import User
from greenroom.interviews.engine import InterviewEngine
from greenroom.interviews.planner import plan_questions, question_count, slots
from greenroom.interviews.schemas import Setup
from greenroom.questions.bank import load_bank


def setup(**values: object) -> Setup:
    return Setup.model_validate({"role": "backend", **values})


def test_same_seed_same_plan_and_another_seed_another() -> None:
    bank = load_bank()
    first = plan_questions(setup(question_count=6), bank, asked=set(), seed=11)
    assert first == plan_questions(setup(question_count=6), bank, asked=set(), seed=11)
    assert first != plan_questions(setup(question_count=6), bank, asked=set(), seed=12)
    assert len(first) == len(set(first)) == 6


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("behavioural", {"behavioural"}),
        ("technical", {"technical"}),
        ("system_design", {"system_design"}),
        ("mixed", {"behavioural", "technical", "system_design"}),
    ],
)
def test_questions_match_the_interview_type(kind: str, expected: set[str]) -> None:
    bank = load_bank()
    plan = plan_questions(
        setup(interview_type=kind, level="senior", question_count=6), bank, asked=set(), seed=3
    )
    assert {bank.by_id[qid].type.value for qid in plan} == expected


def test_mixed_interviews_open_and_close_with_behavioural_questions() -> None:
    planned = slots(setup(level="senior", question_count=6), 6)
    assert [s.question_type.value for s in planned] == [
        "behavioural",
        "technical",
        "system_design",
        "behavioural",
    ]
    assert sum(s.count for s in planned) == 6


def test_role_level_and_difficulty_are_respected() -> None:
    bank = load_bank()
    plan = plan_questions(
        setup(
            role="data_engineer",
            interview_type="technical",
            difficulty="hard",
            level="senior",
            question_count=5,
        ),
        bank,
        asked=set(),
        seed=5,
    )
    questions = [bank.by_id[qid] for qid in plan]
    assert all("data_engineer" in q.roles for q in questions)
    assert all("senior" in q.levels for q in questions)
    assert Counter(q.difficulty.value for q in questions)["hard"] >= 3


def test_a_balanced_mix_of_kinds() -> None:
    bank = load_bank()
    plan = plan_questions(
        setup(interview_type="technical", question_count=8), bank, asked=set(), seed=9
    )
    kinds = Counter(bank.by_id[qid].kind.value for qid in plan)
    assert set(kinds) == {"conceptual", "implementation", "debugging", "design"}
    assert max(kinds.values()) - min(kinds.values()) <= 1


def test_chosen_technologies_come_first() -> None:
    bank = load_bank()
    plan = plan_questions(
        setup(interview_type="technical", technologies=["kafka"], question_count=3),
        bank,
        asked=set(),
        seed=2,
    )
    assert "kafka" in bank.by_id[plan[0]].technologies


def test_the_job_description_ranks_questions(interview_engine: InterviewEngine) -> None:
    bank = load_bank()
    description = (
        "You will own our Kubernetes clusters, write Terraform, run the on-call "
        "rotation and define SLOs and error budgets with product teams."
    )
    plan = plan_questions(
        setup(
            role="devops_sre",
            interview_type="technical",
            question_count=4,
            job_description=description,
        ),
        bank,
        asked=set(),
        seed=4,
        matcher=interview_engine.matcher,
    )
    topics = " ".join(" ".join(bank.by_id[q].topics + bank.by_id[q].technologies) for q in plan)
    assert any(word in topics for word in ("kubernetes", "slo", "terraform", "incident", "on-call"))


def test_no_repeats_until_that_part_of_the_bank_is_exhausted(
    db: Session, user: User, interview_engine: InterviewEngine
) -> None:
    bank = load_bank()
    pool = {
        q.id
        for q in bank.questions
        if q.type.value == "system_design" and "backend" in q.roles and "mid" in q.levels
    }
    seen: list[str] = []
    chosen = setup(interview_type="system_design", question_count=5)
    while len(seen) + 5 <= len(pool):
        interview = interview_engine.create(db, user.id, chosen, seed=len(seen))
        interview_engine.start(db, interview, "Cand")
        assert not set(interview.plan) & set(seen)
        while (prompt := interview_engine.prompt(interview)) is not None:
            interview_engine.answer(db, interview, prompt.question.model_answer, name="Cand")
        db.commit()
        seen += interview.plan
    # Past the end of the pool, questions come back rather than the interview failing.
    interview = interview_engine.create(db, user.id, chosen, seed=99)
    assert len(interview.plan) == 5


def test_duration_sets_the_number_of_questions() -> None:
    bank = load_bank()
    assert question_count(setup(duration_minutes=10), bank) < question_count(
        setup(duration_minutes=45), bank
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"role": "astronaut"}, "choose one of the listed roles"),
        ({"interview_type": "coding"}, "code editor"),
        ({"question_count": 40}, "less than or equal to 15"),
    ],
)
def test_setup_refuses_what_it_cannot_do(values: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Setup.model_validate({"role": "backend", **values})
