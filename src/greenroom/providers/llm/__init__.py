"""Language models: one small interface; the OpenAI-compatible client is the built-in provider.

Everything that uses a language model has a rules path that answers when there is none, when the
server is down, or when its reply does not validate. A model is never required.
"""

from __future__ import annotations

import abc
from collections.abc import Iterator
from typing import Any, Literal, TypedDict


class Message(TypedDict):
    role: Literal["system", "user", "assistant"]
    content: str


class LLMError(Exception):
    """The language model gave no usable reply."""


class LLMUnavailable(LLMError):
    """The server cannot be reached, timed out, or is being skipped after repeated failures."""


class LLM(abc.ABC):
    """A chat model. Implementations raise LLMUnavailable when the server cannot answer."""

    name: str

    @abc.abstractmethod
    def complete(
        self,
        messages: list[Message],
        *,
        json_schema: dict[str, Any] | None = None,
        max_tokens: int = 400,
        temperature: float = 0.3,
    ) -> str:
        """The whole reply. With `json_schema`, the server is asked for a JSON object of it."""

    @abc.abstractmethod
    def stream(
        self, messages: list[Message], *, max_tokens: int = 400, temperature: float = 0.5
    ) -> Iterator[str]:
        """The reply in pieces as the server produces them."""

    @property
    def available(self) -> bool:
        """False while the provider is being skipped after repeated failures."""
        return True
