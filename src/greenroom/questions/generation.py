"""C2: questions written by a language model for one setup, in the bank's schema.

Each generated question is validated as a bank `Question` (key points with follow-ups, a model
answer, a suggested time), rejected when it is a near-duplicate of a bank question or of one
this user was given before, and stored with the interview that asks it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ValidationError

from greenroom.providers.llm import LLM
from greenroom.providers.llm.prompts import DATA_RULE, as_data
from greenroom.providers.llm.structured import ask_json
from greenroom.questions.bank import Bank
from greenroom.questions.catalogue import ROLES, Competency, Kind, QuestionType
from greenroom.questions.matcher import KeyPointMatcher
from greenroom.questions.schemas import Question

log = logging.getLogger(__name__)
DUPLICATE_AT = 0.9  # cosine similarity to an existing question that counts as the same question
SYSTEM = f"""You write job-interview questions with their marking rubric.
Write ONE question for the role, level and context given. Give 3 to 5 key points a strong
answer states (each with a short follow-up question to ask when the answer misses it), and a
model answer of 80-150 words in the first person.
{DATA_RULE}
Reply with a JSON object only."""


class GeneratedKeyPoint(BaseModel):
    point: str
    follow_up: str


class GeneratedQuestion(BaseModel):
    text: str
    type: Literal["technical", "behavioural", "system_design"]
    kind: Literal["conceptual", "implementation", "debugging", "design"]
    topic: str
    key_points: list[GeneratedKeyPoint]
    model_answer: str
    answer_time_s: Literal[60, 90, 120, 180, 240, 300]


class QuestionGenerator:
    def __init__(self, llm: LLM, matcher: KeyPointMatcher, bank: Bank) -> None:
        self.llm, self.matcher, self.bank = llm, matcher, bank

    def generate(
        self,
        setup: dict[str, Any],
        count: int,
        *,
        avoid: Iterable[str] = (),
        question_type: str | None = None,
    ) -> list[Question]:
        """Up to `count` new questions (fewer when the model fails or repeats itself)."""
        written: list[Question] = []
        avoid_texts = [*avoid]
        for _ in range(count * 2):  # a failed or duplicate attempt gets one more try
            if len(written) == count or not self.llm.available:
                break
            draft = ask_json(
                self.llm,
                self._messages(setup, question_type, avoid_texts),
                GeneratedQuestion,
                max_tokens=700,
                temperature=0.8,
            )
            question = self._as_question(draft, setup) if draft else None
            if question is None or self.is_duplicate(question.text, avoid_texts):
                continue
            written.append(question)
            avoid_texts.append(question.text)
        return written

    def is_duplicate(self, text: str, others: list[str]) -> bool:
        """Too close to a bank question or to one of `others`."""
        references = [q.text for q in self.bank.questions] + others
        vectors = self.matcher.key_point_vectors(references)
        similarity = vectors @ self.matcher.key_point_vectors([text])[0]
        return bool(np.max(similarity) >= DUPLICATE_AT)

    def _messages(
        self, setup: dict[str, Any], question_type: str | None, avoid: list[str]
    ) -> list[Any]:
        context = "\n".join(
            f"{label}: {setup.get(key)}"
            for key, label in (
                ("level", "Level"),
                ("difficulty", "Difficulty"),
                ("technologies", "Technologies"),
                ("company", "Company"),
            )
            if setup.get(key)
        )
        wanted = question_type or "technical"
        user = (
            f"Role: {ROLES.get(setup.get('role', ''), 'software engineer')}\n{context}\n"
            f"Question type: {wanted}\n"
            f"Do not repeat any of these: {avoid[-10:] or 'none'}\n"
            + as_data("job_description_and_notes", _context_text(setup))
        )
        return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]

    def _as_question(self, draft: GeneratedQuestion, setup: dict[str, Any]) -> Question | None:
        digest = hashlib.sha256(draft.text.encode()).hexdigest()[:10]
        behavioural = draft.type == QuestionType.BEHAVIOURAL.value
        try:
            return Question.model_validate(
                {
                    "id": f"gen-{digest}",
                    "text": draft.text.strip(),
                    "type": draft.type,
                    "roles": [setup.get("role", "backend")],
                    "levels": [setup.get("level", "mid")],
                    "difficulty": setup.get("difficulty", "medium"),
                    "topics": [draft.topic.strip().lower()[:40] or "general"],
                    "technologies": list(setup.get("technologies", []))[:6],
                    "kind": draft.kind if draft.kind in set(Kind) else Kind.CONCEPTUAL.value,
                    "competency": Competency.COMMUNICATION.value if behavioural else None,
                    "answer_time_s": draft.answer_time_s,
                    "model_answer": draft.model_answer.strip(),
                    "key_points": [kp.model_dump() for kp in draft.key_points[:7]],
                }
            )
        except ValidationError as error:
            log.info("generated question rejected: %s", error)
            return None


def _context_text(setup: dict[str, Any]) -> str:
    return "\n".join(
        part for part in (setup.get("job_description", ""), setup.get("notes", "")) if part
    )[:6000]


def question_in(interview_generated: list[dict[str, Any]], question_id: str) -> Question | None:
    """A generated question kept with an interview, by id."""
    for data in interview_generated:
        if data.get("id") == question_id:
            return Question.model_validate(data)
    return None
