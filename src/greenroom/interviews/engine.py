"""The interview engine: one state machine that web pages, the terminal and voice all drive.

planned → in_progress ⇄ paused → completed. Every event is a Turn written before anything else
happens with it; everything else (the current question, timers, follow-ups used) is derived from
the turns, so a reopened page or a restarted server continues exactly where it stopped.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from greenroom.db import utcnow
from greenroom.interviews import repository
from greenroom.interviews.llm_interviewer import LLMInterviewer, Move
from greenroom.interviews.models import Interview, Speaker, Status, Turn, TurnKind
from greenroom.interviews.phrases import FOLLOW_UP_LIMIT, phrase
from greenroom.interviews.planner import plan_questions
from greenroom.interviews.schemas import MAX_ANSWER_CHARS, Persona, Setup
from greenroom.providers.llm import LLM
from greenroom.questions.bank import BANK_VERSION, Bank
from greenroom.questions.catalogue import ROLES, QuestionType
from greenroom.questions.generation import QuestionGenerator, question_in
from greenroom.questions.matcher import Coverage, KeyPointMatcher
from greenroom.questions.schemas import Question

PROMPT_KINDS = frozenset({TurnKind.QUESTION, TurnKind.FOLLOW_UP, TurnKind.REASK})
_FIRST_PERSON = re.compile(r"\b(i|i'm|i've|i'd|i'll|me|my|myself)\b", re.IGNORECASE)
_TEAM = re.compile(r"\b(we|we're|we've|we'd|our|us)\b", re.IGNORECASE)
_RESULT = re.compile(
    r"\d|percent|\bresult|\boutcome|\bimprov|\breduc|\bincreas|\bsaved|\bcut\b|\bgrew|\bled to"
    r"|\bshipped|\blaunched|\bdelivered|\bin the end|\bfinally|\bafterwards|\blearned|\bachiev",
    re.IGNORECASE,
)


class InterviewError(Exception):
    """An action the interview's state does not allow; `message` is for the candidate."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class AnswerOutcome:
    turns: list[Turn] = field(default_factory=list)
    refused: str | None = None  # why the answer was not taken (it is kept as the draft)


@dataclass(frozen=True)
class Prompt:
    """What the candidate is answering now."""

    turn: Turn
    question: Question
    number: int  # 1-based position in the plan
    total: int
    elapsed_s: float  # since it was asked, pauses excluded


class InterviewEngine:
    def __init__(
        self,
        bank: Bank,
        matcher: KeyPointMatcher,
        interviewer: LLMInterviewer | None = None,
        generator: QuestionGenerator | None = None,
    ) -> None:
        self.bank = bank
        self.matcher = matcher
        self.interviewer = interviewer
        self.generator = generator

    def with_llm(self, llm: LLM | None) -> InterviewEngine:
        """The same bank and loaded model, with a language model that phrases, probes and
        writes questions."""
        if llm is None:
            return InterviewEngine(self.bank, self.matcher)
        return InterviewEngine(
            self.bank,
            self.matcher,
            LLMInterviewer(llm),
            QuestionGenerator(llm, self.matcher, self.bank),
        )

    # --- creating -----------------------------------------------------------------------
    def create(
        self,
        db: Session,
        user_id: int,
        setup: Setup,
        *,
        seed: int | None = None,
        source_id: int | None = None,
    ) -> Interview:
        """A planned interview; its questions avoid any the user was asked before."""
        seed = seed if seed is not None else random.SystemRandom().randrange(1, 2**31)
        plan = plan_questions(
            setup,
            self.bank,
            asked=repository.asked_question_ids(db, user_id),
            seed=seed,
            matcher=self.matcher,
        )
        if not plan:
            raise InterviewError("The question bank has no questions for this setup yet.")
        generated = self._generate(db, user_id, setup, len(plan))
        plan = _interleave(plan[: len(plan) - len(generated)], [q["id"] for q in generated])
        interview = Interview(
            user_id=user_id,
            status=Status.PLANNED.value,
            setup=setup.model_dump(mode="json"),
            role=setup.role,
            interview_type=setup.interview_type.value,
            level=setup.level.value,
            company=setup.company,
            plan=plan,
            generated=generated,
            seed=seed,
            bank_version=BANK_VERSION,
            source_id=source_id,
            turns=[],
        )
        db.add(interview)
        db.flush()
        return interview

    def _generate(
        self, db: Session, user_id: int, setup: Setup, count: int
    ) -> list[dict[str, Any]]:
        """C2: about half the questions written by the language model, when asked for."""
        if not setup.generate_questions or self.generator is None:
            return []
        wanted = {"behavioural": "behavioural", "system_design": "system_design"}
        questions = self.generator.generate(
            setup.model_dump(mode="json"),
            max(1, count // 2),
            avoid=repository.generated_question_texts(db, user_id),
            question_type=wanted.get(setup.interview_type.value),
        )
        return [q.model_dump(mode="json") for q in questions]

    def start(self, db: Session, interview: Interview, name: str) -> list[Turn]:
        """Greets the candidate and asks the first question; does nothing once started."""
        if interview.status != Status.PLANNED.value:
            return []
        interview.status = Status.IN_PROGRESS.value
        interview.started_at = utcnow()
        persona = self.persona(interview)
        greeting = self._add(
            db,
            interview,
            TurnKind.GREETING,
            Speaker.INTERVIEWER,
            phrase(
                "greeting",
                persona,
                self._rng(interview),
                name=name,
                role=ROLES[interview.role],
                count=len(interview.plan),
            ),
        )
        return [greeting, self._ask(db, interview, 0, preface="")]

    # --- answering ----------------------------------------------------------------------
    def record_answer(
        self,
        db: Session,
        interview: Interview,
        text: str,
        *,
        first_input_at: datetime | None = None,
    ) -> AnswerOutcome:
        """Stores an answer to the current prompt. The caller commits it before `respond`, so
        the answer is safe even if deciding what comes next fails."""
        self._require(interview, Status.IN_PROGRESS)
        if len(text) > MAX_ANSWER_CHARS:
            self.save_draft(interview, text)
            return AnswerOutcome(
                refused=(
                    f"Your answer is {len(text):,} characters; the limit is {MAX_ANSWER_CHARS:,}. "
                    "It is kept below: shorten it and send again."
                )
            )
        prompt = self.prompt(interview)
        if prompt is None:
            raise InterviewError("There is no question waiting for an answer.")
        now = utcnow()
        answer = self._add(
            db,
            interview,
            TurnKind.ANSWER,
            Speaker.CANDIDATE,
            text.strip(),
            question_index=prompt.number - 1,
            question_id=prompt.question.id,
            meta=self._timing(interview, prompt.turn, first_input_at, now),
        )
        interview.draft_text, interview.draft_saved_at = "", None
        return AnswerOutcome(turns=[answer])

    def respond(self, db: Session, interview: Interview, name: str) -> list[Turn]:
        """The interviewer's reply to the last answer: a re-ask, a follow-up, the next question
        or the closing. Does nothing when the last turn is not an answer."""
        if interview.status != Status.IN_PROGRESS.value or not interview.turns:
            return []
        last = interview.turns[-1]
        if last.kind != TurnKind.ANSWER or last.question_index is None:
            return []
        question = self.question(interview, last.question_index)
        prompt = Prompt(
            turn=last,
            question=question,
            number=last.question_index + 1,
            total=len(interview.plan),
            elapsed_s=0.0,
        )
        return self._next(db, interview, prompt, name)

    def answer(
        self,
        db: Session,
        interview: Interview,
        text: str,
        *,
        name: str,
        first_input_at: datetime | None = None,
    ) -> AnswerOutcome:
        """record_answer and respond in one step (for callers that commit once)."""
        outcome = self.record_answer(db, interview, text, first_input_at=first_input_at)
        if outcome.refused:
            return outcome
        return AnswerOutcome(turns=[*outcome.turns, *self.respond(db, interview, name)])

    def _next(self, db: Session, interview: Interview, prompt: Prompt, name: str) -> list[Turn]:
        index = prompt.number - 1
        persona = self.persona(interview)
        rng = self._rng(interview)
        answers = self._answers_to(interview, index)
        if not any(answers):
            if self._count(interview, TurnKind.REASK, index) == 0:
                return [
                    self._add(
                        db,
                        interview,
                        TurnKind.REASK,
                        Speaker.INTERVIEWER,
                        phrase("reask", persona, rng),
                        question_index=index,
                        question_id=prompt.question.id,
                    )
                ]
            return self._move_on(db, interview, index, name, phrase("skip", persona, rng))
        answer = " ".join(answers)
        may_follow_up = self._count(interview, TurnKind.FOLLOW_UP, index) < FOLLOW_UP_LIMIT[persona]
        move = self._model_move(interview, prompt.question, answer, persona)
        if move is not None:
            via: dict[str, Any] = {"interviewer": "llm"}
            follow_up: tuple[str, dict[str, Any]] | None = (
                (move.follow_up, {"reason": "model"}) if move.follow_up else None
            )
            if move.wants_follow_up and follow_up is None:  # its question failed the checks
                follow_up = self._follow_up(interview, prompt.question, answer, persona)
        else:
            via = {"interviewer": "rules"}
            if self.interviewer is not None:
                via["llm_unavailable"] = True
            follow_up = self._follow_up(interview, prompt.question, answer, persona)
        if may_follow_up and follow_up is not None:
            text, meta = follow_up
            lead = (move.acknowledgement if move else "") or phrase(
                "follow_up_lead", persona, rng, avoid=self._last_preface(interview)
            )
            return [
                self._add(
                    db,
                    interview,
                    TurnKind.FOLLOW_UP,
                    Speaker.INTERVIEWER,
                    text,
                    preface=lead,
                    question_index=index,
                    question_id=prompt.question.id,
                    key_point_index=meta.get("key_point_index"),
                    meta={**meta, **via},
                )
            ]
        acknowledgement = (move.acknowledgement if move else "") or phrase(
            "acknowledgement", persona, rng, avoid=self._last_preface(interview)
        )
        return self._move_on(db, interview, index, name, acknowledgement, via)

    def _model_move(
        self, interview: Interview, question: Question, answer: str, persona: Persona
    ) -> Move | None:
        """The language model's move, or None to use the rules (no model, or it failed)."""
        if self.interviewer is None:
            return None
        asked = [
            t.text
            for t in interview.turns
            if t.kind == TurnKind.FOLLOW_UP and t.question_id == question.id
        ]
        matches = self.matcher.match(answer, [kp.point for kp in question.key_points])
        return self.interviewer.next_move(
            question, ROLES[interview.role], answer, matches, persona, asked=asked
        )

    def _follow_up(
        self, interview: Interview, question: Question, answer: str, persona: Persona
    ) -> tuple[str, dict[str, Any]] | None:
        """The one probe this answer most needs, or None. Never reveals a key point."""
        asked = {
            t.meta.get("reason")
            for t in interview.turns
            if t.kind == TurnKind.FOLLOW_UP and t.question_id == question.id
        }
        asked_points = {
            t.key_point_index
            for t in interview.turns
            if t.kind == TurnKind.FOLLOW_UP and t.question_id == question.id
        }
        rng = self._rng(interview)
        if question.type == QuestionType.BEHAVIOURAL:
            team, own = len(_TEAM.findall(answer)), len(_FIRST_PERSON.findall(answer))
            if team >= 2 and own == 0 and "ownership" not in asked:
                return phrase("ownership", persona, rng), {"reason": "ownership"}
            if not _RESULT.search(answer) and "result" not in asked:
                return phrase("result", persona, rng), {"reason": "result"}
        points = [kp.point for kp in question.key_points]
        matches = self.matcher.match(answer, points)
        probe = {Coverage.MISSED} | ({Coverage.PARTIAL} if persona == Persona.TOUGH else set())
        for match in matches:  # key points are listed most important first
            if match.coverage in probe and match.index not in asked_points:
                return question.key_points[match.index].follow_up, {
                    "reason": f"{match.coverage.value}_key_point",
                    "key_point_index": match.index,
                    "similarity": match.similarity,
                }
        return None

    def _move_on(
        self,
        db: Session,
        interview: Interview,
        index: int,
        name: str,
        preface: str,
        via: dict[str, Any] | None = None,
    ) -> list[Turn]:
        if index + 1 < len(interview.plan):
            transition = phrase("transition", self.persona(interview), self._rng(interview))
            return [self._ask(db, interview, index + 1, preface=f"{preface} {transition}", via=via)]
        return [self._close(db, interview, name, preface, **(via or {}))]

    def _ask(
        self,
        db: Session,
        interview: Interview,
        index: int,
        *,
        preface: str,
        via: dict[str, Any] | None = None,
    ) -> Turn:
        question = self.question(interview, index)
        return self._add(
            db,
            interview,
            TurnKind.QUESTION,
            Speaker.INTERVIEWER,
            question.text,
            preface=preface.strip(),
            question_index=index,
            question_id=question.id,
            meta={"answer_time_s": question.answer_time_s, **(via or {})},
        )

    def _close(
        self, db: Session, interview: Interview, name: str, preface: str = "", **meta: Any
    ) -> Turn:
        interview.status = Status.COMPLETED.value
        interview.completed_at = utcnow()
        interview.paused_at = None
        text = phrase("closing", self.persona(interview), self._rng(interview), name=name)
        return self._add(
            db, interview, TurnKind.CLOSING, Speaker.INTERVIEWER, text, preface=preface, meta=meta
        )

    # --- other moves --------------------------------------------------------------------
    def ask_for_moment(self, db: Session, interview: Interview) -> list[Turn]:
        """'I need a moment': recorded, and the interviewer says to take the time."""
        self._require(interview, Status.IN_PROGRESS)
        prompt = self.prompt(interview)
        index = prompt.number - 1 if prompt else None
        return [
            self._add(
                db,
                interview,
                TurnKind.MOMENT,
                Speaker.CANDIDATE,
                "I need a moment.",
                question_index=index,
            ),
            self._add(
                db,
                interview,
                TurnKind.MOMENT_REPLY,
                Speaker.INTERVIEWER,
                phrase("moment", self.persona(interview), self._rng(interview)),
                question_index=index,
            ),
        ]

    def take_back(self, db: Session, interview: Interview, seq: int) -> None:
        """The candidate went on speaking just as the interviewer replied (voice, D3): the
        answer at `seq` was not finished. It and the interviewer's reply are removed, so the
        answer goes on and is stored once, whole; a closing it caused is undone."""
        taken = [t for t in interview.turns if t.seq >= seq]
        if (
            not taken
            or taken[0].kind != TurnKind.ANSWER
            or any(t.speaker != Speaker.INTERVIEWER for t in taken[1:])
        ):
            raise InterviewError("That answer can no longer be continued.")
        if interview.status == Status.COMPLETED.value and taken[-1].kind == TurnKind.CLOSING:
            interview.status, interview.completed_at = Status.IN_PROGRESS.value, None
        self._require(interview, Status.IN_PROGRESS)
        for turn in taken:
            interview.turns.remove(turn)
        db.flush()

    def pause(self, db: Session, interview: Interview) -> Turn:
        self._require(interview, Status.IN_PROGRESS)
        interview.status, interview.paused_at = Status.PAUSED.value, utcnow()
        return self._add(db, interview, TurnKind.PAUSE, Speaker.SYSTEM, "Interview paused.")

    def resume(self, db: Session, interview: Interview) -> Turn:
        self._require(interview, Status.PAUSED)
        interview.status, interview.paused_at = Status.IN_PROGRESS.value, None
        return self._add(db, interview, TurnKind.RESUME, Speaker.SYSTEM, "Interview resumed.")

    def end_early(self, db: Session, interview: Interview, name: str) -> Turn:
        """Stops now; questions not reached stay unanswered rather than invented."""
        if interview.status not in {Status.IN_PROGRESS.value, Status.PAUSED.value}:
            raise InterviewError("This interview is not running.")
        return self._close(db, interview, name, "We'll stop here.", ended_early=True)

    def save_draft(self, interview: Interview, text: str) -> None:
        interview.draft_text = text[: MAX_ANSWER_CHARS * 2]
        interview.draft_saved_at = utcnow()

    # --- reading ------------------------------------------------------------------------
    def persona(self, interview: Interview) -> Persona:
        return Persona(interview.setup.get("persona", Persona.NEUTRAL.value))

    def question(self, interview: Interview, index: int) -> Question:
        question = self.find(interview, interview.plan[index])
        if question is None:  # a bank update removed it; the interview cannot go on with it
            raise InterviewError(f"Question {interview.plan[index]} is no longer in the bank.")
        return question

    def find(self, interview: Interview, question_id: str) -> Question | None:
        """A question of this interview: from the bank, or written for it by the model."""
        return self.bank.get(question_id) or question_in(interview.generated or [], question_id)

    def prompt(self, interview: Interview) -> Prompt | None:
        """The question or follow-up waiting for an answer, or None."""
        if interview.status not in {Status.IN_PROGRESS.value, Status.PAUSED.value}:
            return None
        for turn in reversed(interview.turns):
            if turn.kind == TurnKind.ANSWER:
                return None
            if turn.kind in PROMPT_KINDS and turn.question_index is not None:
                return Prompt(
                    turn=turn,
                    question=self.question(interview, turn.question_index),
                    number=turn.question_index + 1,
                    total=len(interview.plan),
                    elapsed_s=self._active_seconds(interview, turn.created_at, utcnow()),
                )
        return None

    def _answers_to(self, interview: Interview, index: int) -> list[str]:
        return [
            t.text
            for t in interview.turns
            if t.kind == TurnKind.ANSWER and t.question_index == index
        ]

    def _count(self, interview: Interview, kind: TurnKind, index: int) -> int:
        return sum(1 for t in interview.turns if t.kind == kind and t.question_index == index)

    def _last_preface(self, interview: Interview) -> str:
        for turn in reversed(interview.turns):
            if turn.speaker == Speaker.INTERVIEWER and turn.preface:
                return turn.preface
        return ""

    def _active_seconds(self, interview: Interview, since: datetime, until: datetime) -> float:
        """Seconds between two moments, less the time the interview was paused."""
        paused, paused_from = 0.0, None
        for turn in interview.turns:
            if turn.created_at < since:
                continue
            if turn.kind == TurnKind.PAUSE:
                paused_from = turn.created_at
            elif turn.kind == TurnKind.RESUME and paused_from is not None:
                paused += (turn.created_at - paused_from).total_seconds()
                paused_from = None
        if paused_from is not None:
            paused += (until - paused_from).total_seconds()
        return max(0.0, (until - since).total_seconds() - paused)

    def _timing(
        self, interview: Interview, prompt: Turn, first_input_at: datetime | None, now: datetime
    ) -> dict[str, Any]:
        """D4: how long the candidate took to start, and to finish, this answer."""
        timing: dict[str, Any] = {
            "answered_after_s": round(self._active_seconds(interview, prompt.created_at, now), 1)
        }
        if first_input_at is not None and prompt.created_at <= first_input_at <= now:
            timing["started_after_s"] = round(
                self._active_seconds(interview, prompt.created_at, first_input_at), 1
            )
        return timing

    def _require(self, interview: Interview, status: Status) -> None:
        if interview.status == status.value:
            return
        if interview.status == Status.PAUSED.value:
            raise InterviewError("The interview is paused. Resume it to go on.")
        if interview.status in {Status.COMPLETED.value, Status.ABANDONED.value}:
            raise InterviewError("This interview has ended.")
        raise InterviewError("The interview is not running.")

    def _rng(self, interview: Interview) -> random.Random:
        return random.Random(f"{interview.seed}:{len(interview.turns)}")  # noqa: S311 (phrasing)

    def _add(
        self,
        db: Session,
        interview: Interview,
        kind: TurnKind,
        speaker: Speaker,
        text: str,
        *,
        preface: str = "",
        question_index: int | None = None,
        question_id: str | None = None,
        key_point_index: int | None = None,
        meta: dict[str, Any] | None = None,
    ) -> Turn:
        seq = interview.turns[-1].seq + 1 if interview.turns else 1
        turn = Turn(
            seq=seq,
            kind=kind.value,
            speaker=speaker.value,
            text=text,
            preface=preface,
            question_index=question_index,
            question_id=question_id,
            key_point_index=key_point_index,
            meta=meta or {},
            created_at=utcnow(),
        )
        interview.turns.append(turn)
        db.flush()  # written now: a crash after this line loses nothing
        return turn


def _interleave(bank: list[str], generated: list[str]) -> list[str]:
    """Bank and generated questions taken in turn, starting with the bank's."""
    plan: list[str] = []
    for index in range(max(len(bank), len(generated))):
        plan += bank[index : index + 1] + generated[index : index + 1]
    return plan
