"""The interview setup (B1) and the API's views of interviews and turns."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from greenroom.questions.catalogue import ROLES, Difficulty, Level

MAX_ANSWER_CHARS = 8000


class InterviewType(StrEnum):
    BEHAVIOURAL = "behavioural"
    TECHNICAL = "technical"
    MIXED = "mixed"
    SYSTEM_DESIGN = "system_design"
    CODING = "coding"


class Persona(StrEnum):
    FRIENDLY = "friendly"
    NEUTRAL = "neutral"
    TOUGH = "tough"


class Mode(StrEnum):
    TEXT = "text"
    VOICE = "voice"


# What is not built yet is refused with a reason rather than silently changed.
UNAVAILABLE: dict[InterviewType | Mode, str] = {
    InterviewType.CODING: "Coding interviews need the code editor, which is not available yet.",
}


class Setup(BaseModel):
    """Everything a candidate chooses before an interview; kept with the interview for retakes."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    role: str
    interview_type: InterviewType = InterviewType.MIXED
    level: Level = Level.MID
    difficulty: Difficulty = Difficulty.MEDIUM
    question_count: int = Field(default=5, ge=1, le=15)
    duration_minutes: int | None = Field(default=None, ge=5, le=120)
    technologies: list[str] = Field(default_factory=list, max_length=12)
    company: str = Field(default="", max_length=120)
    job_description: str = Field(default="", max_length=20_000)
    notes: str = Field(default="", max_length=2_000)
    persona: Persona = Persona.NEUTRAL
    mode: Mode = Mode.TEXT
    generate_questions: bool = False  # C2: about half the questions written by the language model

    @field_validator("role")
    @classmethod
    def _known_role(cls, value: str) -> str:
        if value not in ROLES:
            raise ValueError("choose one of the listed roles")
        return value

    @field_validator("technologies")
    @classmethod
    def _clean_technologies(cls, value: list[str]) -> list[str]:
        cleaned = [tech.strip().lower()[:40] for tech in value if tech.strip()]
        return list(dict.fromkeys(cleaned))

    @model_validator(mode="after")
    def _available(self) -> Setup:
        for choice in (self.interview_type, self.mode):
            if choice in UNAVAILABLE:
                raise ValueError(UNAVAILABLE[choice])
        return self


class TurnOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    kind: str
    speaker: str
    question_index: int | None
    question_id: str | None
    preface: str
    text: str
    created_at: datetime
    meta: dict[str, Any]


class InterviewOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    status: str
    setup: dict[str, Any]
    plan: list[str]
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None


class InterviewDetail(InterviewOut):
    turns: list[TurnOut]


class AnswerIn(BaseModel):
    text: str = Field(max_length=MAX_ANSWER_CHARS * 2)
    first_input_at: datetime | None = None
