"""How long the report of a 10-question interview takes to build, models loaded.

    python bench/report.py [--rounds N]

Takes a 10-question mixed interview through the real engine, answering with each question's
model answer, then builds its report N times. Prints a table and writes
bench/results/report.json. Target: median at most 3 s.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from pydantic import SecretStr
from recorded import record  # bench/recorded.py, beside this file

from greenroom.accounts.activity import Client
from greenroom.accounts.service import signup
from greenroom.assessment.batch import default_scorer
from greenroom.assessment.report import build_report
from greenroom.config import Settings
from greenroom.db import make_engine, make_session_factory
from greenroom.interviews.runtime import default_engine
from greenroom.interviews.schemas import Setup
from greenroom.migrate import upgrade


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    engine, scorer = default_engine(), default_scorer()
    engine.matcher.embedder.embed(["warm up"])
    samples: list[float] = []
    rebuilds: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), secret_key=SecretStr("b" * 48), _env_file=None)
        upgrade(settings.resolved_database_url)
        database = make_engine(settings.resolved_database_url)
        with make_session_factory(database)() as db:
            user = signup(
                db,
                settings,
                email="bench@example.com",
                display_name="Bench",
                password="measured twice, cut once",
                client=Client(ip="bench"),
            )
            for round_ in range(args.rounds):
                # A new interview each round: its first report is the one a candidate waits for.
                interview = engine.create(
                    db,
                    user.id,
                    Setup(role="backend", level="senior", question_count=10),
                    seed=round_,
                )
                engine.start(db, interview, "Bench")
                while (prompt := engine.prompt(interview)) is not None:
                    engine.answer(db, interview, prompt.question.model_answer, name="Bench")
                db.commit()
                began = time.perf_counter()
                build_report(interview, engine.bank, scorer)
                samples.append(time.perf_counter() - began)
                began = time.perf_counter()
                build_report(interview, engine.bank, scorer)
                rebuilds.append(time.perf_counter() - began)
        database.dispose()
    rows = [
        {
            "name": "first report of a 10-question interview",
            "median_s": round(statistics.median(samples), 2),
            "max_s": round(max(samples), 2),
            "rounds": len(samples),
            "target_s": 3.0,
        },
        {
            "name": "rebuilding the same report",
            "median_s": round(statistics.median(rebuilds), 2),
            "max_s": round(max(rebuilds), 2),
            "rounds": len(rebuilds),
            "target_s": 3.0,
        },
    ]
    print(f"{'measure':<42} {'median s':>9} {'max s':>7} {'rounds':>7} {'target':>7}")
    for row in rows:
        print(
            f"{row['name']:<42} {row['median_s']:>9} {row['max_s']:>7} {row['rounds']:>7} "
            f"{row['target_s']:>7}"
        )
    record("report", {"benchmark": "report", "rows": rows})


if __name__ == "__main__":
    main()
