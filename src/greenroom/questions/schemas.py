"""The question bank's schema: every YAML question is validated against it when loaded."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from greenroom.questions.catalogue import (
    ROLES,
    Competency,
    Difficulty,
    Kind,
    Level,
    QuestionType,
)

_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class KeyPoint(BaseModel):
    """What a strong answer states, and the question to ask when an answer leaves it out."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    point: str = Field(min_length=8, max_length=300)
    follow_up: str = Field(min_length=8, max_length=300)


class Question(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(max_length=80)
    text: str = Field(min_length=10, max_length=1000)
    type: QuestionType
    roles: tuple[str, ...] = Field(min_length=1)
    levels: tuple[Level, ...] = Field(min_length=1)
    difficulty: Difficulty
    topics: tuple[str, ...] = Field(min_length=1, max_length=6)
    technologies: tuple[str, ...] = ()
    kind: Kind
    competency: Competency | None = None
    answer_time_s: int = Field(ge=30, le=900)
    model_answer: str = Field(min_length=40)
    key_points: tuple[KeyPoint, ...] = Field(min_length=3, max_length=7)

    @field_validator("id")
    @classmethod
    def _kebab_case(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("ids are kebab-case: lower-case letters, digits and hyphens")
        return value

    @field_validator("roles")
    @classmethod
    def _known_roles(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = set(value) - set(ROLES)
        if unknown:
            raise ValueError(f"unknown roles: {sorted(unknown)}")
        return value

    @model_validator(mode="after")
    def _competency_for_behavioural_only(self) -> Question:
        if self.type == QuestionType.BEHAVIOURAL and self.competency is None:
            raise ValueError("a behavioural question names its competency")
        if self.type != QuestionType.BEHAVIOURAL and self.competency is not None:
            raise ValueError("only behavioural questions have a competency")
        return self


class QuestionFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    questions: list[Question]
