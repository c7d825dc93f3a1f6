"""Which language model the settings ask for: the providers register here by name."""

from __future__ import annotations

from collections.abc import Callable

from greenroom.config import Settings
from greenroom.providers.llm import LLM
from greenroom.providers.llm.guarded import GuardedLLM


def _openai_compatible(settings: Settings) -> LLM:
    from greenroom.providers.llm.openai_compatible import OpenAICompatibleLLM

    assert settings.llm_base_url is not None
    return OpenAICompatibleLLM(
        settings.llm_base_url,
        settings.llm_model,
        api_key=settings.llm_api_key.get_secret_value() if settings.llm_api_key else None,
        timeout_s=settings.llm_timeout_s,
        max_retries=settings.llm_max_retries,
    )


PROVIDERS: dict[str, Callable[[Settings], LLM]] = {"openai": _openai_compatible}


def build_llm(settings: Settings) -> LLM | None:
    """The configured model behind a circuit breaker, or None when no base URL is set."""
    if not settings.llm_base_url:
        return None
    inner = PROVIDERS[settings.llm_provider](settings)
    return GuardedLLM(inner, cooldown_s=settings.llm_cooldown_s)
