"""Set up by chat (B2): the candidate describes the interview and the setup form fills itself.

Rules read the choices from plain English (slot filling), so the chat works without a language
model. When there is one, it reads the message too and phrases the reply; only valid choices
reach the draft, and the rules answer whenever the model is down, confused or repeats its
instructions.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from greenroom.interviews.schemas import UNAVAILABLE, InterviewType, Persona
from greenroom.interviews.setup_words import (
    ALIASES,
    CODING,
    COMPANY_STRONG,
    COMPANY_WEAK,
    COUNT,
    DIFFICULTY,
    LENGTH,
    LEVEL,
    NOT_A_COMPANY,
    NUMBERS,
    PERSONA,
    PROPER_FORMS,
    ROLE,
    TYPE,
    YEARS,
)
from greenroom.providers.llm import LLM, Message
from greenroom.providers.llm.prompts import DATA_RULE, as_data, leaks
from greenroom.providers.llm.structured import ask_json
from greenroom.questions.bank import Bank
from greenroom.questions.catalogue import LEVEL_LABELS, ROLES, Difficulty, Level

log = logging.getLogger(__name__)
MAX_MESSAGE_CHARS = 2_000
MAX_TURNS = 20  # exchanges kept: a candidate message and the reply to it
MAX_REPLY_CHARS = 600
MAX_TECHNOLOGIES = 12
CONTEXT_LINES = 6  # lines of the conversation shown to the model
CHAT_TYPES = tuple(t for t in InterviewType if t not in UNAVAILABLE)
MODEL_DOWN = "The AI assistant is unavailable right now; I'm filling the form from your words."
EXAMPLE = "Senior backend interview at Acme, Python and PostgreSQL, 5 questions, tough interviewer"
_TECHNOLOGY = re.compile(r"[a-z0-9][a-z0-9.+#-]{0,39}")


class MessageTooLong(ValueError):
    """A chat message over MAX_MESSAGE_CHARS; the text says so in words a candidate reads."""


class SetupDraft(BaseModel):
    """The setup choices gathered so far in the chat; None (or empty) where nothing was said."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    role: str | None = None
    interview_type: InterviewType | None = None
    level: Level | None = None
    difficulty: Difficulty | None = None
    question_count: int | None = Field(default=None, ge=1, le=15)
    technologies: list[str] = Field(default_factory=list, max_length=MAX_TECHNOLOGIES)
    company: str = Field(default="", max_length=120)
    persona: Persona | None = None

    @field_validator("role")
    @classmethod
    def _known_role(cls, value: str | None) -> str | None:
        if value is not None and value not in ROLES:
            raise ValueError("not one of the listed roles")
        return value

    @field_validator("interview_type")
    @classmethod
    def _available_type(cls, value: InterviewType | None) -> InterviewType | None:
        if value in UNAVAILABLE:
            raise ValueError(UNAVAILABLE[value])
        return value

    @field_validator("technologies")
    @classmethod
    def _technology_names(cls, value: list[str]) -> list[str]:
        if not all(_TECHNOLOGY.fullmatch(tech) for tech in value):
            raise ValueError("technologies are short lowercase names")
        return list(dict.fromkeys(value))

    @property
    def ready(self) -> bool:
        """Role, level and type are known: enough to show the summary and start."""
        return None not in (self.role, self.level, self.interview_type)


class ChatLine(BaseModel):
    """One line of the conversation, as carried from one turn to the next."""

    model_config = ConfigDict(extra="forbid")

    speaker: Literal["candidate", "assistant"]
    text: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)


@dataclass(frozen=True)
class ChatTurn:
    """The outcome of one message: `source` says whether the model or the rules answered."""

    draft: SetupDraft
    reply: str
    source: Literal["llm", "rules"]
    notice: str | None
    history: list[ChatLine]


def technology_vocabulary(bank: Bank) -> frozenset[str]:
    """Every technology the bank has questions on: the only ones the chat fills in."""
    return frozenset(tech for question in bank.questions for tech in question.technologies)


class _Message:
    """The message as the rules read it: each phrase taken is blanked so nothing is read twice."""

    def __init__(self, text: str) -> None:
        self.text = text

    def take(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        match = pattern.search(self.text)
        if match:
            self.blank(match.start(), match.end())
        return match

    def take_all(self, pattern: re.Pattern[str]) -> list[re.Match[str]]:
        matches = list(pattern.finditer(self.text))
        for match in matches:
            self.blank(match.start(), match.end())
        return matches

    def blank(self, start: int, end: int) -> None:
        self.text = self.text[:start] + " " * (end - start) + self.text[end:]


def fill_slots(message: str, draft: SetupDraft, bank_technologies: Collection[str]) -> SetupDraft:
    """`draft` with every choice `message` names; what the message does not mention is kept."""
    original = unicodedata.normalize("NFKC", message[:MAX_MESSAGE_CHARS]).replace("\u2019", "'")
    words = _Message(original)
    found: dict[str, Any] = {}
    if role := words.take(ROLE):
        found["role"] = role.lastgroup
    if persona := words.take(PERSONA):
        found["persona"] = persona.lastgroup
    if level := _level(words):
        found["level"] = level
    if kind := _interview_type(words):
        found["interview_type"] = kind
    if difficulty := words.take(DIFFICULTY):
        found["difficulty"] = difficulty.lastgroup
    if count := _question_count(words):
        found["question_count"] = count
    company = _company(words, bank_technologies)
    if company is not None:
        found["company"] = company.group(company.lastgroup or 0).rstrip(".'-")[:120]
        original = original[: company.start()] + " " * len(company[0]) + original[company.end() :]
    new = _technologies(original, frozenset(bank_technologies))
    found["technologies"] = list(dict.fromkeys([*draft.technologies, *new]))[:MAX_TECHNOLOGIES]
    return SetupDraft.model_validate({**draft.model_dump(), **found})


def _level(words: _Message) -> str | None:
    if level := words.take(LEVEL):
        return level.lastgroup
    if years := words.take(YEARS):
        n = _number(years["n"])
        return "junior" if n < 2 else "mid" if n < 5 else "senior" if n < 10 else "staff"
    return None


def _interview_type(words: _Message) -> str | None:
    kinds = {match.lastgroup for match in words.take_all(TYPE)}
    if "mixed" in kinds or ("behavioural" in kinds and len(kinds) > 1):
        return "mixed"
    for kind in ("system_design", "technical", "behavioural"):
        if kind in kinds:
            return kind
    return None


def _question_count(words: _Message) -> int | None:
    if count := words.take(COUNT):
        n = _number(count["n"])
        return min(n, 15) if n > 0 else None
    if length := words.take(LENGTH):
        return 3 if length["short"] else 10
    return None


def _number(text: str) -> int:
    text = " ".join(text.lower().split())
    return int(text) if text.isdigit() else NUMBERS[text]


def _company(words: _Message, vocabulary: Collection[str]) -> re.Match[str] | None:
    if (strong := COMPANY_STRONG.search(words.text)) and _is_company(strong, ()):
        words.blank(strong.start(), strong.end())
        return strong
    for weak in COMPANY_WEAK.finditer(words.text):
        if _is_company(weak, vocabulary):
            words.blank(weak.start(), weak.end())
            return weak
    return None


def _is_company(match: re.Match[str], vocabulary: Collection[str]) -> bool:
    name = match.group(match.lastgroup or 0).rstrip(".'-")
    first = name.split()[0].lower() if name.split() else ""
    return bool(first) and first not in NOT_A_COMPANY and first not in vocabulary


def _technologies(text: str, vocabulary: frozenset[str]) -> list[str]:
    plain, by_spelling = _technology_pattern(vocabulary)
    found: list[tuple[int, str]] = []
    if plain is not None:
        for match in plain.finditer(text):
            spelling = re.sub(r"[\s-]", "", match[0].lower())
            found.append((match.start(), by_spelling[spelling]))
    for tech, pattern in _special_patterns(vocabulary):
        found += [(match.start(), tech) for match in pattern.finditer(text)]
    return list(dict.fromkeys(tech for _, tech in sorted(found)))


@cache
def _technology_pattern(
    vocabulary: frozenset[str],
) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """One pattern for the vocabulary; "github actions", "github-actions", "githubactions" alike."""
    terms = sorted(vocabulary - PROPER_FORMS.keys(), key=len, reverse=True)
    if not terms:
        return None, {}
    spelled = "|".join(re.escape(term).replace(r"\-", r"[\s-]?") for term in terms)
    pattern = re.compile(rf"(?<![\w+#-])(?:{spelled})(?![\w+#-])", re.IGNORECASE)
    return pattern, {term.replace("-", ""): term for term in terms}


@cache
def _special_patterns(vocabulary: frozenset[str]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Aliases ("k8s", "postgres") and everyday words written as names ("Go", "REST")."""
    patterns = [
        (tech, re.compile(rf"(?<![\w+#-])(?:{alias})(?![\w+#-])", re.IGNORECASE))
        for tech, alias in ALIASES.items()
        if tech in vocabulary
    ]
    # Not the first word of a sentence, where any word is capitalised.
    patterns += [
        (tech, re.compile(rf"(?<=[\w,;:(] )(?:{form})(?![\w+#-])"))
        for tech, form in PROPER_FORMS.items()
        if tech in vocabulary
    ]
    return tuple(patterns)


def mentions_coding(message: str) -> bool:
    """The candidate asked for a coding interview, which is not available yet."""
    return bool(CODING.search(message[:MAX_MESSAGE_CHARS]))


# --- what the assistant says -----------------------------------------------------------------
def describe(draft: SetupDraft) -> str:
    """The draft in one phrase: "a technical interview for a Backend engineer role, ..."."""
    kind = (draft.interview_type or InterviewType.MIXED).value.replace("_", " ")
    parts = [f"a {kind} interview for a {ROLES[draft.role or 'backend']} role"]
    if draft.level:
        parts.append(f"{LEVEL_LABELS[draft.level].lower()} level")
    if draft.difficulty:
        parts.append(f"{draft.difficulty.value} questions")
    if draft.question_count:
        parts.append(f"{draft.question_count} question{'s' if draft.question_count > 1 else ''}")
    if draft.technologies:
        parts.append(f"on {_join(draft.technologies)}")
    if draft.company:
        parts.append(f"at {draft.company}")
    if draft.persona:
        parts.append(f"with a {draft.persona.value} interviewer")
    return ", ".join(parts)


def next_reply(draft: SetupDraft) -> str:
    """What the assistant says next: a question about the first missing choice, or the summary."""
    if draft.role is None:
        return (
            "What role are you preparing for? For example: backend engineer, data scientist, "
            "product manager or UX designer."
        )
    if draft.level is None:
        return (
            f"{ROLES[draft.role]}, got it. What level is the job: intern, junior, mid-level, "
            "senior, staff or manager? Years of experience work too."
        )
    if draft.interview_type is None:
        return (
            "What kind of interview would you like: behavioural, technical, system design or a mix?"
        )
    optional = [
        name
        for name, missing in (
            ("technologies to focus on", not draft.technologies),
            ("a target company", not draft.company),
            ("the number of questions", draft.question_count is None),
        )
        if missing
    ]
    text = f"Here is your interview: {describe(draft)}. Check the summary, then press "
    text += "Review and start."
    if optional:
        text += f" You can still add {_join(optional)}."
    return text


def summary_rows(draft: SetupDraft) -> list[tuple[str, str, bool]]:
    """The summary card: (label, value, chosen) per field; defaults are shown as such."""
    kind = draft.interview_type.value.replace("_", " ") if draft.interview_type else ""
    return [
        ("Role", ROLES[draft.role] if draft.role else "not set yet", draft.role is not None),
        ("Level", LEVEL_LABELS[draft.level] if draft.level else "not set yet", bool(draft.level)),
        ("Interview type", kind or "not set yet", bool(kind)),
        ("Difficulty", draft.difficulty or "medium (default)", bool(draft.difficulty)),
        ("Questions", str(draft.question_count or "5 (default)"), bool(draft.question_count)),
        ("Technologies", ", ".join(draft.technologies) or "any", bool(draft.technologies)),
        ("Company", draft.company or "none", bool(draft.company)),
        ("Interviewer", draft.persona or "neutral (default)", bool(draft.persona)),
    ]


def _join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


# --- the language model -----------------------------------------------------------------------
SYSTEM_PROMPT = (
    "You are the setup assistant of Greenroom, a mock-interview app. The candidate describes the "
    "practice interview they want. Read their latest message (the conversation and the form so "
    "far are context) and report only what that message states: the role, the experience "
    "level, the interview type, the difficulty, how many questions, technologies, the target "
    "company and the interviewer's manner. Leave a field empty, or 0 for the count, when the "
    "message does not say it; never guess. In `reply`, write one or two short, warm sentences "
    "in plain text: confirm what you understood, then ask for the first thing still unknown "
    "among role, level and interview type; once all three are known, point the candidate to "
    "the summary card beside the chat and the button under it. Answer with the JSON object "
    "only. " + DATA_RULE
)


def _choice(values: Iterable[str]) -> Any:
    return Field(default="", json_schema_extra={"enum": ["", *(str(v) for v in values)]})


class ModelReading(BaseModel):
    """What the model read in a message: "" (or 0) where it found nothing; checked before use."""

    role: str = _choice(ROLES)
    level: str = _choice(Level)
    interview_type: str = _choice(CHAT_TYPES)
    difficulty: str = _choice(Difficulty)
    question_count: int = Field(default=0, json_schema_extra={"enum": list(range(16))})
    technologies: list[str] = Field(default_factory=list)
    company: str = ""
    persona: str = _choice(Persona)
    reply: str = ""


class SetupChat:
    """One turn of the setup conversation: the rules always read the message; a model, when
    there is one, reads it too and phrases the reply."""

    def __init__(self, llm: LLM | None, technologies: Collection[str]) -> None:
        self.llm = llm
        self.technologies = frozenset(technologies)

    def turn(self, message: str, draft: SetupDraft, history: Sequence[ChatLine]) -> ChatTurn:
        """The draft after `message`, the reply to show, and the conversation to carry on."""
        message = message.strip()
        if len(message) > MAX_MESSAGE_CHARS:
            raise MessageTooLong(
                f"That message is {len(message):,} characters; the limit is "
                f"{MAX_MESSAGE_CHARS:,}. Describe the interview in a few sentences."
            )
        if not message:
            return ChatTurn(draft, next_reply(draft), "rules", None, list(history))
        rules = fill_slots(message, draft, self.technologies)
        coding = mentions_coding(message) and rules.interview_type is None
        notices = [UNAVAILABLE[InterviewType.CODING]] if coding else []
        reading = self._read(message, draft, history) if self.llm is not None else None
        if reading is None:
            if self.llm is not None:
                notices.insert(0, MODEL_DOWN)
            reply = next_reply(rules)
            if rules == draft:
                reply = f"I couldn't find interview details in that. {reply}"
            return self._answer(message, rules, reply, "rules", notices, history)
        combined = _combine(rules, reading, message, self.technologies)
        reply = " ".join(reading.reply.split())
        if not reply or len(reply) > MAX_REPLY_CHARS or leaks(reply, [SYSTEM_PROMPT]):
            log.info("setup chat: model reply not shown (%d characters)", len(reply))
            reply = next_reply(combined)
        return self._answer(message, combined, reply, "llm", notices, history)

    def _read(
        self, message: str, draft: SetupDraft, history: Sequence[ChatLine]
    ) -> ModelReading | None:
        assert self.llm is not None
        if not self.llm.available:
            return None
        return ask_json(self.llm, prompt(message, draft, history), ModelReading, max_tokens=350)

    @staticmethod
    def _answer(
        message: str,
        draft: SetupDraft,
        reply: str,
        source: Literal["llm", "rules"],
        notices: list[str],
        history: Sequence[ChatLine],
    ) -> ChatTurn:
        lines = [
            *history,
            ChatLine(speaker="candidate", text=message),
            ChatLine(speaker="assistant", text=reply),
        ]
        return ChatTurn(draft, reply, source, " ".join(notices) or None, lines[-2 * MAX_TURNS :])


def prompt(message: str, draft: SetupDraft, history: Sequence[ChatLine]) -> list[Message]:
    """The messages the model sees: every piece of candidate text is wrapped as data."""
    form = json.dumps(draft.model_dump(mode="json", exclude_defaults=True))
    recent = "\n".join(f"{line.speaker}: {line.text}" for line in history[-CONTEXT_LINES:])
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {
            "role": "user",
            "content": "\n".join(
                [
                    "The form so far:",
                    as_data("form", form),
                    "The conversation so far:",
                    as_data("conversation", recent or "(none)"),
                    "The candidate's latest message:",
                    as_data("message", message),
                ]
            ),
        },
    ]


def _combine(
    rules: SetupDraft, reading: ModelReading, message: str, vocabulary: frozenset[str]
) -> SetupDraft:
    """The rules' draft with the model's valid, non-empty choices on top."""
    valid: dict[str, Collection[str]] = {
        "role": ROLES,
        "level": set(Level),
        "interview_type": set(CHAT_TYPES),
        "difficulty": set(Difficulty),
        "persona": set(Persona),
    }
    chosen: dict[str, Any] = {
        field: getattr(reading, field)
        for field, allowed in valid.items()
        if getattr(reading, field) in allowed
    }
    if 1 <= reading.question_count <= 15:
        chosen["question_count"] = reading.question_count
    company = " ".join(reading.company.split())[:120].rstrip(".'-")
    if company and company.lower() in message.lower():  # a company the candidate named, only
        chosen["company"] = company
    named = [t.strip().lower() for t in reading.technologies if t.strip().lower() in vocabulary]
    chosen["technologies"] = list(dict.fromkeys([*rules.technologies, *named]))[:MAX_TECHNOLOGIES]
    return SetupDraft.model_validate({**rules.model_dump(), **chosen})
