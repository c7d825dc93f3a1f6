"""Evidence: one measured fact about an answer, with the score it implies and what it rests on."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Evidence:
    """What one evaluator found. `score` is 0..1 (None when it is only information), and every
    score carries the quotes or figures it came from, so a report can show why."""

    dimension: str
    score: float | None
    weight: float
    summary: str
    quotes: tuple[str, ...] = ()
    figures: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["quotes"] = list(self.quotes)
        return data


def clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return max(low, min(high, value))


def ramp(value: float, zero_at: float, one_at: float) -> float:
    """0 at `zero_at`, 1 at `one_at`, straight in between (either direction)."""
    if one_at == zero_at:
        return 1.0 if value >= one_at else 0.0
    return clamp((value - zero_at) / (one_at - zero_at))
