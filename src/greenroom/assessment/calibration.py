"""The labelled calibration set, scored: what docs/scoring.md reports and the tests check."""

from __future__ import annotations

import json
from collections import defaultdict
from importlib.resources import files
from typing import Any

import numpy as np
from scipy.stats import spearmanr

from greenroom.assessment.evaluators import QuestionView
from greenroom.assessment.scoring import AnswerScorer
from greenroom.questions.bank import Bank

# Answers a candidate could really give (the rest are junk and attacks).
REAL_KINDS = frozenset(
    {
        "strong",
        "concise_strong",
        "average",
        "weak",
        "rambling_weak",
        "fluff",
        "long_fluff",
        "confidently_wrong",
    }
)


def view_of(bank: Bank, question_id: str) -> QuestionView:
    q = bank.by_id[question_id]
    return QuestionView(
        text=q.text,
        type=q.type.value,
        key_points=tuple(k.point for k in q.key_points),
        model_answer=q.model_answer,
        answer_time_s=q.answer_time_s,
        technologies=q.technologies,
    )


def load_rows() -> list[dict[str, Any]]:
    text = files("greenroom.data").joinpath("calibration/dev_set.jsonl").read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def score_rows(scorer: AnswerScorer, bank: Bank) -> list[dict[str, Any]]:
    """Each labelled answer with its score and the two baselines: length and plain similarity."""
    rows = load_rows()
    for row in rows:
        question = view_of(bank, row["question_id"])
        row["score"] = scorer.assess(question, row["answer"]).score or 0
        row["words"] = len(row["answer"].split())
        matches = scorer.matcher.match(row["answer"], list(question.key_points))
        row["similarity"] = float(np.mean([m.similarity for m in matches]))
    return rows


def rank_correlation(rows: list[dict[str, Any]], key: str) -> float:
    return float(spearmanr([r[key] for r in rows], [r["label"] for r in rows])[0])


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    real = [r for r in rows if r["kind"] in REAL_KINDS]
    by_kind: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        by_kind[row["kind"]].append(row["score"])
    return {
        "answers": len(rows),
        "spearman": {
            name: {
                "all": round(rank_correlation(rows, key), 3),
                "real_answers": round(rank_correlation(real, key), 3),
            }
            for name, key in (
                ("scorer", "score"),
                ("length", "words"),
                ("key_point_similarity", "similarity"),
            )
        },
        "by_kind": {
            kind: {"n": len(v), "median": float(np.median(v)), "min": min(v), "max": max(v)}
            for kind, v in sorted(by_kind.items())
        },
    }
