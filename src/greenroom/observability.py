"""Structured JSON logs with the request id, secrets scrubbed, and Prometheus metrics."""

from __future__ import annotations

import json
import logging
import re
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

# Keys whose values never reach a log line, and token shapes scrubbed from any message.
SENSITIVE_KEYS = frozenset(
    {
        "password",
        "new_password",
        "current_password",
        "token",
        "secret",
        "code",
        "csrf_token",
        "authorization",
        "cookie",
        "set-cookie",
        "totp",
        "recovery_code",
    }
)
_SECRET_PATTERNS = re.compile(
    r"(grt_[A-Za-z0-9_\-]{8,}|Bearer\s+\S+|gr_session=[^;\s]+|\b[a-hj-np-z2-9]{5}-[a-hj-np-z2-9]{5}\b)"
)
_STANDARD_ATTRS = frozenset(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}


def scrub(value: Any) -> Any:
    if isinstance(value, str):
        return _SECRET_PATTERNS.sub("[redacted]", value)
    if isinstance(value, dict):
        return {
            k: "[redacted]" if k.lower() in SENSITIVE_KEYS else scrub(v) for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    return value


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id and any extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
            "request_id": request_id_var.get(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRS and key != "color_message" and not key.startswith("_"):
                entry[key] = "[redacted]" if key.lower() in SENSITIVE_KEYS else scrub(value)
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        record.msg = scrub(record.getMessage())
        record.args = None
        return f"{request_id_var.get()} {super().format(record)}"


def configure_logging(level: str = "INFO", *, json_lines: bool = True) -> None:
    """Sends every logger, uvicorn's included, through one scrubbing formatter on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter() if json_lines else TextFormatter("%(levelname)s %(name)s %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # Our middleware logs each request without its query string; uvicorn's access log would not.
    logging.getLogger("uvicorn.access").disabled = True


class Metrics:
    """The Prometheus metrics of one app (its own registry, so tests can build many apps)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "greenroom_http_requests_total",
            "HTTP requests by method, route and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "greenroom_http_request_duration_seconds",
            "HTTP request latency by route",
            ["method", "route"],
            registry=self.registry,
        )
        self.in_flight = Gauge(
            "greenroom_http_requests_in_flight",
            "HTTP requests being handled",
            registry=self.registry,
        )
        self.voice_guesses = Counter(
            "greenroom_voice_guesses_total",
            "Spoken segments transcribed early, before the end of speech was certain, by "
            "outcome: made, and used because the candidate stayed quiet",
            ["outcome"],
            registry=self.registry,
        )
        self.voice_sessions = Gauge(
            "greenroom_voice_sessions",
            "Voice interviews running in this process",
            registry=self.registry,
        )
        self.voice_refusals = Counter(
            "greenroom_voice_sessions_refused_total",
            "Voice interviews refused because the process ran as many as it may "
            "(GREENROOM_VOICE_MAX_SESSIONS)",
            registry=self.registry,
        )
        self.logins = Counter(
            "greenroom_logins_total",
            "Sign-in attempts by outcome",
            ["outcome"],
            registry=self.registry,
        )
