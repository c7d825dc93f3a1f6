"""A language model whose replies are queued in advance: logic tests and the offline demo."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Any

from greenroom.providers.llm import LLM, LLMUnavailable, Message


class QueuedLLM(LLM):
    """Answers each call with the next queued reply; an exception in the queue is raised.

    Every call's messages are kept in `calls`, so a test can check what the model was shown.
    """

    name = "queued"

    def __init__(self, *replies: str | Exception) -> None:
        self.replies: deque[str | Exception] = deque(replies)
        self.calls: list[list[Message]] = []
        self.schemas: list[dict[str, Any] | None] = []

    def queue(self, *replies: str | Exception) -> None:
        self.replies.extend(replies)

    def complete(
        self,
        messages: list[Message],
        *,
        json_schema: dict[str, Any] | None = None,
        max_tokens: int = 400,
        temperature: float = 0.3,
    ) -> str:
        self.calls.append(list(messages))
        self.schemas.append(json_schema)
        if not self.replies:
            raise LLMUnavailable("no reply queued")
        reply = self.replies.popleft()
        if isinstance(reply, Exception):
            raise reply
        return reply

    def stream(
        self, messages: list[Message], *, max_tokens: int = 400, temperature: float = 0.5
    ) -> Iterator[str]:
        reply = self.complete(messages, max_tokens=max_tokens, temperature=temperature)
        for start in range(0, len(reply), 8):
            yield reply[start : start + 8]
