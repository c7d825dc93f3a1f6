"""How long the interviewer takes to reply to a typed answer (the matcher decides follow-ups).

    python bench/interview.py [--answers N]

Runs the real engine on a temporary SQLite database with the bundled embedding model loaded,
answering bank questions with their model answers and with a vague answer. Prints a table and
writes bench/results/interview.json.
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
from greenroom.config import Settings
from greenroom.db import make_engine, make_session_factory
from greenroom.interviews.runtime import default_engine
from greenroom.interviews.schemas import Setup
from greenroom.migrate import upgrade

VAGUE = "I am not completely sure, I would probably look it up and ask a colleague."


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--answers", type=int, default=40)
    args = parser.parse_args()
    engine = default_engine()
    started = time.perf_counter()
    engine.matcher.embedder.embed(["warm up"])
    load_s = time.perf_counter() - started
    samples: dict[str, list[float]] = {"model answer": [], "vague answer": []}
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
            for done in range(args.answers):
                # A fresh one-question interview each time, so every timed reply is the first
                # answer to a question: the case where the matcher decides on a follow-up.
                interview = engine.create(db, user.id, Setup(role="backend", question_count=1))
                engine.start(db, interview, "Bench")
                prompt = engine.prompt(interview)
                assert prompt is not None
                kind = "vague answer" if done % 2 else "model answer"
                text = VAGUE if done % 2 else prompt.question.model_answer
                began = time.perf_counter()
                engine.answer(db, interview, text, name="Bench")
                db.commit()
                samples[kind].append((time.perf_counter() - began) * 1000)
        database.dispose()
    rows = [{"name": "embedding model load", "median_ms": round(load_s * 1000, 1), "n": 1}]
    for name, values in samples.items():
        ordered = sorted(values)
        rows.append(
            {
                "name": f"reply to a {name}",
                "median_ms": round(statistics.median(values), 1),
                "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
                "n": len(values),
            }
        )
    print(f"{'measure':<28} {'median ms':>10} {'p95 ms':>8} {'n':>4}")
    for row in rows:
        print(f"{row['name']:<28} {row['median_ms']:>10} {row.get('p95_ms', ''):>8} {row['n']:>4}")
    record("interview", {"benchmark": "interview", "rows": rows})


if __name__ == "__main__":
    main()
