"""Scores the labelled calibration set and compares the scorer with two trivial baselines.

    python bench/calibration.py

Prints rank correlations (Spearman) with the human labels and each kind's score range, and writes
bench/results/calibration.json. docs/scoring.md quotes this output.
"""

from __future__ import annotations

from recorded import record  # bench/recorded.py, beside this file

from greenroom.assessment.batch import default_scorer
from greenroom.assessment.calibration import score_rows, summary
from greenroom.questions.bank import load_bank


def main() -> None:
    result = summary(score_rows(default_scorer(), load_bank()))
    print(f"{result['answers']} labelled answers")
    print(f"{'ranking by':<22} {'all':>7} {'real answers':>13}")
    for name, rho in result["spearman"].items():
        print(f"{name:<22} {rho['all']:>7} {rho['real_answers']:>13}")
    print(f"{'kind':<18} {'n':>3} {'median':>7} {'min':>5} {'max':>5}")
    for kind, row in result["by_kind"].items():
        print(f"{kind:<18} {row['n']:>3} {row['median']:>7} {row['min']:>5} {row['max']:>5}")
    record("calibration", {"benchmark": "calibration", **result})


if __name__ == "__main__":
    main()
