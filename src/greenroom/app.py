"""create_app(settings) -> FastAPI: wires routers, middleware and the app context."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from greenroom import __version__
from greenroom.accounts import admin_pages, settings_pages
from greenroom.accounts import api as accounts_api
from greenroom.accounts import pages as accounts_pages
from greenroom.assessment import api as assessment_api
from greenroom.assessment import pages as assessment_pages
from greenroom.assessment.batch import scorer_for
from greenroom.assessment.service import ReportBuilder
from greenroom.assessment.stronger import StrongerAnswerWriter
from greenroom.coach import pages as coach_pages
from greenroom.config import Settings
from greenroom.db import make_engine, make_session_factory
from greenroom.interviews import api as interviews_api
from greenroom.interviews import pages as interviews_pages
from greenroom.interviews import setup_chat_pages
from greenroom.interviews import voice as interviews_voice
from greenroom.interviews.engine import InterviewEngine
from greenroom.interviews.runtime import default_engine
from greenroom.jobs import JobRunner
from greenroom.observability import Metrics
from greenroom.providers.embeddings.local import LocalEmbedder
from greenroom.providers.llm import LLM
from greenroom.providers.llm.registry import build_llm
from greenroom.security import Keyring
from greenroom.speech.rooms import VoiceRooms
from greenroom.web import ops
from greenroom.web import pages as web_pages
from greenroom.web.context import AppContext
from greenroom.web.errors import install_error_handlers
from greenroom.web.middleware import RequestMiddleware
from greenroom.web.templating import make_templates

# Every router of the app, in the order they are matched.
ROUTERS = (
    ops.router,
    web_pages.router,
    accounts_pages.router,
    settings_pages.router,
    admin_pages.router,
    interviews_pages.router,
    interviews_voice.router,
    setup_chat_pages.router,
    assessment_pages.router,
    coach_pages.router,
    accounts_api.router,
    interviews_api.router,
    assessment_api.router,
)
STATIC_DIR = Path(__file__).resolve().parent / "web" / "static"

API_DESCRIPTION = """Everything the Greenroom web app does, as JSON.

Authenticate with a personal access token (Settings → API tokens):
`Authorization: Bearer grt_...`. A browser session works too; then requests that change
state must send the page's CSRF token in the `X-CSRF-Token` header."""


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # The embedding model takes seconds to import: load it in the background at start-up,
    # so the first answer does not wait for it.
    context: AppContext = app.state.greenroom
    embedder = context.interviews.matcher.embedder
    if isinstance(embedder, LocalEmbedder):
        embedder.warm_up()
    context.reports.resume_unfinished()
    yield
    context.reports.jobs.shutdown()


def create_app(
    settings: Settings | None = None,
    *,
    interviews: InterviewEngine | None = None,
    llm: LLM | None = None,
) -> FastAPI:
    """The app; `llm` replaces the configured language model (tests queue replies into one)."""
    settings = settings or Settings()
    llm = llm or build_llm(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    metrics = Metrics()
    app = FastAPI(
        title="Greenroom API",
        version=__version__,
        description=API_DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    interviews = interviews or default_engine()
    if llm is not None:
        interviews = interviews.with_llm(llm)
    sessions = make_session_factory(engine)
    rooms = VoiceRooms(settings.voice_max_sessions)
    metrics.voice_sessions.set_function(lambda: rooms.in_use)
    reports = ReportBuilder(
        sessions,
        JobRunner(workers=1),
        interviews.bank,
        scorer_for(interviews, llm),
        writer=StrongerAnswerWriter(llm) if llm else None,
    )
    app.state.greenroom = AppContext(
        settings=settings,
        engine=engine,
        sessions=sessions,
        keys=Keyring(settings.secret),
        templates=make_templates(),
        metrics=metrics,
        interviews=interviews,
        reports=reports,
        rooms=rooms,
        llm=llm,
    )
    app.add_middleware(RequestMiddleware, metrics=metrics, secure_cookies=settings.production)
    install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in ROUTERS:
        app.include_router(router)
    # WebSockets carry no CSRF token; the socket checks the Origin and the session itself.
    app.include_router(interviews_voice.socket_router)
    return app
