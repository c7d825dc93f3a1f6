"""The simulated-candidate suite with the language-model interviewer on the real llama.cpp
server: the checklist (no rubric revealed, bounded follow-ups, a proper ending, no loops)
holds because code enforces it, whatever the tiny model says. Scores here come from the
evidence alone, so nothing depends on the model's judgement."""

from __future__ import annotations

from sqlalchemy.orm import Session

from greenroom.accounts.models import User
from greenroom.assessment.batch import default_scorer
from greenroom.assessment.report import build_report
from greenroom.config import Settings
from greenroom.interviews.engine import InterviewEngine
from greenroom.interviews.schemas import Setup
from greenroom.providers.llm.registry import build_llm
from tests.llm.server import LlamaServer
from tests.simulation.test_simulated_candidates import (
    PERSONAS,
    PLAN,
    check_the_interviewer,
    save,
    take,
)


def test_simulated_candidates_with_the_llm_interviewer(
    llama_server: LlamaServer,
    settings: Settings,
    interview_engine: InterviewEngine,
    db: Session,
    user: User,
) -> None:
    llm = build_llm(settings.model_copy(update={"llm_base_url": llama_server.base_url}))
    engine = interview_engine.with_llm(llm)
    scorer, overall = default_scorer(), {}
    interviewer = "tough"  # the most follow-ups: the bound is tested hardest
    for persona in ("strong", "weak", "gibberish"):
        setup = Setup.model_validate({"role": "backend", "persona": interviewer})
        interview = engine.create(db, user.id, setup, seed=11)
        interview.plan = list(PLAN[:3])
        engine.start(db, interview, "Sim")
        db.commit()
        take(engine, db, interview, PERSONAS[persona])
        check_the_interviewer(engine, interview)
        report = build_report(interview, engine.bank, scorer)
        save(f"llm-{interviewer}-{persona}", interview, report)
        overall[persona] = report["overall"] or 0
        assert any(t.meta.get("interviewer") == "llm" for t in interview.turns), persona
    assert overall["strong"] > overall["weak"] > max(overall["gibberish"], 20)
