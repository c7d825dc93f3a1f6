"""Spoken answers in the report: the delivery stored on an answer turn becomes evidence, moves
the communication and confidence categories, feeds the timeline and is shown, escaped, on the
page. A typed interview's report has none of it."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from greenroom.assessment import spoken
from greenroom.assessment.batch import default_scorer
from greenroom.assessment.report import CATEGORY_HELP, build_report
from greenroom.config import Settings
from greenroom.db import make_engine, make_session_factory
from greenroom.interviews.engine import InterviewEngine
from greenroom.interviews.models import Interview, Turn, TurnKind
from greenroom.providers.stt import TimedWord
from greenroom.questions.bank import load_bank
from greenroom.speech.delivery import Delivery, PaceWindow, SpokenFiller
from greenroom.speech.delivery_evidence import DELIVERY_DIMENSIONS
from greenroom.speech.wording import find_fillers, frequent_words
from tests.conftest import StartInterview
from tests.helpers import finished_report, post_form, signup, start_practice

QUESTIONS = ("backend-n-plus-one-queries", "backend-http-status-codes")
SPOKEN = (
    "Um, so I would, uh, look at the query log first. Like, the cache was, um, cold and the "
    "cache keys were wrong, so the cache missed. Uh, I added an index, you know."
)


def delivery(
    text: str = SPOKEN,
    *,
    wpm: float,
    pitch_st: float,
    start_delay_s: float = 1.0,
    long_pause_s: float = 0.0,
) -> Delivery:
    """A delivery as the voice pipeline would store it, with words evenly spaced at `wpm`
    (and one silence of `long_pause_s` in the middle)."""
    texts = text.split(" ")
    step, t, words, pauses = 60 / wpm, start_delay_s, [], []
    for i, word in enumerate(texts):
        words.append(TimedWord(word, round(t, 2), round(t + 0.8 * step, 2), 0.9))
        t += step
        if long_pause_s and i == len(texts) // 2:
            pauses.append((round(t, 2), round(t + long_pause_s, 2)))
            t += long_pause_s
    answer_s = t - start_delay_s
    fillers = tuple(
        SpokenFiller(f.start, f.end, f.text, words[f.start].start, words[f.end - 1].end, f.weight)
        for f in find_fillers(texts)
    )
    weight = sum(f.weight for f in fillers)
    return Delivery(
        duration_s=round(t + 0.5, 2),
        enough_speech=True,
        note="",
        speaking_s=round(answer_s - long_pause_s, 2),
        word_count=len(words),
        answer_s=round(answer_s, 2),
        wpm=round(60 * len(words) / answer_s, 1),
        articulation_wpm=wpm,
        windows=(
            PaceWindow(
                start_delay_s, round(t, 2), len(words), round(60 * len(words) / answer_s, 1)
            ),
        ),
        pauses=tuple(pauses),
        fillers=fillers,
        fillers_per_minute=round(60 * weight / answer_s, 2),
        fillers_per_100_words=round(100 * weight / len(words), 2),
        voiced_s=round(answer_s * 0.5, 2),
        loudness_db=70.0,
        loudness_std_db=5.5,
        pitch_median_hz=110.0,
        pitch_variation_st=pitch_st,
        start_delay_s=start_delay_s,
        frequent_words=tuple(frequent_words(texts)),
        job_terms_used=(),
        words=tuple(words),
    )


POOR = delivery(wpm=95, pitch_st=1.1, start_delay_s=9.0, long_pause_s=6.0)
GOOD = delivery("I would look at the query log first and add an index.", wpm=150, pitch_st=3.0)


def _answered(start_interview: StartInterview, engine: InterviewEngine, db: Session) -> Interview:
    bank = load_bank()
    interview = start_interview(*QUESTIONS)
    while (prompt := engine.prompt(interview)) is not None:
        engine.answer(db, interview, bank.by_id[prompt.question.id].model_answer, name="Cand")
    db.commit()
    return interview


def _speak(db: Session, interview: Interview, spoken_as: Delivery | dict[str, object]) -> None:
    data = spoken_as.to_dict() if isinstance(spoken_as, Delivery) else spoken_as
    for turn in interview.turns:
        if turn.kind == TurnKind.ANSWER:
            turn.meta = {**turn.meta, "delivery": data}  # a new dict: JSON columns track by value
    db.commit()


def test_delivery_becomes_evidence_and_moves_communication_and_confidence(
    start_interview: StartInterview, interview_engine: InterviewEngine, db: Session
) -> None:
    bank, scorer = load_bank(), default_scorer()
    interview = _answered(start_interview, interview_engine, db)
    typed = build_report(interview, bank, scorer)
    _speak(db, interview, POOR)
    poor = build_report(interview, bank, scorer)
    _speak(db, interview, GOOD)
    good = build_report(interview, bank, scorer)

    for before, after in zip(typed["questions"], poor["questions"], strict=True):
        assert after["score"] == before["score"]  # the answer's own score is about its content
        assert set(after["sub_scores"]) == set(before["sub_scores"]) | set(DELIVERY_DIMENSIONS)
        found = {e["dimension"]: e for e in after["evidence"]}
        assert found["pace"]["figures"]["flagged"] and found["pace"]["figures"]["wpm"] < 110
        assert found["pitch_variation"]["figures"]["flagged"]
        assert found["pauses"]["figures"]["long_count"] == 1
        assert found["filler_words_spoken"]["figures"]["words"]["um"] == 2
        assert "lower bound" in found["filler_words_spoken"]["summary"]
    for name in ("communication", "confidence"):
        assert poor["categories"][name]["score"] < typed["categories"][name]["score"]
        assert good["categories"][name]["score"] > poor["categories"][name]["score"]
        assert "when spoken" in poor["categories"][name]["measures"]
    for name in ("technical_knowledge", "problem_solving", "cultural_fit"):
        assert poor["categories"][name] == typed["categories"][name]
    assert poor["radar"]["communication_clarity"] < typed["radar"]["communication_clarity"]
    assert any(a["dimension"] in DELIVERY_DIMENSIONS for a in poor["areas_to_improve"])


def test_the_timeline_has_each_spoken_answer_on_one_axis(
    start_interview: StartInterview, interview_engine: InterviewEngine, db: Session
) -> None:
    interview = _answered(start_interview, interview_engine, db)
    _speak(db, interview, POOR)
    report = build_report(interview, load_bank(), default_scorer())
    timeline = report["delivery_timeline"]
    assert [entry["label"] for entry in timeline][:2] == ["Q1", "Q2"]
    first, second = timeline[0], timeline[1]
    assert second["offset_s"] >= first["offset_s"] + first["duration_s"]
    assert first["windows"][0]["wpm"] == POOR.windows[0].wpm
    assert first["pauses"] == [list(POOR.pauses[0])]
    assert [f["text"] for f in first["fillers"]] == [f.text for f in POOR.fillers]
    json.dumps(report)  # the payload is stored as JSON


def test_a_typed_interview_has_no_delivery_anywhere(
    start_interview: StartInterview, interview_engine: InterviewEngine, db: Session
) -> None:
    interview = _answered(start_interview, interview_engine, db)
    report = build_report(interview, load_bank(), default_scorer())
    assert "delivery_timeline" not in report
    assert all("delivery" not in q for q in report["questions"])
    assert all(
        e["dimension"] not in DELIVERY_DIMENSIONS
        for q in report["questions"]
        for e in q["evidence"]
    )
    assert {n: c["measures"] for n, c in report["categories"].items()} == CATEGORY_HELP


def test_unreadable_delivery_data_is_left_out(
    start_interview: StartInterview,
    interview_engine: InterviewEngine,
    db: Session,
    caplog: pytest.LogCaptureFixture,
) -> None:
    interview = _answered(start_interview, interview_engine, db)
    bank, scorer = load_bank(), default_scorer()
    typed = build_report(interview, bank, scorer)
    _speak(db, interview, {"version": 99, "wpm": "fast"})
    assert build_report(interview, bank, scorer) == typed
    assert "unreadable delivery" in caplog.text


def test_follow_up_answers_merge_by_time_spoken() -> None:
    short = replace(GOOD, speaking_s=10.0)
    long = replace(POOR, speaking_s=30.0)
    merged = {e.dimension: e for e in spoken.evidence([short, long])}
    good = {e.dimension: e for e in spoken.evidence([short])}
    poor = {e.dimension: e for e in spoken.evidence([long])}
    for dimension in DELIVERY_DIMENSIONS:
        expected = (10 * (good[dimension].score or 0) + 30 * (poor[dimension].score or 0)) / 40
        assert merged[dimension].score == pytest.approx(expected, abs=0.001)
        assert "Answer:" in merged[dimension].summary
        assert "Follow-up:" in merged[dimension].summary
    not_enough = replace(POOR, enough_speech=False, note="not enough speech (0.3 s of speech)")
    assert spoken.evidence([not_enough])[0].score is None


def test_the_report_page_draws_the_timeline_and_escapes_the_highlights(
    client: TestClient, settings: Settings
) -> None:
    signup(client, "voice-report@example.com")
    room = start_practice(client)
    post_form(client, room, f"{room}/answer", {"text": "I would add an index and a cache."})
    hostile = delivery(SPOKEN + " x<script>alert(1)</script> " * 3, wpm=140, pitch_st=2.6)
    engine = make_engine(settings.resolved_database_url)
    with make_session_factory(engine).begin() as db:
        turn = db.scalars(select(Turn).where(Turn.kind == TurnKind.ANSWER.value)).one()
        turn.meta = {**turn.meta, "delivery": hostile.to_dict()}
    engine.dispose()
    post_form(client, room, f"{room}/end", {})
    page = finished_report(client, room)
    assert 'id="delivery-chart"' in page
    data = re.search(r'<script type="application/json" id="delivery-data">(.*?)</script>', page)
    assert data and json.loads(data.group(1))[0]["windows"]
    assert "<script>alert" not in page
    assert "x&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert re.search(r'<span class="hl hl-filler" title="filler “um”[^"]*">Um,</span>', page)
    assert 'class="hl hl-frequent-word"' in page  # "cache", said three times
    assert "legend" in page and "lower bound" in page


def test_a_typed_report_page_has_no_delivery_chart(client: TestClient) -> None:
    signup(client, "typed-report@example.com")
    room = start_practice(client)
    post_form(client, room, f"{room}/answer", {"text": "I would add an index and a cache."})
    post_form(client, room, f"{room}/end", {})
    page = finished_report(client, room)
    assert 'id="overall-score"' in page
    assert "delivery-chart" not in page and "How it sounded" not in page
    assert "Grammar and filler figures come from typed text." in page
