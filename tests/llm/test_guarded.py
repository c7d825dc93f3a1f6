"""The circuit breaker: a failing server is skipped for a while, then tried again."""

from __future__ import annotations

import pytest

from greenroom.providers.llm import LLMError, LLMUnavailable, Message
from greenroom.providers.llm.guarded import GuardedLLM
from greenroom.providers.llm.queued import QueuedLLM

ASK: list[Message] = [{"role": "user", "content": "hi"}]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_three_failures_open_the_breaker_until_the_cooldown_ends() -> None:
    down = LLMUnavailable("connection refused")
    inner = QueuedLLM(down, down, down, "back")
    clock = Clock()
    llm = GuardedLLM(inner, threshold=3, cooldown_s=60, clock=clock)
    for _ in range(3):
        with pytest.raises(LLMUnavailable):
            llm.complete(ASK)
    assert not llm.available
    with pytest.raises(LLMUnavailable, match="skipped"):
        llm.complete(ASK)
    assert len(inner.calls) == 3  # the skipped call never reached the server
    clock.now += 61
    assert llm.available
    assert llm.complete(ASK) == "back"
    assert llm.failures == 0


def test_a_success_resets_the_count_and_a_refusal_is_not_an_outage() -> None:
    down = LLMUnavailable("timeout")
    llm = GuardedLLM(QueuedLLM(down, down, "ok", down, LLMError("bad request")), threshold=3)
    for expected in (LLMUnavailable, LLMUnavailable):
        with pytest.raises(expected):
            llm.complete(ASK)
    assert llm.complete(ASK) == "ok"
    with pytest.raises(LLMUnavailable):
        llm.complete(ASK)
    with pytest.raises(LLMError):
        llm.complete(ASK)
    assert llm.failures == 1 and llm.available


def test_a_stream_that_fails_counts_as_a_failure() -> None:
    llm = GuardedLLM(QueuedLLM(LLMUnavailable("reset")), threshold=1, cooldown_s=30)
    with pytest.raises(LLMUnavailable):
        list(llm.stream(ASK))
    assert not llm.available
