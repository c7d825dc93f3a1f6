"""F7 with a language model: a stronger answer written from the candidate's own content plus
what they missed. Without a model (or when its text fails the checks) the report keeps the
answer assembled from the candidate's sentences and the model answer (report._stronger_answer).
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from greenroom.providers.llm import LLM
from greenroom.providers.llm.prompts import DATA_RULE, as_data, leaks
from greenroom.providers.llm.structured import ask_json

MIN_CHARS, MAX_CHARS = 60, 2000
SYSTEM = f"""You coach interview candidates. Rewrite the candidate's answer into a stronger one,
in the first person and in their voice: keep what they said that was right, fix what was wrong,
and add the missed points using the reference answer. Plain prose, at most 180 words, no
headings, no commentary about the rewrite.
{DATA_RULE}
Reply with a JSON object only: {{"answer": "..."}}."""


class Rewrite(BaseModel):
    answer: str = Field(max_length=6000)


class StrongerAnswerWriter:
    def __init__(self, llm: LLM) -> None:
        self.llm = llm

    @property
    def name(self) -> str:
        return self.llm.name

    def write(self, question: str, answer: str, missed: list[str], reference: str) -> str | None:
        """The rewritten answer, or None when the model is unavailable or its text fails."""
        user = (
            f"Question: {question}\n"
            f"Points the answer missed: {'; '.join(missed) or 'none'}\n"
            f"Reference answer: {reference}\n"
            f"{as_data('answer', answer[:6000])}"
        )
        reply = ask_json(
            self.llm,
            [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}],
            Rewrite,
            max_tokens=400,
            temperature=0.3,
        )
        if reply is None:
            return None
        text = re.sub(r"[ \t]+", " ", reply.answer).strip()
        if not MIN_CHARS <= len(text) <= MAX_CHARS or leaks(text, [SYSTEM]) or "<data" in text:
            return None
        return text
