"""End-of-turn signals: Pipecat's Silero VAD and Smart Turn v3, loaded from the pipecat wheel."""

from __future__ import annotations

import threading
from functools import cached_property
from typing import Any

import numpy as np

from greenroom.providers.stt import Audio


class SmartTurn:
    """Smart Turn v3's probability that a stretch of speech ends a turn (it reads the last 8 s)."""

    name = "smart-turn v3"

    def __init__(self) -> None:
        self._lock = threading.Lock()

    @cached_property
    def analyzer(self) -> Any:
        from pipecat.audio.turn.smart_turn.local_smart_turn_v3 import LocalSmartTurnAnalyzerV3

        return LocalSmartTurnAnalyzerV3(sample_rate=16_000)

    def warm_up(self) -> None:
        self.probability(np.zeros(1600, dtype=np.float32))

    def probability(self, audio: Audio) -> float:
        """0..1 for 16 kHz mono float32 speech, ideally ending with the silence so far."""
        with self._lock:
            # The analyzer's model call, without its buffering (we keep the answer's audio).
            result: dict[str, Any] = self.analyzer._predict_endpoint(audio)
        return float(result["probability"])
