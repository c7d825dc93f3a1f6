"""Where every bench keeps its figures: bench/results/NAME.json (docs/benchmarks.md quotes them)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def record(name: str, results: dict[str, Any]) -> None:
    out = RESULTS / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"wrote bench/results/{out.name}")
