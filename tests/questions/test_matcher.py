"""The key-point matcher, on the project's labelled examples and on plain cases."""

from __future__ import annotations

from importlib.resources import files

import yaml

from greenroom.interviews.engine import InterviewEngine
from greenroom.questions.bank import load_bank
from greenroom.questions.matcher import Coverage, answer_pieces, split_sentences

OFF_TOPIC = (
    "My favourite holiday was a week of hiking in the mountains with my family. We "
    "cooked on a camp stove and watched the stars every night."
)


def test_sentences_pairs_and_clauses() -> None:
    text = "First I measured the latency. Then, because it was high, I added a cache! Ok."
    assert split_sentences(text) == [
        "First I measured the latency.",
        "Then, because it was high, I added a cache!",
    ]
    pieces = answer_pieces(text)
    assert "First I measured the latency. Then, because it was high, I added a cache!" in pieces


def test_agreement_with_the_labelled_examples(interview_engine: InterviewEngine) -> None:
    """The thresholds in use agree with human labels at least as well as when they were chosen
    (docs/matching.md): a drop here means the matcher got worse."""
    examples = yaml.safe_load(
        files("greenroom.data").joinpath("matcher_examples.yaml").read_text(encoding="utf-8")
    )
    bank = load_bank()
    exact = severe = total = 0
    for example in examples["examples"]:
        points = [kp.point for kp in bank.by_id[example["question_id"]].key_points]
        matches = interview_engine.matcher.match(example["answer"], points)
        for match, label in zip(matches, example["labels"], strict=True):
            total += 1
            exact += match.coverage.value == label
            severe += {match.coverage.value, label} == {"covered", "missed"}
    assert total >= 250
    assert exact / total >= 0.55
    assert severe / total <= 0.16


def test_model_answers_cover_their_own_key_points(interview_engine: InterviewEngine) -> None:
    bank = load_bank()
    covered = total = 0
    for question in bank.questions[::12]:
        matches = interview_engine.matcher.match(
            question.model_answer, [kp.point for kp in question.key_points]
        )
        covered += sum(m.coverage == Coverage.COVERED for m in matches)
        total += len(matches)
    assert covered / total >= 0.8


def test_off_topic_and_empty_answers_cover_nothing(interview_engine: InterviewEngine) -> None:
    for question in load_bank().questions[::25]:
        points = [kp.point for kp in question.key_points]
        assert all(
            m.coverage == Coverage.MISSED for m in interview_engine.matcher.match(OFF_TOPIC, points)
        ), question.id
        empty = interview_engine.matcher.match("", points)
        assert all(m.coverage == Coverage.MISSED and m.quote == "" for m in empty)


def test_quote_is_the_answers_own_words(interview_engine: InterviewEngine) -> None:
    question = load_bank().by_id["backend-n-plus-one-queries"]
    answer = (
        "Honestly I had to think about it. It is the N plus one problem: lazy loading "
        "runs another query inside the loop for every row."
    )
    matches = interview_engine.matcher.match(answer, [kp.point for kp in question.key_points])
    best = max(matches, key=lambda m: m.similarity)
    assert best.coverage != Coverage.MISSED
    assert best.quote in answer
