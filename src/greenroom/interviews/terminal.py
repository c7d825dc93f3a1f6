"""`greenroom practice`: the same interview engine, in the terminal (D7).

Answers end with an empty line, so the same loop works typed by a person or piped from a file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from greenroom.accounts.models import User
from greenroom.db import utcnow
from greenroom.interviews.engine import InterviewEngine, InterviewError
from greenroom.interviews.models import Interview, Speaker, Status, Turn
from greenroom.interviews.schemas import Setup

COMMANDS = "/moment asks for a moment, /pause stops and keeps your place, /end ends the interview"


class PracticeError(Exception):
    """Something the person at the terminal must fix; the message says what."""


def find_user(db: Session, email: str | None) -> User:
    """The account the interview is stored under: the one given, or the only one there is."""
    if email:
        user = db.scalar(select(User).where(User.email == email.strip().lower()))
        if user is None:
            raise PracticeError(f"No account with the email {email}. Sign up in the web app first.")
        return user
    users = db.scalars(select(User).limit(2)).all()
    if len(users) == 1:
        return users[0]
    if not users:
        raise PracticeError("There is no account yet. Sign up in the web app, then run this again.")
    raise PracticeError("There are several accounts: choose one with --user EMAIL.")


def read_answer(lines: Iterator[str]) -> tuple[str | None, datetime | None]:
    """Lines up to an empty line (or the end of input); None when the input has ended."""
    collected: list[str] = []
    first_at: datetime | None = None
    for line in lines:
        text = line.rstrip("\n")
        if first_at is None:
            first_at = utcnow()
        if not text.strip():
            return "\n".join(collected), first_at
        collected.append(text)
    return ("\n".join(collected), first_at) if collected else (None, None)


class TerminalInterview:
    """Drives one interview from a terminal: prints the interviewer, reads the candidate."""

    def __init__(
        self, db: Session, engine: InterviewEngine, user: User, write: Callable[[str], None]
    ) -> None:
        self.db, self.engine, self.user, self.write = db, engine, user, write

    def start(self, setup: Setup) -> Interview:
        interview = self.engine.create(self.db, self.user.id, setup)
        turns = self.engine.start(self.db, interview, self.user.display_name)
        self.db.commit()
        self._show(interview, turns)
        return interview

    def resume(self, interview: Interview) -> None:
        if interview.status == Status.PAUSED.value:
            self._show(interview, [self.engine.resume(self.db, interview)])
        self._show(interview, self.engine.respond(self.db, interview, self.user.display_name))
        self.db.commit()
        prompt = self.engine.prompt(interview)
        if prompt is not None:
            self._show(interview, [prompt.turn])

    def run(self, interview: Interview, lines: Iterator[str]) -> None:
        """Answers prompts until the interview ends, is paused, or the input runs out."""
        while interview.status == Status.IN_PROGRESS.value:
            self.write("> (end your answer with an empty line)\n")
            text, first_at = read_answer(lines)
            if text is None:
                self._show(interview, [self.engine.pause(self.db, interview)])
                self.db.commit()
                self.write("Input ended, so the interview is paused where it stopped.\n")
                return
            self._handle(interview, text, first_at)

    def _handle(self, interview: Interview, text: str, first_at: datetime | None) -> None:
        command = text.strip().lower()
        try:
            if command == "/moment":
                self._show(interview, self.engine.ask_for_moment(self.db, interview))
            elif command == "/pause":
                self._show(interview, [self.engine.pause(self.db, interview)])
            elif command == "/end":
                self._show(
                    interview, [self.engine.end_early(self.db, interview, self.user.display_name)]
                )
            else:
                outcome = self.engine.record_answer(
                    self.db, interview, text, first_input_at=first_at
                )
                if outcome.refused:
                    self.write(f"! {outcome.refused}\n")
                    return
                self.db.commit()  # the answer is stored before anything else happens
                self._show(
                    interview, self.engine.respond(self.db, interview, self.user.display_name)
                )
        except InterviewError as error:
            self.write(f"! {error.message}\n")
        self.db.commit()

    def _show(self, interview: Interview, turns: list[Turn]) -> None:
        for turn in turns:
            if turn.speaker == Speaker.CANDIDATE:
                continue
            if turn.speaker == Speaker.SYSTEM:
                self.write(f"[{turn.text}]\n")
                continue
            label = "Interviewer"
            if turn.kind == "question" and turn.question_index is not None:
                label += f" (question {turn.question_index + 1} of {len(interview.plan)})"
            elif turn.kind == "follow_up":
                label += " (follow-up)"
            body = f"{turn.preface} {turn.text}".strip()
            self.write(f"\n{label}: {body}\n")
            seconds = turn.meta.get("answer_time_s")
            if seconds:
                self.write(f"  (suggested answer time {seconds // 60}:{seconds % 60:02d})\n")
