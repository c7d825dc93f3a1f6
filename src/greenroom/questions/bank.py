"""The curated question bank shipped in data/questions/*.yaml, loaded and validated once."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from greenroom.questions.catalogue import ROLES
from greenroom.questions.schemas import Question, QuestionFile

BANK_VERSION = "2026.11"
# libyaml's safe loader when present: ten times faster on the whole bank.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class BankError(ValueError):
    """The bank's files are not valid; the message names the file and the question."""


def default_bank_dir() -> Path:
    return Path(str(files("greenroom.data").joinpath("questions")))


@dataclass(frozen=True)
class Bank:
    questions: tuple[Question, ...]
    by_id: dict[str, Question] = field(repr=False)

    @classmethod
    def of(cls, questions: Iterable[Question]) -> Bank:
        items = tuple(questions)
        return cls(questions=items, by_id={q.id: q for q in items})

    def get(self, question_id: str) -> Question | None:
        return self.by_id.get(question_id)

    def for_role(self, role: str) -> list[Question]:
        return [q for q in self.questions if role in q.roles]

    def technologies_for(self, role: str, limit: int = 16) -> list[str]:
        """The technologies the bank asks about most for `role`: suggestions for the setup form."""
        counts = Counter(tech for q in self.for_role(role) for tech in q.technologies)
        return [tech for tech, _ in counts.most_common(limit)]

    def stats(self) -> dict[str, Any]:
        """Counts of questions in all, and per role, type and difficulty."""
        per_role: dict[str, dict[str, Any]] = {}
        for role in ROLES:
            questions = self.for_role(role)
            per_role[role] = {
                "questions": len(questions),
                "by_type": dict(Counter(q.type.value for q in questions)),
                "by_difficulty": dict(Counter(q.difficulty.value for q in questions)),
            }
        return {
            "version": BANK_VERSION,
            "questions": len(self.questions),
            "roles": sum(1 for role in per_role.values() if role["questions"]),
            "by_type": dict(Counter(q.type.value for q in self.questions)),
            "by_difficulty": dict(Counter(q.difficulty.value for q in self.questions)),
            "by_kind": dict(Counter(q.kind.value for q in self.questions)),
            "per_role": per_role,
        }


def load_bank_from(directory: Path) -> Bank:
    """Reads and validates every YAML file in `directory`; raises BankError on the first problem."""
    questions: list[Question] = []
    seen: dict[str, str] = {}
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        raise BankError(f"no question files in {directory}")
    for path in paths:
        try:
            raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader)  # noqa: S506
            parsed = QuestionFile.model_validate(raw)
        except yaml.YAMLError as error:
            raise BankError(f"{path.name}: not valid YAML: {error}") from error
        except ValidationError as error:
            raise BankError(f"{path.name}: {_describe(error, raw)}") from error
        for question in parsed.questions:
            if question.id in seen:
                raise BankError(f"{path.name}: id {question.id!r} is also in {seen[question.id]}")
            seen[question.id] = path.name
            questions.append(question)
    return Bank.of(questions)


def _describe(error: ValidationError, raw: Any) -> str:
    first = error.errors()[0]
    location = first["loc"]
    where = ".".join(str(part) for part in location)
    if len(location) >= 2 and location[0] == "questions" and isinstance(location[1], int):
        with contextlib.suppress(KeyError, IndexError, TypeError, AttributeError):
            where = (
                f"question {raw['questions'][location[1]].get('id', location[1])!r}: "
                + ".".join(str(part) for part in location[2:])
            )
    return f"{where}: {first['msg']} ({error.error_count()} problem(s) in this file)"


@cache
def load_bank() -> Bank:
    """The shipped bank, loaded once per process."""
    return load_bank_from(default_bank_dir())
