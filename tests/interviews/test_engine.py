"""The interview engine on the real database and the real matcher: moves, follow-ups, timing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from greenroom.db import utcnow
from greenroom.interviews.engine import InterviewEngine, InterviewError
from greenroom.interviews.models import Interview, Status, Turn, TurnKind
from greenroom.interviews.schemas import MAX_ANSWER_CHARS
from greenroom.questions.bank import load_bank
from tests.conftest import StartInterview

TECH = "backend-n-plus-one-queries"
TECH_2 = "backend-http-status-codes"
STORY = "behav-ownership-beyond-what-was-asked"
VAGUE = "I am not completely sure about this one, I would probably look it up and ask a colleague."


def kinds(interview: Interview) -> list[str]:
    return [turn.kind for turn in interview.turns]


def answer(engine: InterviewEngine, db: Session, interview: Interview, text: str) -> list[Turn]:
    outcome = engine.answer(db, interview, text, name="Cand")
    db.commit()
    return outcome.turns


def test_start_greets_and_asks_the_first_question(start_interview: StartInterview) -> None:
    interview = start_interview(TECH, TECH_2)
    assert interview.status == Status.IN_PROGRESS.value
    assert kinds(interview) == ["greeting", "question"]
    assert "2 questions" in interview.turns[0].text
    assert interview.turns[1].text == load_bank().by_id[TECH].text


def test_a_missed_key_point_gets_that_key_points_follow_up(
    start_interview: StartInterview, interview_engine: InterviewEngine, db: Session
) -> None:
    interview = start_interview(TECH, TECH_2)
    turns = answer(interview_engine, db, interview, VAGUE)
    follow_up = turns[-1]
    assert follow_up.kind == TurnKind.FOLLOW_UP
    question = load_bank().by_id[TECH]
    assert follow_up.text == question.key_points[follow_up.key_point_index or 0].follow_up
    assert follow_up.meta["reason"] == "missed_key_point"
    # Neutral persona: one follow-up, then the next question.
    turns = answer(interview_engine, db, interview, VAGUE)
    assert turns[-1].kind == TurnKind.QUESTION
    assert turns[-1].question_id == TECH_2


def test_a_complete_answer_moves_on_without_a_follow_up(
    start_interview: StartInterview, interview_engine: InterviewEngine, db: Session
) -> None:
    interview = start_interview(TECH, TECH_2)
    turns = answer(interview_engine, db, interview, load_bank().by_id[TECH].model_answer)
    assert turns[-1].kind == TurnKind.QUESTION
    assert turns[-1].preface  # an acknowledgement and a transition


def test_tough_persona_asks_two_different_follow_ups(
    start_interview: StartInterview, interview_engine: InterviewEngine, db: Session
) -> None:
    interview = start_interview(TECH, TECH_2, persona="tough")
    first = answer(interview_engine, db, interview, VAGUE)[-1]
    second = answer(interview_engine, db, interview, VAGUE)[-1]
    third = answer(interview_engine, db, interview, VAGUE)[-1]
    assert first.kind == second.kind == TurnKind.FOLLOW_UP
    assert first.text != second.text
    assert third.kind == TurnKind.QUESTION


def test_behavioural_we_without_i_asks_what_you_did(
    start_interview: StartInterview, interview_engine: InterviewEngine, db: Session
) -> None:
    interview = start_interview(STORY)
    turns = answer(
        interview_engine,
        db,
        interview,
        "We noticed the release was late, so we reorganised our sprint and we shipped "
        "it with our whole team pulling together.",
    )
    assert turns[-1].meta["reason"] == "ownership"
    assert "you" in turns[-1].text.lower()


def test_behavioural_story_without_a_result_asks_for_one(
    start_interview: StartInterview, interview_engine: InterviewEngine, db: Session
) -> None:
    interview = start_interview(STORY, persona="friendly")
    turns = answer(
        interview_engine,
        db,
        interview,
        "I noticed nobody owned the flaky deployment scripts, so I took them on myself "
        "and rewrote them over two weekends with help from a colleague.",
    )
    assert turns[-1].meta["reason"] == "result"


def test_empty_answer_is_asked_again_once_then_the_interview_moves_on(
    start_interview: StartInterview, interview_engine: InterviewEngine, db: Session
) -> None:
    interview = start_interview(TECH, TECH_2)
    assert answer(interview_engine, db, interview, "   ")[-1].kind == TurnKind.REASK
    moved = answer(interview_engine, db, interview, "")[-1]
    assert moved.kind == TurnKind.QUESTION
    assert moved.question_id == TECH_2


def test_the_last_answer_closes_the_interview(
    start_interview: StartInterview, interview_engine: InterviewEngine, db: Session
) -> None:
    interview = start_interview(TECH)
    answer(interview_engine, db, interview, load_bank().by_id[TECH].model_answer)
    assert interview.status == Status.COMPLETED.value
    assert interview.turns[-1].kind == TurnKind.CLOSING
    with pytest.raises(InterviewError, match="has ended"):
        interview_engine.answer(db, interview, "more", name="Cand")


def test_an_over_long_answer_is_refused_and_kept_as_the_draft(
    start_interview: StartInterview, interview_engine: InterviewEngine, db: Session
) -> None:
    interview = start_interview(TECH)
    text = "word " * (MAX_ANSWER_CHARS // 5 + 10)
    outcome = interview_engine.answer(db, interview, text, name="Cand")
    db.commit()
    assert outcome.refused and "limit is 8,000" in outcome.refused
    assert interview.draft_text == text
    assert kinds(interview) == ["greeting", "question"]


def test_pause_blocks_answers_and_resume_continues(
    start_interview: StartInterview, interview_engine: InterviewEngine, db: Session
) -> None:
    interview = start_interview(TECH)
    interview_engine.pause(db, interview)
    with pytest.raises(InterviewError, match="paused"):
        interview_engine.answer(db, interview, "x", name="Cand")
    interview_engine.resume(db, interview)
    assert interview_engine.prompt(interview) is not None
    assert kinds(interview)[-2:] == ["pause", "resume"]


def test_timings_leave_out_paused_time(
    start_interview: StartInterview, interview_engine: InterviewEngine, db: Session
) -> None:
    interview = start_interview(TECH)
    now = utcnow()
    (question,) = (t for t in interview.turns if t.kind == TurnKind.QUESTION)
    pause = interview_engine.pause(db, interview)
    resume = interview_engine.resume(db, interview)
    question.created_at = now - timedelta(seconds=100)
    pause.created_at = now - timedelta(seconds=80)
    resume.created_at = now - timedelta(seconds=50)  # 30 s paused
    outcome = interview_engine.answer(
        db, interview, VAGUE, name="Cand", first_input_at=now - timedelta(seconds=40)
    )
    meta = outcome.turns[0].meta
    assert meta["answered_after_s"] == pytest.approx(70, abs=1.5)
    assert meta["started_after_s"] == pytest.approx(30, abs=1.5)


def test_moment_and_end_early(
    start_interview: StartInterview, interview_engine: InterviewEngine, db: Session
) -> None:
    interview = start_interview(TECH, TECH_2)
    turns = interview_engine.ask_for_moment(db, interview)
    assert [t.kind for t in turns] == ["moment", "moment_reply"]
    assert interview_engine.prompt(interview).question.id == TECH  # type: ignore[union-attr]
    interview_engine.end_early(db, interview, "Cand")
    assert interview.status == Status.COMPLETED.value
    assert interview.turns[-1].meta == {"ended_early": True}


def test_interviewer_never_reveals_key_points_or_the_model_answer(
    start_interview: StartInterview, interview_engine: InterviewEngine, db: Session
) -> None:
    interview = start_interview(TECH, STORY, TECH_2, persona="tough")
    for _ in range(12):
        if interview.status != Status.IN_PROGRESS.value:
            break
        answer(interview_engine, db, interview, VAGUE)
    bank = load_bank()
    secrets = [kp.point for qid in interview.plan for kp in bank.by_id[qid].key_points]
    secrets += [bank.by_id[qid].model_answer for qid in interview.plan]
    spoken = " ".join(f"{t.preface} {t.text}" for t in interview.turns if t.speaker != "candidate")
    assert all(secret not in spoken for secret in secrets)
    assert interview.status == Status.COMPLETED.value


def test_every_turn_is_in_the_database_as_it_happens(
    start_interview: StartInterview,
    interview_engine: InterviewEngine,
    db: Session,
    settings: object,
) -> None:
    interview = start_interview(TECH, TECH_2)
    answer(interview_engine, db, interview, VAGUE)
    db.expire_all()
    stored = db.scalars(
        select(Turn.kind).where(Turn.interview_id == interview.id).order_by(Turn.seq)
    ).all()
    assert stored == ["greeting", "question", "answer", "follow_up"]


def test_an_answer_without_a_reply_gets_one_after_a_crash(
    start_interview: StartInterview, interview_engine: InterviewEngine, db: Session
) -> None:
    interview = start_interview(TECH, TECH_2)
    interview_engine.record_answer(db, interview, VAGUE)
    db.commit()  # ... and the process dies here
    db.expire_all()
    reloaded = db.get(Interview, interview.id)
    assert reloaded is not None
    assert interview_engine.prompt(reloaded) is None
    replies = interview_engine.respond(db, reloaded, "Cand")
    assert [t.kind for t in replies] == ["follow_up"]
    assert interview_engine.respond(db, reloaded, "Cand") == []  # only once


def test_a_duplicate_turn_number_is_refused_by_the_database(
    start_interview: StartInterview, db: Session
) -> None:
    from sqlalchemy.exc import IntegrityError

    interview = start_interview(TECH)
    db.add(
        Turn(
            interview_id=interview.id,
            seq=1,
            kind="answer",
            speaker="candidate",
            text="x",
            meta={},
            created_at=utcnow(),
        )
    )
    with pytest.raises(IntegrityError):
        db.flush()
    db.rollback()
    db.execute(update(Interview).values(status=Status.ABANDONED.value))


def test_an_answer_the_candidate_went_on_with_is_taken_back_with_its_reply(
    start_interview: StartInterview, interview_engine: InterviewEngine, db: Session
) -> None:
    interview = start_interview(TECH, TECH_2)
    first = answer(interview_engine, db, interview, VAGUE)
    assert first[-1].speaker == "interviewer"  # a follow-up or the next question
    interview_engine.take_back(db, interview, first[0].seq)
    db.commit()
    db.expire_all()
    assert kinds(interview) == ["greeting", "question"]
    assert interview_engine.prompt(interview).question.id == TECH  # type: ignore[union-attr]
    # The answer then goes on and is stored once, whole.
    whole = answer(interview_engine, db, interview, f"{VAGUE} Then I would add an index.")
    assert [t.text for t in interview.turns if t.kind == TurnKind.ANSWER] == [whole[0].text]


def test_taking_back_the_last_answer_reopens_the_interview_it_closed(
    start_interview: StartInterview, interview_engine: InterviewEngine, db: Session
) -> None:
    interview = start_interview(TECH)
    last = answer(interview_engine, db, interview, load_bank().by_id[TECH].model_answer)
    assert interview.status == Status.COMPLETED.value
    interview_engine.take_back(db, interview, last[0].seq)
    db.commit()
    assert interview.status == Status.IN_PROGRESS.value and interview.completed_at is None
    assert kinds(interview) == ["greeting", "question"]


def test_only_the_latest_answer_can_be_taken_back(
    start_interview: StartInterview, interview_engine: InterviewEngine, db: Session
) -> None:
    interview = start_interview(TECH, TECH_2)
    first = answer(interview_engine, db, interview, "")  # asked again
    second = answer(interview_engine, db, interview, VAGUE)
    before = kinds(interview)
    with pytest.raises(InterviewError, match="no longer"):
        interview_engine.take_back(db, interview, first[0].seq)  # the candidate spoke since
    with pytest.raises(InterviewError, match="no longer"):
        interview_engine.take_back(db, interview, second[-1].seq)  # not an answer
    assert kinds(interview) == before
