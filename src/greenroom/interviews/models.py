"""Interview tables: an interview with its setup and plan, and every turn as it happened."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from greenroom.db import Base, UTCDateTime, utcnow


class Status(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    PAUSED = "paused"
    COMPLETED = "completed"
    ABANDONED = "abandoned"


class TurnKind(StrEnum):
    GREETING = "greeting"
    QUESTION = "question"
    FOLLOW_UP = "follow_up"
    REASK = "reask"
    ANSWER = "answer"
    MOMENT = "moment"  # the candidate asked for a moment
    MOMENT_REPLY = "moment_reply"
    PAUSE = "pause"
    RESUME = "resume"
    CLOSING = "closing"


class Speaker(StrEnum):
    INTERVIEWER = "interviewer"
    CANDIDATE = "candidate"
    SYSTEM = "system"


class Interview(Base):
    __tablename__ = "interviews"
    __table_args__ = (Index("ix_interviews_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20), default=Status.PLANNED.value)
    # The setup as submitted (B1), and copies of the fields that history lists and filters by.
    setup: Mapped[dict[str, Any]] = mapped_column(JSON)
    role: Mapped[str] = mapped_column(String(40))
    interview_type: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(20))
    company: Mapped[str] = mapped_column(String(120), default="")
    plan: Mapped[list[str]] = mapped_column(JSON)  # question ids, in the order they are asked
    # Questions a language model wrote for this interview (bank schema), asked by their ids.
    generated: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON, default=list, server_default=text("'[]'")
    )
    seed: Mapped[int] = mapped_column(Integer)
    bank_version: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("interviews.id", ondelete="SET NULL"), default=None
    )
    draft_text: Mapped[str] = mapped_column(Text, default="")
    draft_saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    turns: Mapped[list[Turn]] = relationship(
        back_populates="interview",
        order_by="Turn.seq",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class Turn(Base):
    """One event of an interview, written the moment it happens and never changed after."""

    __tablename__ = "turns"
    __table_args__ = (UniqueConstraint("interview_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    speaker: Mapped[str] = mapped_column(String(20))
    question_index: Mapped[int | None] = mapped_column(Integer, default=None)
    question_id: Mapped[str | None] = mapped_column(String(80), default=None)
    key_point_index: Mapped[int | None] = mapped_column(Integer, default=None)
    preface: Mapped[str] = mapped_column(Text, default="")  # acknowledgement or transition
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    interview: Mapped[Interview] = relationship(back_populates="turns")
