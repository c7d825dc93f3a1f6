"""Health, readiness and Prometheus metrics for whoever runs Greenroom."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from greenroom import __version__
from greenroom.web.deps import app_context

router = APIRouter(include_in_schema=False)
log = logging.getLogger("greenroom.ops")


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process answers."""
    return {"status": "ok", "version": __version__}


@router.get("/readyz")
def readyz(request: Request) -> Response:
    """The process can serve: its database answers and its models are loaded."""
    context = app_context(request)
    checks = {"database": "ok", "models": "ok"}
    try:
        with context.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any driver error means "not ready"
        log.warning("database not ready: %s", type(error).__name__)
        checks["database"] = "unreachable"
    embedder = context.interviews.matcher.embedder
    if not getattr(embedder, "loaded", True):
        checks["models"] = "loading"
    ready = all(value == "ok" for value in checks.values())
    return JSONResponse(
        {"status": "ok" if ready else "unavailable", **checks}, status_code=200 if ready else 503
    )


@router.get("/metrics")
def metrics(request: Request) -> Response:
    registry = app_context(request).metrics.registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
