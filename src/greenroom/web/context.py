"""What every request can reach: settings, the database, keys and templates of one app."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from greenroom.assessment.service import ReportBuilder
from greenroom.config import Settings
from greenroom.interviews.engine import InterviewEngine
from greenroom.observability import Metrics
from greenroom.providers.llm import LLM
from greenroom.security import Keyring
from greenroom.speech.models import VoiceModels, default_voice_models
from greenroom.speech.recordings import Recordings
from greenroom.speech.rooms import VoiceRooms


@dataclass
class AppContext:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    keys: Keyring
    templates: Jinja2Templates
    metrics: Metrics
    interviews: InterviewEngine
    reports: ReportBuilder
    rooms: VoiceRooms
    llm: LLM | None = None  # None: no language model configured; the rules path answers
    voice: VoiceModels = field(default_factory=default_voice_models)

    @property
    def recordings(self) -> Recordings:
        return Recordings(self.settings.data_dir / "recordings")
