"""C2: questions written by a language model, validated in the bank's schema, never repeated,
asked and reported like bank questions; without a usable model the bank answers."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from greenroom.accounts.models import User
from greenroom.app import create_app
from greenroom.assessment.batch import default_scorer
from greenroom.assessment.report import build_report
from greenroom.config import Settings
from greenroom.interviews.engine import InterviewEngine
from greenroom.interviews.schemas import Setup
from greenroom.providers.llm import LLMUnavailable
from greenroom.providers.llm.queued import QueuedLLM
from greenroom.questions.bank import load_bank
from tests.helpers import post_form, signup


def written(text: str) -> str:
    return json.dumps(
        {
            "text": text,
            "type": "technical",
            "kind": "design",
            "topic": "Payments",
            "key_points": [
                {
                    "point": f"States idempotency keys for {text[:20]}",
                    "follow_up": "How would you do that?",
                },
                {"point": "Retries with exponential backoff", "follow_up": "When do you retry?"},
                {
                    "point": "Reconciles against the provider daily",
                    "follow_up": "What happens afterwards?",
                },
            ],
            "model_answer": "I would give each payment request an idempotency key, retry with "
            "backoff, and reconcile nightly against the provider's records.",
            "answer_time_s": 180,
        }
    )


PAYMENTS = "How would you make card payments at Acme safe to retry when the provider times out?"
LEDGER = "Design the ledger tables Acme needs so refunds and chargebacks always balance."
SETUP = {
    "role": "backend",
    "interview_type": "technical",
    "question_count": 4,
    "company": "Acme",
    "generate_questions": True,
}


def test_half_the_plan_is_written_for_the_job_and_asked_like_bank_questions(
    interview_engine: InterviewEngine, db: Session, user: User
) -> None:
    llm = QueuedLLM(written(PAYMENTS), written(LEDGER))
    engine = interview_engine.with_llm(llm)
    interview = engine.create(db, user.id, Setup.model_validate(SETUP), seed=5)
    generated_ids = [q["id"] for q in interview.generated]
    assert len(generated_ids) == 2 and len(interview.plan) == 4
    assert interview.plan[1] == generated_ids[0] and interview.plan[3] == generated_ids[1]
    assert "Acme" in llm.calls[0][1]["content"]  # the setup reached the model
    engine.start(db, interview, "Cand")
    engine.answer(db, interview, "I would add a key.", name="Cand")
    asked = engine.answer(db, interview, "No idea.", name="Cand").turns[-1]
    assert asked.kind == "question" and asked.text == PAYMENTS
    db.commit()
    engine.end_early(db, interview, "Cand")
    report = build_report(interview, engine.bank, default_scorer())
    assert [q["question"] for q in report["questions"]][1] == PAYMENTS


def test_duplicates_of_the_bank_or_of_earlier_questions_are_refused(
    interview_engine: InterviewEngine, db: Session, user: User
) -> None:
    bank_text = load_bank().questions[0].text
    llm = QueuedLLM(written(bank_text), written(PAYMENTS), written(LEDGER))
    engine = interview_engine.with_llm(llm)
    first = engine.create(db, user.id, Setup.model_validate(SETUP), seed=5)
    assert [q["text"] for q in first.generated] == [PAYMENTS, LEDGER]
    db.commit()
    llm.queue(written(PAYMENTS), written(LEDGER), "not json", "{}", "{}", "{}", "{}", "{}")
    again = engine.create(db, user.id, Setup.model_validate(SETUP), seed=6)
    assert again.generated == []  # both were given before, and the rest never validated
    assert len(again.plan) == 4 and all(load_bank().get(q) for q in again.plan)


def test_a_model_that_is_down_leaves_the_plan_to_the_bank(
    interview_engine: InterviewEngine, db: Session, user: User
) -> None:
    engine = interview_engine.with_llm(QueuedLLM(*[LLMUnavailable("refused")] * 9))
    interview = engine.create(db, user.id, Setup.model_validate(SETUP), seed=5)
    assert interview.generated == [] and len(interview.plan) == 4


def test_the_page_says_when_no_question_could_be_written(
    settings: Settings, schema: None, interview_engine: InterviewEngine
) -> None:
    app = create_app(settings, interviews=interview_engine, llm=QueuedLLM(*["{}"] * 12))
    with TestClient(app) as client:
        signup(client, "gen@example.com")
        form = {**{k: str(v) for k, v in SETUP.items()}, "generate_questions": "on"}
        room = post_form(client, "/practice", "/practice", form)
        assert room.status_code == 200 and "Question 1 of 4" in room.text
        assert "could not write questions just now" in room.text
    app.state.greenroom.engine.dispose()
