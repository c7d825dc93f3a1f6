"""The shipped question bank: valid, large enough, varied, and free of near-duplicates."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from greenroom.interviews.engine import InterviewEngine
from greenroom.questions.bank import BankError, default_bank_dir, load_bank, load_bank_from
from greenroom.questions.catalogue import ROLES

NEAR_DUPLICATE = 0.9


def test_every_shipped_question_is_valid_and_ids_are_unique() -> None:
    bank = load_bank_from(default_bank_dir())
    assert len(bank.by_id) == len(bank.questions)


def test_the_bank_is_big_enough_to_practise_for_weeks() -> None:
    bank = load_bank()
    stats = bank.stats()
    assert stats["questions"] >= 500
    assert stats["roles"] >= 20
    assert stats["by_type"]["behavioural"] >= 60
    assert stats["by_type"]["system_design"] >= 30
    for role in ROLES:
        technical = [q for q in bank.for_role(role) if q.type.value == "technical"]
        assert len(technical) >= 15, role
        assert set(Counter(q.difficulty.value for q in technical)) == {"easy", "medium", "hard"}


def test_every_question_has_a_rubric_and_a_model_answer() -> None:
    for question in load_bank().questions:
        assert 3 <= len(question.key_points) <= 7
        assert len(question.model_answer.split()) >= 40, question.id
        assert all(kp.follow_up.rstrip().endswith("?") for kp in question.key_points), question.id
        if question.type.value == "behavioural":
            assert question.competency is not None


def test_no_two_questions_are_near_duplicates(interview_engine: InterviewEngine) -> None:
    bank = load_bank()
    vectors = interview_engine.matcher.embedder.embed([q.text for q in bank.questions])
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, 0)
    first, second = np.nonzero(np.triu(similarity) > NEAR_DUPLICATE)
    pairs = [
        (bank.questions[a].id, bank.questions[b].id) for a, b in zip(first, second, strict=True)
    ]
    assert pairs == []


def test_invalid_files_are_refused_with_the_file_and_question(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(
        "questions:\n  - id: Bad_Id\n    text: too short\n    type: technical\n", encoding="utf-8"
    )
    with pytest.raises(BankError, match=r"bad\.yaml: question 'Bad_Id'"):
        load_bank_from(tmp_path)
    (tmp_path / "bad.yaml").write_text("questions: [unclosed", encoding="utf-8")
    with pytest.raises(BankError, match="not valid YAML"):
        load_bank_from(tmp_path)


def test_duplicate_ids_across_files_are_refused(tmp_path: Path) -> None:
    source = (default_bank_dir() / "qa.yaml").read_text(encoding="utf-8")
    (tmp_path / "a.yaml").write_text(source, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(source, encoding="utf-8")
    with pytest.raises(BankError, match=r"is also in a\.yaml"):
        load_bank_from(tmp_path)


def test_technology_suggestions_come_from_the_bank() -> None:
    suggestions = load_bank().technologies_for("frontend")
    assert "react" in suggestions
    assert len(suggestions) <= 16
