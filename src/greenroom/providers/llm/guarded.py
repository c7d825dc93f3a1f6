"""A circuit breaker around a provider: after repeated failures it is skipped for a while.

A server that is down must not make every answer wait for a timeout: after `threshold`
failures in a row, calls fail at once for `cooldown_s`, then one call is let through to try.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from greenroom.providers.llm import LLM, LLMUnavailable, Message

log = logging.getLogger(__name__)


class GuardedLLM(LLM):
    def __init__(
        self,
        inner: LLM,
        *,
        threshold: int = 3,
        cooldown_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.inner, self.threshold, self.cooldown_s, self.clock = (
            inner,
            threshold,
            cooldown_s,
            clock,
        )
        self.failures = 0
        self.open_until = 0.0
        self._lock = threading.Lock()

    @property
    def name(self) -> str:  # type: ignore[override]
        return self.inner.name

    @property
    def available(self) -> bool:
        return self.clock() >= self.open_until

    def complete(
        self,
        messages: list[Message],
        *,
        json_schema: dict[str, Any] | None = None,
        max_tokens: int = 400,
        temperature: float = 0.3,
    ) -> str:
        self._check()
        try:
            reply = self.inner.complete(
                messages, json_schema=json_schema, max_tokens=max_tokens, temperature=temperature
            )
        except LLMUnavailable:
            self._failed()
            raise
        self._succeeded()
        return reply

    def stream(
        self, messages: list[Message], *, max_tokens: int = 400, temperature: float = 0.5
    ) -> Iterator[str]:
        self._check()
        try:
            yield from self.inner.stream(messages, max_tokens=max_tokens, temperature=temperature)
        except LLMUnavailable:
            self._failed()
            raise
        self._succeeded()

    def _check(self) -> None:
        if not self.available:
            remaining = self.open_until - self.clock()
            raise LLMUnavailable(f"The language model is skipped for {remaining:.0f} s more.")

    def _failed(self) -> None:
        with self._lock:
            self.failures += 1
            if self.failures >= self.threshold:
                self.open_until = self.clock() + self.cooldown_s
                log.warning(
                    "language model failed %d times; skipped for %.0f s",
                    self.failures,
                    self.cooldown_s,
                )

    def _succeeded(self) -> None:
        with self._lock:
            self.failures, self.open_until = 0, 0.0
