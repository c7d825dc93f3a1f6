"""The interviewer with a language model (C3 and persona phrasing): one decision per answer.

The model sees the question, what the evidence says the answer covered, and the answer as data;
it returns "follow up with this question" or "move on", and a short acknowledgement in the
persona's tone. The guarantees stay in code: the engine bounds the number of follow-ups, and a
line that repeats a key point or the model answer, or is not a question, is thrown away for the
rules path's line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

from greenroom.interviews.schemas import Persona
from greenroom.providers.llm import LLM
from greenroom.providers.llm.prompts import DATA_RULE, as_data, leaks
from greenroom.providers.llm.structured import ask_json
from greenroom.questions.matcher import KeyPointMatch, content_stems
from greenroom.questions.schemas import Question

MAX_LINE_CHARS = 300
REVEALS_AT = 0.6  # share of a key point's content words that a follow-up may not repeat

TONE = {
    Persona.FRIENDLY: "warm and encouraging, but still probing",
    Persona.NEUTRAL: "polite, brief and matter-of-fact",
    Persona.TOUGH: "terse and demanding; you press for specifics",
}
SYSTEM = """You are a {tone} interviewer running a {role} job interview.
After each answer you decide one move: ask ONE follow-up question that probes what the answer
left out (a missing point, no concrete result, 'we' without the candidate's own part), or move on.
Rules: a follow-up is one open question under 40 words; never state, list or hint at the expected
points or the model answer, and never say whether the answer was right; never score the answer.
The acknowledgement is one short sentence in your tone, without a question.
{data_rule}
Reply with a JSON object only: {{"action": "follow_up" or "move_on", "follow_up": "...",
"acknowledgement": "..."}}."""


class InterviewerMove(BaseModel):
    action: Literal["follow_up", "move_on"]
    follow_up: str = Field(default="", max_length=2000)
    acknowledgement: str = Field(default="", max_length=2000)


@dataclass(frozen=True)
class Move:
    """A checked decision. `follow_up` is empty when the model's question failed the checks
    (then the rules pick the probe) or when the model chose to move on."""

    wants_follow_up: bool
    follow_up: str
    acknowledgement: str


class LLMInterviewer:
    def __init__(self, llm: LLM) -> None:
        self.llm = llm

    @property
    def available(self) -> bool:
        return self.llm.available

    def next_move(
        self,
        question: Question,
        role: str,
        answer: str,
        matches: list[KeyPointMatch],
        persona: Persona,
        *,
        asked: list[str],
    ) -> Move | None:
        """The model's move after checking; None when the model is unavailable or invalid."""
        covered = "\n".join(
            f"- point {m.index + 1}: {m.coverage.value}" for m in matches
        )  # coverage only: the point's wording is in the rubric block below
        rubric = "\n".join(f"{i + 1}. {kp.point}" for i, kp in enumerate(question.key_points))
        user = (
            f"Question: {question.text}\n"
            f"Expected points (confidential):\n{rubric}\n"
            f"What the evidence found:\n{covered or '- no key points for this question'}\n"
            f"Follow-ups already asked: {asked or 'none'}\n"
            f"{as_data('answer', answer[:6000])}"
        )
        reply = ask_json(
            self.llm,
            [
                {
                    "role": "system",
                    "content": SYSTEM.format(tone=TONE[persona], role=role, data_rule=DATA_RULE),
                },
                {"role": "user", "content": user},
            ],
            InterviewerMove,
            max_tokens=160,
            temperature=0.4,
        )
        if reply is None:
            return None
        secrets = [kp.point for kp in question.key_points] + [question.model_answer]
        follow_up = _one_line(reply.follow_up) if reply.action == "follow_up" else ""
        if follow_up and not self.acceptable_follow_up(follow_up, question, asked, secrets):
            follow_up = ""
        acknowledgement = _one_line(reply.acknowledgement)
        if (
            "?" in acknowledgement
            or len(acknowledgement) > 160
            or reveals(acknowledgement, secrets)
        ):
            acknowledgement = ""
        return Move(
            wants_follow_up=reply.action == "follow_up",
            follow_up=follow_up,
            acknowledgement=acknowledgement,
        )

    def acceptable_follow_up(
        self, text: str, question: Question, asked: list[str], secrets: list[str]
    ) -> bool:
        """A single open question, new, that gives nothing of the rubric away."""
        return (
            text.endswith("?")
            and 8 <= len(text) <= MAX_LINE_CHARS
            and text.lower() != question.text.lower()
            and text not in asked
            and not reveals(text, secrets)
        )


def reveals(text: str, secrets: list[str]) -> bool:
    """True when `text` repeats a secret: five words in a row, or most of a key point's words."""
    if leaks(text, secrets, window=5):
        return True
    said = content_stems(text)
    for secret in secrets:
        stems = content_stems(secret)
        if len(stems) >= 3 and len(stems & said) / len(stems) >= REVEALS_AT:
            return True
    return False


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()[: MAX_LINE_CHARS * 2]
