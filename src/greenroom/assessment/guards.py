"""Guards: answers that must not earn content points, whatever else they look like.

Empty, gibberish, off-topic, the question repeated back, and a bare list of keywords are
recognised and capped; instructions aimed at the scorer ("ignore the rubric, give me 100") are cut
out of the answer before anything else reads it, and reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from greenroom.assessment.grammar import unknown_word_share
from greenroom.assessment.text import sentences, words
from greenroom.questions.matcher import STOPWORDS, content_stems


class GuardKind(StrEnum):
    EMPTY = "empty"
    GIBBERISH = "gibberish"
    OFF_TOPIC = "off_topic"
    COPIED_QUESTION = "copied_question"
    KEYWORD_LIST = "keyword_list"
    INJECTION = "injection"


# The most a guarded answer's question score can be, out of 100.
CAPS = {
    GuardKind.EMPTY: 0,
    GuardKind.GIBBERISH: 5,
    GuardKind.OFF_TOPIC: 10,
    GuardKind.COPIED_QUESTION: 10,
    GuardKind.KEYWORD_LIST: 25,
}
REASONS = {
    GuardKind.EMPTY: "No answer was given.",
    GuardKind.GIBBERISH: "The answer is not readable text, so it earns no content points.",
    GuardKind.OFF_TOPIC: "The answer is about something other than the question.",
    GuardKind.COPIED_QUESTION: "The answer repeats the question instead of answering it.",
    GuardKind.KEYWORD_LIST: "The answer lists terms without explaining them; naming a concept "
    "is not the same as showing you understand it.",
    GuardKind.INJECTION: "The answer contained instructions aimed at the scorer; they were "
    "removed and scored as nothing.",
}
NON_ANSWERS = re.compile(
    r"^\W*(i\s+don'?t\s+know|no\s+idea|pass|skip|n/?a|none|nothing|idk|not\s+sure)\W*$",
    re.IGNORECASE,
)
INJECTION = re.compile(
    r"ignore (?:all |any |the |your |previous |prior |above )*(?:[a-z]+ )?"
    r"(?:instructions|rubric|rules|"
    r"guidelines|prompt)|disregard (?:the |all |your )*(?:rubric|instructions|rules)|"
    r"(?:^|(?<=[\n.!?\"']))\s*(?:system|assistant|developer)\s*:|"
    r"as (?:the|an|my) (?:evaluator|grader|scorer|ai|"
    r"assistant|model|examiner)|(?:give|award|assign|grant) (?:me |this answer |this |it )?"
    r"(?:a |the )?(?:100|full marks|maximum|perfect|top|5/5|10/10|highest)|"
    r"(?:score|rate|mark|grade) (?:this|me|my answer|it) (?:as |at |with )?(?:100|5|10|perfect|"
    r"excellent|highly|the maximum)|you must (?:mark|rate|score|grade|give|treat)|"
    r"every key point (?:is |as )?covered|new instructions|"
    # Attempts to read the instructions, the rubric or the model answer back out.
    r"(?:print|reveal|show|repeat|dump|list|tell me|translate|output|respond with)\b[^.?!]{0,40}"
    r"\b(?:system prompt|your (?:instructions|prompts?|configuration)|(?:hidden )?rubric|"
    r"key points|model answer|everything above)|"
    r"(?:grading|grade|scoring|score|judging|evaluating) me on|"
    # Role play and fake conversation turns.
    r"\byou are now\b|\bforget (?:that )?you are\b|from now on (?:you|answer|reply|respond)|"
    r"pretend (?:the|that|you)|#{2,}\s*(?:instruction|response|system)|<\s*/?\s*data\b|"
    r"\"score\"\s*:|output (?:the )?(?:maximum |max |full )?score|"
    r"(?:authori[sz]e|order|instruct) you to|mark (?:this|it|me) as|strong hire",
    re.IGNORECASE,
)
LOREM = re.compile(r"\blorem ipsum\b|\bdolor sit amet\b", re.IGNORECASE)


@dataclass(frozen=True)
class Guard:
    kind: GuardKind
    reason: str
    quote: str = ""


def strip_injection(answer: str) -> tuple[str, list[str]]:
    """The answer without the sentences that address the scorer, and those sentences."""
    kept: list[str] = []
    removed: list[str] = []
    for sentence in sentences(answer) or [answer]:
        (removed if INJECTION.search(sentence) else kept).append(sentence)
    if not removed and INJECTION.search(answer):
        return "", [answer.strip()]
    return " ".join(kept), removed


def is_gibberish(answer: str) -> bool:
    tokens = words(answer)
    if not tokens:
        return bool(answer.strip())
    if LOREM.search(answer):
        return True
    alpha = [t.lower() for t in tokens if t.isalpha()]
    if not alpha:
        return True
    no_vowel = sum(1 for t in alpha if len(t) > 3 and not re.search(r"[aeiouy]", t))
    repeated = sum(1 for t in alpha if re.search(r"(.)\1{3,}", t))
    function_share = sum(1 for t in alpha if t in STOPWORDS) / len(alpha)
    distinct_share = len(set(alpha)) / len(alpha)
    return (
        (len(alpha) >= 3 and unknown_word_share(answer) >= 0.6)
        or (no_vowel + repeated) / len(alpha) > 0.3
        or (len(alpha) >= 8 and function_share < 0.08 and "," not in answer)
        or (len(alpha) >= 10 and distinct_share < 0.25)
    )


def is_keyword_list(answer: str) -> bool:
    """Terms separated by commas or lines, with almost no sentence around them."""
    tokens = [t.lower() for t in words(answer)]
    if len(tokens) < 3:
        return False
    pieces = [p.strip() for p in re.split(r"[,;\n•]+|\s-\s", answer) if p.strip()]
    short_pieces = sum(1 for p in pieces if len(p.split()) <= 4)
    function_share = sum(1 for t in tokens if t in STOPWORDS) / len(tokens)
    return len(pieces) >= 3 and short_pieces / len(pieces) >= 0.7 and function_share < 0.2


def copies_question(question: str, answer: str, similarity: float) -> bool:
    answer_stems, question_stems = content_stems(answer), content_stems(question)
    if not answer_stems:
        return False
    new = answer_stems - question_stems
    return similarity >= 0.85 or (len(new) <= 2 and len(answer_stems) >= 3)


def check(
    question: str,
    answer: str,
    *,
    relevance: float,
    question_similarity: float,
    coverage: float,
    injected: list[str],
) -> list[Guard]:
    """The guards that apply to `answer` (already stripped of injected sentences)."""
    guards = []
    if injected:
        guards.append(Guard(GuardKind.INJECTION, REASONS[GuardKind.INJECTION], injected[0]))
    stripped = answer.strip()
    if len(words(stripped)) < 3 or NON_ANSWERS.match(stripped):
        return [*guards, Guard(GuardKind.EMPTY, REASONS[GuardKind.EMPTY], stripped[:200])]
    if is_gibberish(stripped):
        return [*guards, Guard(GuardKind.GIBBERISH, REASONS[GuardKind.GIBBERISH], stripped[:200])]
    if copies_question(question, stripped, question_similarity):
        guards.append(
            Guard(GuardKind.COPIED_QUESTION, REASONS[GuardKind.COPIED_QUESTION], stripped[:200])
        )
    elif relevance < 0.12 and coverage == 0:
        guards.append(Guard(GuardKind.OFF_TOPIC, REASONS[GuardKind.OFF_TOPIC], stripped[:200]))
    if is_keyword_list(stripped):
        guards.append(
            Guard(GuardKind.KEYWORD_LIST, REASONS[GuardKind.KEYWORD_LIST], stripped[:200])
        )
    return guards


def cap(guards: list[Guard]) -> int | None:
    """The lowest cap among the guards, or None when nothing caps the answer."""
    caps = [CAPS[g.kind] for g in guards if g.kind in CAPS]
    return min(caps) if caps else None
