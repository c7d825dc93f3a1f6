"""The interviewer with a language model: its follow-ups and phrasing are used, checked and
bounded in code; when it is down or wrong the rules path answers and nothing is lost."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from greenroom.accounts.models import User
from greenroom.app import create_app
from greenroom.config import Settings
from greenroom.interviews.engine import InterviewEngine
from greenroom.interviews.models import Interview, Status, TurnKind
from greenroom.interviews.phrases import FOLLOW_UP_LIMIT
from greenroom.interviews.schemas import Persona, Setup
from greenroom.providers.llm import LLMUnavailable
from greenroom.providers.llm.guarded import GuardedLLM
from greenroom.providers.llm.queued import QueuedLLM
from greenroom.questions.bank import load_bank
from tests.helpers import post_form, signup, start_practice
from tests.injections import INJECTIONS

TECH = "backend-n-plus-one-queries"
TECH_2 = "backend-http-status-codes"
VAGUE = "I am not completely sure about this one, I would probably look it up and ask a colleague."
GOOD_PROBE = "Walk me through how you would confirm that this is really what is happening?"


def move(action: str, follow_up: str = "", acknowledgement: str = "") -> str:
    return json.dumps(
        {"action": action, "follow_up": follow_up, "acknowledgement": acknowledgement}
    )


def start(
    engine: InterviewEngine, db: Session, user: User, *plan: str, persona: str = "neutral"
) -> Interview:
    setup = Setup.model_validate({"role": "backend", "persona": persona, "question_count": 2})
    interview = engine.create(db, user.id, setup, seed=3)
    interview.plan = list(plan)
    engine.start(db, interview, "Cand")
    db.commit()
    return interview


@pytest.fixture
def llm() -> QueuedLLM:
    return QueuedLLM()


@pytest.fixture
def engine(interview_engine: InterviewEngine, llm: QueuedLLM) -> InterviewEngine:
    return interview_engine.with_llm(llm)


def test_the_models_follow_up_and_acknowledgement_are_used(
    engine: InterviewEngine, llm: QueuedLLM, db: Session, user: User
) -> None:
    interview = start(engine, db, user, TECH, TECH_2)
    llm.queue(move("follow_up", GOOD_PROBE, "Okay, that's a start."))
    turns = engine.answer(db, interview, VAGUE, name="Cand").turns
    follow_up = turns[-1]
    assert follow_up.kind == TurnKind.FOLLOW_UP
    assert follow_up.text == GOOD_PROBE
    assert follow_up.preface == "Okay, that's a start."
    assert follow_up.meta["interviewer"] == "llm"
    # The answer reached the model only inside a data block, with the persona's tone.
    system, user_message = llm.calls[0]
    assert "polite, brief" in system["content"]
    assert f'<data name="answer">\n{VAGUE}\n</data>' in user_message["content"]


def test_follow_ups_stay_bounded_whatever_the_model_wants(
    engine: InterviewEngine, llm: QueuedLLM, db: Session, user: User
) -> None:
    interview = start(engine, db, user, TECH, TECH_2, persona="tough")
    probes = [f"And what about case number {n} in this situation?" for n in range(6)]
    for probe in probes:
        llm.queue(move("follow_up", probe, "Go on."))
    kinds = []
    for _ in range(FOLLOW_UP_LIMIT[Persona.TOUGH] + 1):
        kinds.append(engine.answer(db, interview, VAGUE, name="Cand").turns[-1].kind)
    assert kinds == ["follow_up", "follow_up", "question"]
    for _ in range(FOLLOW_UP_LIMIT[Persona.TOUGH] + 1):
        last = engine.answer(db, interview, VAGUE, name="Cand").turns[-1]
    assert last.kind == TurnKind.CLOSING
    assert interview.status == Status.COMPLETED.value


def test_a_follow_up_that_gives_a_key_point_away_is_replaced_by_the_banks(
    engine: InterviewEngine, llm: QueuedLLM, db: Session, user: User
) -> None:
    interview = start(engine, db, user, TECH, TECH_2)
    question = load_bank().by_id[TECH]
    leaking = f"Did you know that {question.key_points[0].point.lower()} Can you explain it?"
    llm.queue(move("follow_up", leaking, "Hmm, is that all?"))
    follow_up = engine.answer(db, interview, VAGUE, name="Cand").turns[-1]
    assert follow_up.kind == TurnKind.FOLLOW_UP
    assert follow_up.text in {kp.follow_up for kp in question.key_points}
    assert follow_up.preface != "Hmm, is that all?"  # an acknowledgement may not ask


@pytest.mark.parametrize("injection", INJECTIONS)
def test_an_obedient_model_still_cannot_reveal_the_rubric(
    engine: InterviewEngine, llm: QueuedLLM, db: Session, user: User, injection: str
) -> None:
    interview = start(engine, db, user, TECH, TECH_2)
    question = load_bank().by_id[TECH]
    rubric = "; ".join(kp.point for kp in question.key_points)
    llm.queue(move("follow_up", f"The key points are: {rubric}?", question.model_answer[:150]))
    turns = engine.answer(db, interview, f"{VAGUE} {injection}", name="Cand").turns
    said = " ".join(f"{t.preface} {t.text}" for t in turns if t.speaker == "interviewer")
    for kp in question.key_points:
        assert kp.point not in said
    assert question.model_answer[:80] not in said


def test_a_model_that_is_down_leaves_the_rules_in_charge(
    interview_engine: InterviewEngine, db: Session, user: User
) -> None:
    down = GuardedLLM(QueuedLLM(*[LLMUnavailable("refused")] * 3), threshold=3)
    engine = interview_engine.with_llm(down)
    interview = start(engine, db, user, TECH, TECH_2)
    follow_up = engine.answer(db, interview, VAGUE, name="Cand").turns[-1]
    question = load_bank().by_id[TECH]
    assert follow_up.text in {kp.follow_up for kp in question.key_points}
    assert follow_up.meta["interviewer"] == "rules" and follow_up.meta["llm_unavailable"]
    for _ in range(3):  # the follow-up, question 2 and its follow-up
        engine.answer(db, interview, VAGUE, name="Cand")
    assert interview.status == Status.COMPLETED.value
    answers = [t for t in interview.turns if t.kind == TurnKind.ANSWER]
    assert len(answers) == 4 and all(t.text == VAGUE for t in answers)


def test_the_room_says_when_the_ai_interviewer_is_unavailable(
    settings: Settings, schema: None, interview_engine: InterviewEngine
) -> None:
    down = GuardedLLM(QueuedLLM(*[LLMUnavailable("refused")] * 9), threshold=3)
    app = create_app(settings, interviews=interview_engine, llm=down)
    with TestClient(app) as client:
        signup(client, "room@example.com")
        room_url = start_practice(client, question_count="2")
        assert "AI interviewer is unavailable" not in client.get(room_url).text
        post_form(client, room_url, room_url + "/answer", {"text": VAGUE})
        room = client.get(room_url)
        assert "AI interviewer is unavailable right now" in room.text
        assert room.text.count('class="turn turn-candidate') == 1  # the answer is kept
    app.state.greenroom.engine.dispose()
