"""The coach without a language model: replies built from the report's evidence and help texts.

The message is read for what it asks (why a question scored low, what to practise, strengths,
progress, what a term means) and answered only with what the report holds. The candidate's
message is never repeated back, so nothing in it can steer the reply.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum
from statistics import mean
from typing import Any

from greenroom.coach.context import PastInterview, label, question_of, refs_in, shorten
from greenroom.coach.glossary import TERMS, Term, by_dimension, find_term

NO_MODEL_NOTE = "No language model is configured, so this comes from your report's evidence."
UNAVAILABLE_NOTE = "The AI coach is unavailable right now; this comes from your report's evidence."

Report = dict[str, Any]


class Intent(StrEnum):
    WHY_LOW = "why_low"
    TERM = "term"
    PROGRESS = "progress"
    STRENGTHS = "strengths"
    PRACTICE = "practice"
    HELP = "help"


_WHY = re.compile(r"\bwhy\b|\bhow come\b|\bwhat went wrong\b|\bwhere did i lose\b")
_LOW = re.compile(
    r"\b(low|lower|lowest|poor|poorly|bad|badly|weak|weaker|weakest|worst|lose|lost|fail|failed"
    r"|wrong|miss|missed|missing|not higher|only)\b"
)
_DEFINE = re.compile(
    r"\bwhat(?:'s| is| are| does| do)\b|\bmean(?:s|ing|t)?\b|\bdefin|\bexplain\b"
    r"|\bhow (?:is|are) .*\b(?:calculated|measured|computed|scored)\b"
)
_PROGRESS = re.compile(
    r"\bprogress|\bimproved\b|\bimproving\b|\bgetting better\b|\bover time\b|\bhistory\b"
    r"|\btrend|\bprevious\b|\blast time\b|\bearlier interviews?\b|\bcompared?\b"
)
_STRENGTHS = re.compile(
    r"\bstrength|\bstrong\b|\bstrongest\b|\bgood at\b|\bdid (?:i do )?well\b|\bwent well\b"
    r"|\bbest\b"
)
_PRACTICE = re.compile(
    r"\bpracti[cs]e|\bexercise|\bimprove\b|\bwork on\b|\bnext\b|\bprepare|\bdrill|\bstudy"
    r"|\bfocus\b|\bget better\b|\btrain"
)
_NUMBERED = (
    re.compile(r"\bq\s?(\d{1,2})\b"),
    re.compile(r"\bquestion\s*(?:#|no\.?\s*|number\s*)?(\d{1,2})\b"),
    re.compile(r"#(\d{1,2})\b"),
)
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
_ORDINAL = re.compile(rf"\b({'|'.join(_ORDINALS)}|last)\s+(?:question|answer|one)\b")
_WORD = re.compile(r"[a-z][a-z'-]{5,}")  # words long enough to tell questions apart
# Words too common in questions about any answer to tell which question is meant.
_COMMON_WORDS = (
    "question questions answer answers score scored about would could should which their there "
    "where these those think really explain"
)
_COMMON = frozenset(_COMMON_WORDS.split())


def rules_reply(
    question_text: str,
    report: Report,
    history: Sequence[PastInterview],
    *,
    note: str = NO_MODEL_NOTE,
) -> tuple[str, list[int]]:
    """A reply to `question_text` from the report alone: the text, opening with `note`, and
    the question numbers it names."""
    intent, number = read_intent(question_text, report)
    term = find_term(question_text)
    if intent == Intent.WHY_LOW:
        body = _why_low(report, number, term)
    elif intent == Intent.TERM:
        assert term is not None
        body = _term(report, term)
    elif intent == Intent.PROGRESS:
        body = _progress(report, history)
    elif intent == Intent.STRENGTHS:
        body = _strengths(report)
    elif intent == Intent.PRACTICE:
        body = _practice(report, term)
    else:
        body = _help(report)
    text = f"{note}\n\n{body}"
    return text, refs_in(text, (q["number"] for q in report.get("questions", [])))


def read_intent(message: str, report: Report) -> tuple[Intent, int | None]:
    """What the message asks, and the report question it names (by number, order or words)."""
    lowered = message.lower()
    number = referenced_question(lowered, report)
    term = find_term(lowered)
    low = bool(_LOW.search(lowered))
    # The first that holds wins: "why did Q2 score low?" before "what does coverage mean?".
    checks = (
        (
            bool(_WHY.search(lowered)) and (low or number is not None or "score" in lowered),
            Intent.WHY_LOW,
        ),
        (term is not None and bool(_DEFINE.search(lowered)), Intent.TERM),
        (number is not None, Intent.WHY_LOW),
        (bool(_PROGRESS.search(lowered)), Intent.PROGRESS),
        (bool(_PRACTICE.search(lowered)), Intent.PRACTICE),
        (bool(_STRENGTHS.search(lowered)), Intent.STRENGTHS),
        (low, Intent.WHY_LOW),
        (term is not None, Intent.TERM),
    )
    intent = next((intent for matched, intent in checks if matched), Intent.HELP)
    return intent, number


def referenced_question(lowered: str, report: Report) -> int | None:
    """The report question a message names: "Q2", "question 2", "the second one", or enough
    of its words; None when it names none that exists."""
    questions = report.get("questions", [])
    numbers = [q["number"] for q in questions]
    for pattern in _NUMBERED:
        if (match := pattern.search(lowered)) and int(match.group(1)) in numbers:
            return int(match.group(1))
    if match := _ORDINAL.search(lowered):
        word = match.group(1)
        number = numbers[-1] if word == "last" and numbers else _ORDINALS.index(word) + 1
        return number if number in numbers else None
    said = set(_WORD.findall(lowered)) - _COMMON
    overlaps = sorted(
        ((len(said & set(_WORD.findall(q["question"].lower()))), q["number"]) for q in questions),
        reverse=True,
    )
    if overlaps and overlaps[0][0] and (len(overlaps) == 1 or overlaps[1][0] < overlaps[0][0]):
        return int(overlaps[0][1])
    return None


# --- the replies ------------------------------------------------------------------------------
def _answered(report: Report) -> list[dict[str, Any]]:
    return [q for q in report.get("questions", []) if q.get("answered")]


def _dimension_name(dimension: str) -> str:
    term = by_dimension(dimension)
    return term.name.lower() if term else dimension.replace("_", " ")


def _with_labels(text: str, report: Report) -> str:
    """The report's "Question 2" written as the coach's label for it."""

    def named(match: re.Match[str]) -> str:
        question = question_of(report, int(match.group(1)))
        return label(question) if question else match.group(0)

    return re.sub(r"\bQuestion (\d+)\b", named, text)


def _evidence(question: dict[str, Any], dimension: str) -> dict[str, Any] | None:
    return next((e for e in question.get("evidence", []) if e["dimension"] == dimension), None)


def _lowest_on(report: Report, dimension: str) -> dict[str, Any] | None:
    scored = [q for q in _answered(report) if dimension in q.get("sub_scores", {})]
    return min(scored, key=lambda q: q["sub_scores"][dimension]) if scored else None


def _why_low(report: Report, number: int | None, term: Term | None) -> str:
    answered = _answered(report)
    if number is None and term is not None and term.dimension:
        target = _lowest_on(report, term.dimension)
        number = target["number"] if target else None
    if number is None:
        if not answered:
            return (
                "No question was answered in this interview, so there is no evidence to explain "
                "a score with. Retake it and answer each question, even briefly."
            )
        number = min(answered, key=lambda q: q["score"])["number"]
    question = question_of(report, number)
    assert question is not None
    if not question.get("answered"):
        return (
            f"{label(question)} was not answered, so it scored 0 and nothing was invented for "
            "it. Answer every question, even briefly: a partial answer earns credit for each key "
            "point it makes."
        )
    lines = [f"{label(question)} scored {question['score']}/100."]
    lines += [f"A check flagged it: {g['reason']}" for g in question.get("guards", [])]
    lines += _weakest_evidence(question, term.dimension if term else None)
    lines += _key_point_lines(question)
    lines.append(
        f"Next: open {label(question)} in the report, read 'A stronger answer', then answer it "
        "again aloud in about two minutes, making each missed point in your own words."
    )
    return "\n".join(lines)


def _weakest_evidence(question: dict[str, Any], first: str | None) -> list[str]:
    """The lowest sub-scores with the evidence behind them (the asked-about one first)."""
    sub_scores: dict[str, int] = question.get("sub_scores", {})
    order = sorted(sub_scores, key=lambda d: sub_scores[d])
    picked = [d for d in order if sub_scores[d] < 70][:2]
    if first in sub_scores:
        picked = [first, *[d for d in picked if d != first]][:2]
    if not picked:
        return ["Every sub-score is 70 or more: what held it back most was small differences."]
    lines = ["What held it back most:"]
    for dimension in picked:
        evidence = _evidence(question, dimension)
        line = f"- {_dimension_name(dimension).capitalize()} {sub_scores[dimension]}/100"
        if evidence:
            line += f": {evidence['summary']}"
            if evidence.get("quotes") and dimension != "coverage":
                line += f' You wrote: "{shorten(evidence["quotes"][0], 160)}"'
        lines.append(line)
    return lines


def _key_point_lines(question: dict[str, Any]) -> list[str]:
    missed = [kp for kp in question.get("key_points", []) if kp["coverage"] == "missed"]
    partial = [kp for kp in question.get("key_points", []) if kp["coverage"] == "partial"]
    lines = []
    if missed:
        lines.append("Key points you missed:")
        for kp in missed:
            line = f"- {kp['point']}"
            if kp.get("model_answer_part"):
                line += f' (a strong answer says: "{shorten(kp["model_answer_part"], 200)}")'
            lines.append(line)
    if partial:
        lines.append("Partly covered: " + "; ".join(kp["point"] for kp in partial) + ".")
    if question.get("key_points") and not missed and not partial:
        lines.append("You covered every key point.")
    return lines


def _term(report: Report, term: Term) -> str:
    lines = [f"{term.name}: {term.meaning}"]
    if term.dimension and (lowest := _lowest_on(report, term.dimension)):
        values = [
            q["sub_scores"][term.dimension]
            for q in _answered(report)
            if term.dimension in q.get("sub_scores", {})
        ]
        lines.append(
            f"In this interview your {_dimension_name(term.dimension)} averaged "
            f"{round(mean(values))}/100; lowest on {label(lowest)} "
            f"({lowest['sub_scores'][term.dimension]})."
        )
        if evidence := _evidence(lowest, term.dimension):
            lines.append(f"The evidence there: {evidence['summary']}")
    elif term.name == "Overall score" and report.get("overall") is not None:
        lines.append(f"Yours here is {report['overall']}/100.")
    lines.append(f"To improve: {term.tip}")
    return "\n".join(lines)


def _practice(report: Report, term: Term | None) -> str:
    lines = []
    if term is not None:
        lines.append(f"For {term.name.lower()}: {term.tip}")
    areas = report.get("areas_to_improve", [])
    if areas:
        area = areas[0]
        score = f" ({area['score']}/100)" if area.get("score") is not None else ""
        lines.append(
            f"Your biggest area to improve: {area['title'].lower()}{score}. "
            + _with_labels(area.get("evidence", ""), report)
        )
    plan = report.get("practice_plan", [])
    if plan:
        lines.append("Your practice plan, weakest topic first:")
    for index, item in enumerate(plan, 1):
        line = f"{index}. {item['title']}: {_with_labels(item['why'], report)} {item['exercise']}"
        if item.get("question"):
            line += f' Practice question: "{item["question"]}"'
        lines.append(line)
    if not lines:
        lines.append("The report has no practice plan yet: answer at least one question in full.")
    return "\n".join(lines)


def _strengths(report: Report) -> str:
    strengths = report.get("strengths", [])
    lines = (
        ["What you did well:"]
        if strengths
        else ["No clear strength stands out yet: the evidence is thin or mixed."]
    )
    for strength in strengths:
        lines.append(
            f"- {strength['title']} ({strength['score']}/100). "
            + _with_labels(strength.get("evidence", ""), report)
        )
    answered = _answered(report)
    if answered:
        best = max(answered, key=lambda q: q["score"])
        lines.append(f"Your best answer: {label(best)} at {best['score']}/100.")
    return "\n".join(lines)


def _progress(report: Report, history: Sequence[PastInterview]) -> str:
    overall = report.get("overall")
    now = f"{overall}/100" if overall is not None else "not enough evidence for a score"
    scored = [p for p in history if p.overall is not None]
    if not scored:
        return (
            f"This interview: {now}. There is no earlier finished interview with a score to "
            "compare it with yet. Retake this setup in a few days and ask me again: I will show "
            "the trend across your last five interviews."
        )
    lines = ["Your overall scores, oldest first:"]
    for past in reversed(scored):
        when = past.completed_at.strftime("%Y-%m-%d") if past.completed_at else "undated"
        lines.append(f"- {when}, {past.title}: {past.overall}/100")
    lines.append(f"- this interview: {now}")
    if overall is not None:
        change = overall - (scored[0].overall or 0)
        direction = (
            f"up {change} points on"
            if change > 0
            else f"down {-change} points on"
            if change < 0
            else "level with"
        )
        lines.append(
            f"That is {direction} your previous interview; your earlier average was "
            f"{round(mean(p.overall or 0 for p in scored))}."
        )
    return "\n".join(lines)


def _help(report: Report) -> str:
    terms = ", ".join(term.name if term.name.isupper() else term.name.lower() for term in TERMS)
    lines = [
        "I can answer questions about this report, for example:",
        '- why a question scored low ("Why did my weakest answer score low?")',
        '- what to practise next ("What should I practise?")',
        '- what you did well ("What are my strengths?")',
        '- how you are doing across interviews ("Have I improved?")',
        f"- what a term means: {terms}",
    ]
    answered = _answered(report)
    if answered:
        lowest = min(answered, key=lambda q: q["score"])
        lines.append(f"Your lowest-scoring answer here is {label(lowest)} ({lowest['score']}/100).")
    return "\n".join(lines)
