"""The coaching chat's table: every message of a report's conversation, as it was shown."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from greenroom.db import Base, UTCDateTime, utcnow


class Speaker(StrEnum):
    CANDIDATE = "candidate"
    COACH = "coach"


class ReplySource(StrEnum):
    LLM = "llm"  # written by the language model
    RULES = "rules"  # written from the report's evidence and the help texts (all or in part)


class CoachMessage(Base):
    __tablename__ = "coach_messages"
    __table_args__ = (Index("ix_coach_messages_interview_created", "interview_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))  # a Speaker
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(20), default=None)  # coach replies only
    # The report's question numbers the reply names ("Q2"), so each claim points at its evidence.
    refs: Mapped[list[int]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
