"""The coaching chat (F6): a candidate asks about a finished report and the coach answers.

With a language model the reply streams from it, guarded against leaking its instructions;
without one, or when it fails, the reply comes from the report's evidence (`rules.py`).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from greenroom.assessment.models import Report, ReportStatus
from greenroom.coach import repository
from greenroom.coach.context import ChatLine, CoachContext, PastInterview, refs_in
from greenroom.coach.models import CoachMessage, ReplySource, Speaker
from greenroom.coach.prompts import COACH_INSTRUCTIONS, REFUSAL, LeakGuard, coach_messages
from greenroom.coach.rules import NO_MODEL_NOTE, UNAVAILABLE_NOTE, rules_reply
from greenroom.db import utcnow
from greenroom.interviews import service as interviews
from greenroom.interviews.models import Interview
from greenroom.providers.llm import LLM, LLMError

__all__ = ["Coach", "CoachReply", "Refusal", "rules_reply"]

log = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 1000
MESSAGES_PER_HOUR = 30  # per interview and user: enough for a real conversation, not a script
CONVERSATION_TURNS = 10  # earlier messages the model sees
HISTORY_INTERVIEWS = 5
MAX_TOKENS = 500
CUT_OFF_NOTICE = "[The AI coach stopped partway through this reply.]"


@dataclass(frozen=True)
class Refusal:
    """Why a message is not answered, with the HTTP status that says so."""

    status: int
    reason: str


def refusal(
    db: Session, interview_id: int, user_id: int, report: Report | None, text: str
) -> Refusal | None:
    """None when the message may be answered; otherwise the reason it may not."""
    text = text.strip()
    if not text:
        return Refusal(400, "Type a question for the coach first.")
    if len(text) > MAX_MESSAGE_CHARS:
        return Refusal(
            400,
            f"Questions to the coach are limited to {MAX_MESSAGE_CHARS:,} characters; this one "
            f"has {len(text):,}. Shorten it and send it again.",
        )
    if report is None or report.status != ReportStatus.DONE.value:
        return Refusal(
            409,
            "The coach answers questions about a finished report. Finish the interview and "
            "wait for its report, then ask again.",
        )
    since = utcnow() - timedelta(hours=1)
    if repository.candidate_messages_since(db, interview_id, user_id, since) >= MESSAGES_PER_HOUR:
        return Refusal(
            429,
            f"You have sent {MESSAGES_PER_HOUR} messages about this report in the last hour. "
            "Take a break to practise, then come back to it.",
        )
    return None


def conversation(db: Session, interview_id: int, user_id: int) -> Sequence[CoachMessage]:
    """Every message about one interview's report, oldest first."""
    return repository.conversation(db, interview_id, user_id)


def record_question(db: Session, interview_id: int, user_id: int, text: str) -> CoachMessage:
    """Stores the candidate's message, before the reply starts."""
    return repository.add_message(
        db,
        CoachMessage(
            interview_id=interview_id,
            user_id=user_id,
            role=Speaker.CANDIDATE.value,
            text=text.strip(),
            refs=[],
        ),
    )


def record_reply(
    db: Session, interview_id: int, user_id: int, reply: CoachReply
) -> CoachMessage | None:
    """Stores what the candidate was sent (nothing when nothing was sent)."""
    if not reply.text:
        return None
    return repository.add_message(
        db,
        CoachMessage(
            interview_id=interview_id,
            user_id=user_id,
            role=Speaker.COACH.value,
            text=reply.text,
            source=reply.source.value,
            refs=reply.refs,
        ),
    )


def suggestions(report: dict[str, Any]) -> list[str]:
    """Three questions to start with, for the empty conversation."""
    answered = [q for q in report.get("questions", []) if q.get("answered")]
    first = (
        f"Why did Q{min(answered, key=lambda q: q['score'])['number']} score low?"
        if answered
        else "Why was nothing scored?"
    )
    return [first, "What should I practise next?", "What does STAR mean?"]


class CoachReply:
    """One reply as it streams. Iterate it for the pieces; `text`, `source` and `refs` say what
    has been sent so far, which is what gets stored (also when the candidate leaves early)."""

    def __init__(
        self, pieces: Generator[tuple[str, ReplySource], None, None], numbers: set[int]
    ) -> None:
        self._pieces, self._numbers = pieces, numbers
        self.sent: list[str] = []
        self.source = ReplySource.LLM

    def __iter__(self) -> Iterator[str]:
        for piece, source in self._pieces:
            self.sent.append(piece)
            if source == ReplySource.RULES:  # any part from the rules makes it a rules reply
                self.source = ReplySource.RULES
            yield piece

    @property
    def text(self) -> str:
        return "".join(self.sent)

    @property
    def refs(self) -> list[int]:
        return refs_in(self.text, self._numbers)

    def close(self) -> None:
        """Stops the model's stream when the candidate has gone."""
        # ValueError: still running in another thread, where it ends on its own.
        with contextlib.suppress(ValueError):
            self._pieces.close()


class Coach:
    """Answers a candidate's questions about one report."""

    def __init__(self, llm: LLM | None) -> None:
        """`llm` None: no language model is configured, every reply comes from the rules."""
        self.llm = llm

    def context(
        self, db: Session, interview: Interview, report: Report, user_id: int
    ) -> CoachContext:
        """Everything a reply needs, read now as plain data: the report, the candidate's last
        five other finished interviews, and the last ten messages of this conversation."""
        history = [
            PastInterview(
                interview_id=past.id,
                title=interviews.title(past),
                completed_at=past.completed_at,
                overall=past_report.payload.get("overall"),
            )
            for past, past_report in repository.other_reported_interviews(
                db, user_id, interview.id, limit=HISTORY_INTERVIEWS
            )
        ]
        lines = [
            ChatLine(m.role, m.text)
            for m in repository.latest_messages(db, interview.id, user_id, limit=CONVERSATION_TURNS)
        ]
        return CoachContext(
            interview_id=interview.id,
            report=dict(report.payload),
            history=history,
            conversation=lines,
        )

    def reply(self, context: CoachContext, message: str) -> CoachReply:
        """The reply to `message`, to be iterated as it streams."""
        return CoachReply(self._pieces(context, message), context.numbers)

    def _pieces(
        self, context: CoachContext, message: str
    ) -> Generator[tuple[str, ReplySource], None, None]:
        if self.llm is None or not self.llm.available:
            note = NO_MODEL_NOTE if self.llm is None else UNAVAILABLE_NOTE
            text, _ = rules_reply(message, context.report, context.history, note=note)
            yield text, ReplySource.RULES
            return
        started = False
        try:
            for piece in self.stream_reply(context, message):
                started = True
                yield piece, ReplySource.LLM
        except LLMError as error:
            log.warning(
                "coach model failed: %s",
                type(error).__name__,
                extra={"interview_id": context.interview_id, "midway": started},
            )
            text, _ = rules_reply(message, context.report, context.history, note=UNAVAILABLE_NOTE)
            yield (f"\n\n{CUT_OFF_NOTICE}\n{text}" if started else text), ReplySource.RULES

    def stream_reply(self, context: CoachContext, message: str) -> Iterator[str]:
        """The model's reply in pieces. A reply that starts repeating the instructions is cut
        and ends with a refusal. Raises LLMError when the model fails, after what was safe."""
        assert self.llm is not None
        guard = LeakGuard([COACH_INSTRUCTIONS])
        stream = self.llm.stream(coach_messages(context, message), max_tokens=MAX_TOKENS)
        shown = False
        try:
            for piece in stream:
                if safe := guard.feed(piece):
                    shown = True
                    yield safe
                if guard.leaked:
                    log.warning(
                        "coach reply repeated its instructions; cut",
                        extra={"interview_id": context.interview_id},
                    )
                    yield ("\n\n" if shown else "") + REFUSAL
                    return
        except LLMError:
            if rest := guard.flush():
                yield rest
            raise
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()
        rest = guard.flush()
        if not (shown or rest.strip()):
            raise LLMError("The language model sent an empty reply.")
        if rest:
            yield rest
