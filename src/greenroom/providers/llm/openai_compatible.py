"""The built-in provider: any OpenAI-compatible chat server through the official `openai` SDK.

Ollama, vLLM, the llama.cpp server, LM Studio and OpenAI itself speak this protocol. Structured
output asks for `json_schema` first; a server that refuses it (the llama.cpp server answers 500)
is asked for `json_object` with the schema from then on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from typing import Any

import openai

from greenroom.providers.llm import LLM, LLMError, LLMUnavailable, Message

log = logging.getLogger(__name__)


class OpenAICompatibleLLM(LLM):
    def __init__(
        self,
        base_url: str,
        model: str | None = None,
        *,
        api_key: str | None = None,
        timeout_s: float = 30.0,
        max_retries: int = 2,
    ) -> None:
        # The SDK retries connection errors, 408, 429 and 5xx with exponential backoff.
        self.client = openai.OpenAI(
            base_url=base_url,
            api_key=api_key or "not-needed",
            timeout=timeout_s,
            max_retries=max_retries,
        )
        self.base_url = base_url
        self._model = model
        self._json_mode = "json_schema"
        self._lock = threading.Lock()

    @property
    def name(self) -> str:  # type: ignore[override]
        return self._model or "(server default)"

    def model(self) -> str:
        """The configured model, or the first one the server lists."""
        with self._lock:
            if self._model is None:
                try:
                    models = self.client.with_options(max_retries=0).models.list()
                    first = next(iter(models), None)
                except openai.APIError as error:
                    raise _translate(error) from error
                if first is None:
                    raise LLMError("The server lists no models; set GREENROOM_LLM_MODEL.")
                self._model = first.id
            return self._model

    def complete(
        self,
        messages: list[Message],
        *,
        json_schema: dict[str, Any] | None = None,
        max_tokens: int = 400,
        temperature: float = 0.3,
    ) -> str:
        request: dict[str, Any] = {
            "model": self.model(),
            "messages": messages,
            "max_tokens": max_tokens,
            "temperature": temperature,
        }
        if json_schema is not None and self._json_mode == "json_schema":
            try:
                reply = self.client.with_options(max_retries=0).chat.completions.create(
                    **request,
                    response_format={
                        "type": "json_schema",
                        "json_schema": {"name": "reply", "schema": json_schema},
                    },
                )
                return reply.choices[0].message.content or ""
            except (openai.BadRequestError, openai.InternalServerError) as error:
                log.info("server refused json_schema (%s); using json_object", error.status_code)
                self._json_mode = "json_object"
            except openai.APIError as error:
                raise _translate(error) from error
        if json_schema is not None:
            request["response_format"] = {"type": "json_object", "schema": json_schema}
        try:
            reply = self.client.chat.completions.create(**request)
        except openai.APIError as error:
            raise _translate(error) from error
        return reply.choices[0].message.content or ""

    def stream(
        self, messages: list[Message], *, max_tokens: int = 400, temperature: float = 0.5
    ) -> Iterator[str]:
        try:
            chunks = self.client.chat.completions.create(
                model=self.model(),
                messages=messages,  # type: ignore[arg-type]
                max_tokens=max_tokens,
                temperature=temperature,
                stream=True,
            )
            for chunk in chunks:
                choices = getattr(chunk, "choices", None)
                if choices and choices[0].delta.content:
                    yield str(choices[0].delta.content)
        except openai.APIError as error:
            raise _translate(error) from error


def _translate(error: openai.APIError) -> LLMError:
    if isinstance(error, openai.APIConnectionError):  # includes timeouts
        return LLMUnavailable(f"The language model server did not answer: {error}")
    status = getattr(error, "status_code", None)
    if isinstance(status, int) and (status >= 500 or status in {408, 429}):
        return LLMUnavailable(f"The language model server failed ({status}).")
    return LLMError(f"The language model server refused the request ({status}): {error}")
