"""Chooses and checks the key-point matcher's thresholds on the labelled examples.

    python bench/matcher.py

For every labelled (answer, key point) pair in data/matcher_examples.yaml it computes the
matcher's similarity, searches the two thresholds (covered, partial) that agree best with the
labels, and reports agreement at the thresholds in use. Prints a table and writes
bench/results/matcher.json.
"""

from __future__ import annotations

import time
from collections import Counter
from importlib.resources import files
from typing import Any

import numpy as np
import yaml
from recorded import record  # bench/recorded.py, beside this file

from greenroom.providers.embeddings.local import LocalEmbedder
from greenroom.questions.bank import load_bank
from greenroom.questions.matcher import COVERED_AT, PARTIAL_AT, KeyPointMatcher

LABELS = ("covered", "partial", "missed")


def labelled_pairs(matcher: KeyPointMatcher) -> list[tuple[float, str]]:
    """(similarity, human label) for every key point of every example."""
    examples = yaml.safe_load(
        files("greenroom.data").joinpath("matcher_examples.yaml").read_text(encoding="utf-8")
    )["examples"]
    bank = load_bank()
    pairs = []
    for example in examples:
        question = bank.by_id[example["question_id"]]
        points = [kp.point for kp in question.key_points]
        for match, label in zip(
            matcher.match(example["answer"], points), example["labels"], strict=True
        ):
            pairs.append((match.similarity, label))
    return pairs


def classify(similarity: float, covered_at: float, partial_at: float) -> str:
    if similarity >= covered_at:
        return "covered"
    return "partial" if similarity >= partial_at else "missed"


def agreement(
    pairs: list[tuple[float, str]], covered_at: float, partial_at: float
) -> dict[str, Any]:
    predicted = [(classify(s, covered_at, partial_at), label) for s, label in pairs]
    exact = sum(p == label for p, label in predicted) / len(pairs)
    # Off by one class (covered vs partial, partial vs missed) is a near miss; covered vs missed
    # is the error that matters most.
    severe = sum({p, label} == {"covered", "missed"} for p, label in predicted) / len(pairs)
    confusion = Counter(f"{label}->{p}" for p, label in predicted)
    return {
        "covered_at": covered_at,
        "partial_at": partial_at,
        "exact": round(exact, 3),
        "severe_errors": round(severe, 3),
        "confusion": dict(sorted(confusion.items())),
    }


def search(pairs: list[tuple[float, str]]) -> dict[str, Any]:
    best: dict[str, Any] | None = None
    for covered_at in np.arange(0.40, 0.76, 0.01):
        for partial_at in np.arange(0.25, covered_at, 0.01):
            result = agreement(pairs, round(float(covered_at), 2), round(float(partial_at), 2))
            score = result["exact"] - result["severe_errors"]
            if best is None or score > best["exact"] - best["severe_errors"]:
                best = result
    assert best is not None
    return best


def cross_validated(pairs: list[tuple[float, str]]) -> dict[str, float]:
    """Thresholds chosen on one half of the pairs, scored on the other half, both ways."""
    halves = (pairs[0::2], pairs[1::2])
    exact, severe = [], []
    for train, test in (halves, halves[::-1]):
        chosen = search(train)
        result = agreement(test, chosen["covered_at"], chosen["partial_at"])
        exact.append(result["exact"])
        severe.append(result["severe_errors"])
    return {
        "exact": round(float(np.mean(exact)), 3),
        "severe_errors": round(float(np.mean(severe)), 3),
    }


def main() -> None:
    started = time.perf_counter()
    matcher = KeyPointMatcher(LocalEmbedder())
    pairs = labelled_pairs(matcher)
    by_label = {label: [s for s, lab in pairs if lab == label] for label in LABELS}
    in_use = agreement(pairs, COVERED_AT, PARTIAL_AT)
    best = search(pairs)
    held_out = cross_validated(pairs)
    auc = float(np.mean([c > m for c in by_label["covered"] for m in by_label["missed"]]))
    print(f"{len(pairs)} labelled key points ({dict(Counter(lab for _, lab in pairs))})")
    print(f"{'label':<10} {'median sim':>10} {'p10':>6} {'p90':>6}")
    for label, values in by_label.items():
        print(
            f"{label:<10} {np.median(values):>10.3f} {np.percentile(values, 10):>6.3f} "
            f"{np.percentile(values, 90):>6.3f}"
        )
    print(f"covered vs missed AUC: {auc:.3f}")
    print(f"{'thresholds':<22} {'covered_at':>10} {'partial_at':>10} {'exact':>7} {'severe':>7}")
    for name, row in (("in use", in_use), ("best on this set", best)):
        print(
            f"{name:<22} {row['covered_at']:>10} {row['partial_at']:>10} {row['exact']:>7} "
            f"{row['severe_errors']:>7}"
        )
    print(
        f"{'held out (2-fold)':<22} {'':>10} {'':>10} {held_out['exact']:>7} "
        f"{held_out['severe_errors']:>7}"
    )
    record(
        "matcher",
        {
            "benchmark": "matcher",
            "pairs": len(pairs),
            "in_use": in_use,
            "best": best,
            "held_out": held_out,
            "seconds": round(time.perf_counter() - started, 1),
        },
    )


if __name__ == "__main__":
    main()
