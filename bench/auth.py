"""How long signing in costs: argon2id on its own, and whole requests through the app.

    python bench/auth.py [--rounds N]

Prints a table and writes bench/results/auth.json. Runs the real app in-process on a temporary
SQLite database; no server or network is involved.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from pydantic import SecretStr
from recorded import record  # bench/recorded.py, beside this file

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.helpers import PASSWORD, login, logout, signup  # noqa: E402

from greenroom.accounts.passwords import hash_password, verify_password  # noqa: E402
from greenroom.app import create_app  # noqa: E402
from greenroom.config import Settings  # noqa: E402
from greenroom.migrate import upgrade  # noqa: E402


def timed(action: Callable[[], object], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def summary(name: str, samples: list[float]) -> dict[str, float | str]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "name": name,
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(p95, 2),
        "rounds": len(samples),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    stored = hash_password(PASSWORD)
    rows = [
        summary("argon2id hash", timed(lambda: hash_password(PASSWORD), args.rounds)),
        summary("argon2id verify", timed(lambda: verify_password(stored, PASSWORD), args.rounds)),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), secret_key=SecretStr("b" * 48), _env_file=None)
        upgrade(settings.resolved_database_url)
        with TestClient(create_app(settings)) as client:
            signup(client, "bench@example.com")
            rows.append(summary("GET /healthz", timed(lambda: client.get("/healthz"), args.rounds)))
            rows.append(
                summary(
                    "GET /dashboard (session)", timed(lambda: client.get("/dashboard"), args.rounds)
                )
            )

            def log_in_and_out() -> None:
                logout(client)
                login(client, "bench@example.com")

            rows.append(
                summary(
                    "log out + log in (4 requests)", timed(log_in_and_out, max(5, args.rounds // 3))
                )
            )
    print(f"{'measure':<32} {'median ms':>10} {'p95 ms':>10} {'rounds':>7}")
    for row in rows:
        print(f"{row['name']:<32} {row['median_ms']:>10} {row['p95_ms']:>10} {row['rounds']:>7}")
    record("auth", {"benchmark": "auth", "rows": rows})


if __name__ == "__main__":
    main()
