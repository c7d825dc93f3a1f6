"""Interview reports: built from the turns, deterministic, honest about what is missing."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from greenroom.assessment.batch import default_scorer
from greenroom.assessment.report import NOT_ENOUGH, build_report
from greenroom.interviews.engine import InterviewEngine
from greenroom.interviews.models import Interview, Status
from greenroom.questions.bank import load_bank
from tests.conftest import StartInterview
from tests.helpers import finished_report, post_form, signup, start_practice

QUESTIONS = (
    "backend-n-plus-one-queries",
    "behav-ownership-beyond-what-was-asked",
    "backend-http-status-codes",
)
VAGUE = "I am not completely sure about this one, I would probably look it up."


def _take(engine: InterviewEngine, db: Session, interview: Interview, answer_for: object) -> None:
    while (prompt := engine.prompt(interview)) is not None:
        engine.answer(db, interview, answer_for(prompt.question.id), name="Cand")  # type: ignore[operator]
    db.commit()


def test_strong_answers_beat_weak_ones_and_the_report_is_deterministic(
    start_interview: StartInterview, interview_engine: InterviewEngine, db: Session
) -> None:
    bank = load_bank()
    strong = start_interview(*QUESTIONS)
    _take(interview_engine, db, strong, lambda qid: bank.by_id[qid].model_answer)
    weak = start_interview(*QUESTIONS)
    _take(interview_engine, db, weak, lambda qid: VAGUE)
    scorer = default_scorer()
    strong_report = build_report(strong, bank, scorer)
    assert strong_report == build_report(strong, bank, scorer)
    weak_report = build_report(weak, bank, scorer)
    assert strong_report["overall"] > weak_report["overall"] + 30
    first = strong_report["questions"][0]
    assert first["answered"] and first["key_points"]
    assert any(kp["quote"] for kp in first["key_points"] if kp["coverage"] == "covered")
    assert strong_report["strengths"]
    assert 3 <= len(weak_report["practice_plan"]) <= 5
    assert all(p["question_id"] not in QUESTIONS for p in weak_report["practice_plan"])
    missed = [
        kp for q in weak_report["questions"] for kp in q["key_points"] if kp["coverage"] == "missed"
    ]
    assert missed and all(kp["model_answer_part"] for kp in missed)
    assert weak_report["questions"][0]["stronger_answer"]


def test_a_silent_candidate_gets_not_enough_evidence(
    start_interview: StartInterview, interview_engine: InterviewEngine, db: Session
) -> None:
    interview = start_interview(*QUESTIONS)
    _take(interview_engine, db, interview, lambda qid: "")
    assert interview.status == Status.COMPLETED.value
    report = build_report(interview, load_bank(), default_scorer())
    assert report["overall"] is None
    assert all(q["status"] == "not answered" for q in report["questions"])
    assert all(c["status"] == NOT_ENOUGH for c in report["categories"].values())
    assert "not enough evidence" in report["final_assessment"]


def test_unreached_questions_are_left_out_and_unanswered_ones_say_so(
    start_interview: StartInterview, interview_engine: InterviewEngine, db: Session
) -> None:
    bank = load_bank()
    interview = start_interview(*QUESTIONS)
    interview_engine.answer(db, interview, bank.by_id[QUESTIONS[0]].model_answer, name="Cand")
    if interview_engine.prompt(interview).question.id == QUESTIONS[0]:  # type: ignore[union-attr]
        interview_engine.answer(db, interview, VAGUE, name="Cand")
    interview_engine.answer(db, interview, "", name="Cand")
    interview_engine.answer(db, interview, "", name="Cand")  # question 2 skipped
    interview_engine.end_early(db, interview, "Cand")
    report = build_report(interview, bank, default_scorer())
    assert [q["number"] for q in report["questions"]] == [1, 2, 3]
    assert report["questions"][1]["status"] == "not answered"
    assert report["areas_to_improve"][0]["title"] == "Answering every question"


def test_the_report_page_builds_in_the_background(client: TestClient) -> None:
    signup(client, "report@example.com")
    room = start_practice(client)
    assert client.get(f"{room}/report").status_code == 409  # not complete yet
    post_form(client, room, f"{room}/end", {})
    page = finished_report(client, room)
    assert 'id="overall-score"' in page
    assert "Not answered" in page  # ended before answering: nothing invented
    api = client.get(f"/api/v1/interviews/{room.rsplit('/', 1)[1]}/report").json()
    assert api["status"] == "done"
    assert api["report"]["overall"] is None
