"""Structured replies: a JSON schema in, a validated Pydantic object (or None) out.

The reply is parsed leniently (raw newlines inside strings, text around the object) and
validated; an invalid reply is sent back with the validation error, at most twice. None means
"use the rules path": the caller never sees an exception from a model that is down or confused.
"""

from __future__ import annotations

import json
import logging
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from greenroom.providers.llm import LLM, LLMError, Message

log = logging.getLogger(__name__)
Reply = TypeVar("Reply", bound=BaseModel)
RETRIES = 2


def ask_json(
    llm: LLM,
    messages: list[Message],
    shape: type[Reply],
    *,
    max_tokens: int = 400,
    temperature: float = 0.2,
    retries: int = RETRIES,
) -> Reply | None:
    """The model's reply as `shape`, or None when it is unavailable or never validates."""
    schema = lean_schema(shape.model_json_schema())
    conversation = list(messages)
    for attempt in range(retries + 1):
        try:
            text = llm.complete(
                conversation, json_schema=schema, max_tokens=max_tokens, temperature=temperature
            )
        except LLMError as error:
            log.info("language model unavailable for %s: %s", shape.__name__, error)
            return None
        try:
            return shape.model_validate(parse_json_object(text))
        except (ValueError, ValidationError) as error:
            log.info("invalid %s reply (attempt %d): %s", shape.__name__, attempt + 1, error)
            conversation += [
                {"role": "assistant", "content": text[:4000]},
                {
                    "role": "user",
                    "content": "That reply was not valid: "
                    f"{_short(error)}. Reply again with only the JSON object.",
                },
            ]
    return None


# Limits that Pydantic checks anyway; servers that compile the schema into a grammar (llama.cpp)
# ignore some and fail on others (a long maxLength makes a grammar too large to parse).
VALIDATION_ONLY = frozenset(
    {
        "maxLength",
        "minLength",
        "maxItems",
        "minItems",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "pattern",
        "title",
        "default",
    }
)


def lean_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema for the server: structure and enums only; validation stays with Pydantic."""
    return {
        key: _lean(value, names=key in {"properties", "$defs"})
        for key, value in schema.items()
        if key not in VALIDATION_ONLY
    }


def _lean(value: object, *, names: bool = False) -> object:
    if isinstance(value, dict):
        if names:  # property or definition names are data, not keywords to drop
            return {name: _lean(sub) for name, sub in value.items()}
        return lean_schema(value)
    if isinstance(value, list):
        return [_lean(item) for item in value]
    return value


def parse_json_object(text: str) -> object:
    """The first JSON object in `text`, tolerating raw newlines inside strings."""
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        raise ValueError("no JSON object in the reply")
    return json.loads(text[start : end + 1], strict=False)


def _short(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'reply'}: {e['msg']}" for e in error.errors()
        )[:600]
    return str(error)[:300]
