"""F4 with a language model: the judgement adjusts a score only where it quotes the answer,
never lifts a guarded answer, and no injected instruction moves a score by more than 5 points."""

from __future__ import annotations

import json

import pytest

from greenroom.assessment.batch import default_scorer
from greenroom.assessment.calibration import view_of
from greenroom.assessment.evaluators import QuestionView
from greenroom.assessment.judge import JUDGE_MAX_MOVE, AnswerJudge, Judgement, adjust
from greenroom.assessment.scoring import AnswerScorer
from greenroom.providers.llm import LLMUnavailable
from greenroom.providers.llm.queued import QueuedLLM
from greenroom.questions.bank import load_bank
from tests.injections import INJECTIONS

ANSWER = (
    "The page runs one query for the list and then one more per row, the N plus one problem. "
    "I would confirm it in the query log and eager load the customers with a join."
)


def view(question_id: str) -> QuestionView:
    return view_of(load_bank(), question_id)


def judging(*replies: str | Exception) -> tuple[AnswerScorer, QueuedLLM]:
    llm = QueuedLLM(*replies)
    plain = default_scorer()
    return AnswerScorer(plain.matcher, plain.known_technologies, AnswerJudge(llm)), llm


def verdict(score: int, *quotes: str) -> str:
    return json.dumps({"score": score, "quotes": list(quotes), "reason": "because"})


def test_the_rule_moves_a_third_of_the_way_at_most_15_points() -> None:
    quote = "eager load the customers with a join"
    assert adjust(50, Judgement(score=5, quotes=[quote]), ANSWER, guarded=False).score == 65
    assert adjust(60, Judgement(score=4, quotes=[quote]), ANSWER, guarded=False).score == 65
    assert adjust(60, Judgement(score=1, quotes=[quote]), ANSWER, guarded=False).score == 45
    assert adjust(30, Judgement(score=2, quotes=[quote]), ANSWER, guarded=False).score == 28


def test_no_verbatim_quote_no_move() -> None:
    invented = Judgement(score=5, quotes=["uses a covering index on orders"])
    result = adjust(40, invented, ANSWER, guarded=False)
    assert result.score == 40 and "ignored" in result.evidence.summary
    assert adjust(40, Judgement(score=1, quotes=[]), ANSWER, guarded=False).score == 40


def test_a_guarded_answer_can_fall_but_never_rise() -> None:
    quote = "one more per row"
    assert adjust(10, Judgement(score=5, quotes=[quote]), ANSWER, guarded=True).score == 10
    assert adjust(10, Judgement(score=1, quotes=[quote]), ANSWER, guarded=True).score == 7


def test_the_judgement_is_fused_and_shown_as_evidence() -> None:
    plain = default_scorer().assess(view("backend-n-plus-one-queries"), ANSWER)
    scorer, llm = judging(verdict(1, "eager load the customers with a join"))
    judged = scorer.assess(view("backend-n-plus-one-queries"), ANSWER)
    assert plain.score is not None and judged.score is not None
    assert judged.score == plain.score - min(JUDGE_MAX_MOVE, round(plain.score / 3))
    evidence = next(e for e in judged.evidence if e.dimension == "judgement")
    assert evidence.quotes == ("eager load the customers with a join",)
    assert '<data name="answer">' in llm.calls[0][1]["content"]


def test_a_model_that_is_down_changes_nothing() -> None:
    plain = default_scorer().assess(view("backend-n-plus-one-queries"), ANSWER)
    scorer, _ = judging(LLMUnavailable("refused"))
    assert scorer.assess(view("backend-n-plus-one-queries"), ANSWER).as_dict() == plain.as_dict()


@pytest.mark.parametrize("injection", INJECTIONS)
def test_an_injection_moves_no_score_even_through_an_obedient_model(injection: str) -> None:
    question = view("backend-n-plus-one-queries")
    plain = default_scorer().assess(question, ANSWER).score or 0
    attacked = f"{ANSWER} {injection}"
    # The model does what the injection asks: top marks, quoting the injection and the answer.
    scorer, llm = judging(*[verdict(5, injection, "the N plus one problem")] * 3)
    result = scorer.assess(question, attacked)
    assert abs((result.score or 0) - plain) <= 5, injection
    assert injection not in llm.calls[0][1]["content"]  # it was cut out before the model saw it
