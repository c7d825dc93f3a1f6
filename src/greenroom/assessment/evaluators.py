"""Evaluators: small functions of (question, answer, measurements) that return Evidence.

Each one measures a single thing and says what it rests on. Weights live here, beside the
measurement they weigh, and are collected in docs/scoring.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from greenroom.assessment.evidence import Evidence, clamp, ramp
from greenroom.assessment.text import (
    BUZZ,
    FILLERS,
    FIRST_PERSON,
    HEDGES,
    NUMBER,
    TEAM,
    first_sentence_with,
    last_sentence_with,
    sentences,
    words,
)
from greenroom.questions.matcher import Coverage, KeyPointMatch


@dataclass(frozen=True)
class QuestionView:
    """What the evaluators need to know about a question, from the bank or from a caller."""

    text: str
    type: str = "technical"  # behavioural | technical | system_design
    key_points: tuple[str, ...] = ()
    model_answer: str = ""
    answer_time_s: int = 150
    topics: tuple[str, ...] = ()
    technologies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Measurements:
    """Figures measured outside the text: timings now, delivery from voice and camera later."""

    started_after_s: float | None = None
    answered_after_s: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def coverage(matches: list[KeyPointMatch]) -> Evidence:
    covered = [m for m in matches if m.coverage == Coverage.COVERED]
    partial = [m for m in matches if m.coverage == Coverage.PARTIAL]
    score = (len(covered) + 0.5 * len(partial)) / len(matches)
    return Evidence(
        "coverage",
        score,
        1.0,
        f"Covered {len(covered)} of {len(matches)} key points"
        + (f", partly {len(partial)} more." if partial else "."),
        tuple(m.quote for m in covered + partial if m.quote)[:5],
        {
            "covered": len(covered),
            "partial": len(partial),
            "missed": len(matches) - len(covered) - len(partial),
            "key_points": len(matches),
        },
    )


def relevance(similarity: float) -> Evidence:
    score = ramp(similarity, 0.15, 0.55)
    words_ = (
        "on the question"
        if score >= 0.6
        else "partly on the question"
        if score >= 0.25
        else "mostly about something else"
    )
    return Evidence(
        "relevance",
        score,
        1.0,
        f"The answer is {words_}.",
        figures={"similarity": round(similarity, 3)},
    )


@cache
def _technology_pattern(technologies: tuple[str, ...]) -> re.Pattern[str]:
    names = sorted(
        {t.replace("-", "[- ]?") for t in technologies if len(t) > 1}, key=len, reverse=True
    )
    return (
        re.compile(r"\b(" + "|".join(names) + r")\b", re.IGNORECASE)
        if names
        else re.compile(r"(?!x)x")
    )


ACTION = re.compile(
    r"\bI\s+(?:then\s+|also\s+|first\s+|personally\s+)?(built|wrote|created|led|designed|set up|"
    r"measured|added|removed|fixed|migrated|introduced|proposed|analysed|analyzed|implemented|"
    r"automated|reduced|cut|shipped|deployed|refactored|profiled|tested|ran|ran|organised|"
    r"organized|scheduled|negotiated|interviewed|mentored|reviewed|traced|found|replaced|"
    r"rewrote|split|moved|configured|monitored|spoke|talked|asked|decided|convinced|wrote up|"
    r"documented|prioritised|prioritized|escalated|owned|drove|coached|hired|launched|started)\b",
    re.IGNORECASE,
)


def specificity(answer: str, known_technologies: tuple[str, ...]) -> Evidence:
    count = len(words(answer))
    numbers = [m.group(0) for m in NUMBER.finditer(answer)]
    techs = sorted(
        {m.group(0).lower() for m in _technology_pattern(known_technologies).finditer(answer)}
    )
    actions = sorted({m.group(0) for m in ACTION.finditer(answer)})
    items = len(numbers) + len(techs) + len(actions)
    expected = max(3.0, count / 40)
    score = clamp(items / expected)
    quotes = (
        tuple(
            dict.fromkeys(
                first_sentence_with(re.compile(re.escape(x), re.IGNORECASE), answer)
                for x in (numbers[:2] + actions[:2])
            )
        )
        if items
        else ()
    )
    return Evidence(
        "specificity",
        score,
        1.0,
        f"{len(numbers)} figures, {len(techs)} named technologies, {len(actions)} concrete "
        "actions of your own.",
        tuple(q for q in quotes if q)[:3],
        {"numbers": numbers[:8], "technologies": techs[:8], "actions": actions[:8]},
    )


STAR_CUES = {
    "situation": re.compile(
        r"\b(when i was|at my (?:last|previous|current|first)|in my (?:last|previous|first)|"
        r"last (?:year|quarter|month)|a few (?:years|months) ago|we had|there was|the team was|"
        r"our (?:team|company|product)|i was working|i worked (?:at|on|as)|during)\b",
        re.I,
    ),
    "task": re.compile(
        r"\b(my (?:job|task|role|goal|responsibility) was|i was (?:asked|responsible|tasked)|"
        r"i (?:needed|had) to|the goal was|we needed to|i was in charge|my aim was|"
        r"the problem was|the challenge was)\b",
        re.I,
    ),
    "action": ACTION,
    "result": re.compile(
        r"\d|percent|\bresult|\boutcome|\bimprov|\breduc|\bincreas|\bsaved|\bgrew|\bled to"
        r"|\bin the end|\bas a result|\bafterwards|\blearn|\bachiev|\bdropped|\bwent (?:up|down)"
        r"|\bon time|\bfinally",
        re.I,
    ),
}
TECH_CUES = {
    "definition": re.compile(
        r"\b(is an?|are|means|refers to|is when|is where|is the|stands for|works by)\b", re.I
    ),
    "example": re.compile(
        r"\b(for example|for instance|e\.g\.|such as|like when|in my (?:last|previous|current)|"
        r"we used|i used|once|at my)\b",
        re.I,
    ),
    "trade-offs": re.compile(
        r"\b(trade-?offs?|downside|drawback|however|but the cost|on the other hand|the catch|"
        r"pros and cons|it depends|depends on|at the cost of|versus|vs\.?|instead of|"
        r"the risk|overhead)\b",
        re.I,
    ),
}
DESIGN_CUES = {
    "requirements": re.compile(
        r"\b(requirements?|clarify|first i'?d ask|assume|estimate|scale of|how many|"
        r"per second|users|read-heavy|write-heavy|non-functional|latency target)\b",
        re.I,
    ),
    "components": re.compile(
        r"\b(service|api|database|cache|queue|load balancer|storage|index|worker|gateway|cdn|"
        r"schema|table)\b",
        re.I,
    ),
    "scaling": re.compile(
        r"\b(shard|partition|replica|replicat|horizontal|scale out|scale|cache|"
        r"bottleneck|throughput|fan-?out)\b",
        re.I,
    ),
    "trade-offs": TECH_CUES["trade-offs"],
}


def structure(answer: str, question_type: str) -> Evidence:
    """STAR for stories; definition, example and trade-offs for technical answers; requirements,
    components, scaling and trade-offs for designs. Each part found is quoted."""
    cues = {"behavioural": STAR_CUES, "system_design": DESIGN_CUES}.get(question_type, TECH_CUES)
    # An outcome comes at the end of a story: quote the last sentence that gives one.
    found = {
        part: (last_sentence_with if part == "result" else first_sentence_with)(pattern, answer)
        for part, pattern in cues.items()
    }
    present = [part for part, quote in found.items() if quote]
    missing = [part for part in cues if part not in present]
    name = {"behavioural": "STAR", "system_design": "design"}.get(question_type, "explanation")
    summary = f"{name} structure: {len(present)} of {len(cues)} parts"
    summary += f" (missing: {', '.join(missing)})." if missing else " (all present)."
    return Evidence(
        "structure",
        len(present) / len(cues),
        1.0,
        summary,
        tuple(found[p] for p in present)[:4],
        {"present": present, "missing": missing, "frame": name},
    )


def ownership(answer: str) -> Evidence:
    own, team = len(FIRST_PERSON.findall(answer)), len(TEAM.findall(answer))
    if own + team == 0:
        return Evidence(
            "ownership",
            None,
            0.0,
            "No 'I' or 'we' to judge ownership by.",
            figures={"i": 0, "we": 0},
        )
    score = own / (own + team)
    summary = f"'I' {own} times, 'we' {team} times: " + (
        "your own part is clear." if score >= 0.5 else "your own part is unclear."
    )
    quote = (
        first_sentence_with(TEAM, answer)
        if score < 0.5
        else first_sentence_with(FIRST_PERSON, answer)
    )
    return Evidence(
        "ownership", score, 1.0, summary, (quote,) if quote else (), {"i": own, "we": team}
    )


def _word_rate(
    dimension: str,
    pattern: re.Pattern[str],
    answer: str,
    *,
    fine_at: float,
    poor_at: float,
    weight: float,
    noun: str,
    advice: str = "",
) -> Evidence:
    """Matches of `pattern` per 100 words: score 1 up to `fine_at`, 0 from `poor_at`."""
    count = len(words(answer)) or 1
    found = [m.group(0) for m in pattern.finditer(answer)]
    per_100 = 100 * len(found) / count
    score = 1 - ramp(per_100, fine_at, poor_at)
    quote = first_sentence_with(pattern, answer) if found else ""
    return Evidence(
        dimension,
        score,
        weight,
        f"{len(found)} {noun} ({per_100:.1f} per 100 words)"
        + (f": {advice}" if advice and score < 0.7 else "."),
        (quote,) if quote else (),
        {
            "count": len(found),
            "per_100_words": round(per_100, 1),
            "words": sorted({w.lower() for w in found})[:10],
        },
    )


def hedging(answer: str) -> Evidence:
    return _word_rate(
        "hedging",
        HEDGES,
        answer,
        fine_at=1.0,
        poor_at=6.0,
        weight=1.0,
        noun="hedging words",
        advice="commit to what you know.",
    )


def fillers(answer: str) -> Evidence:
    return _word_rate(
        "fillers",
        FILLERS,
        answer,
        fine_at=1.0,
        poor_at=5.0,
        weight=0.5,
        noun="filler words in the text",
    )


def generic_language(answer: str) -> Evidence:
    """Stock phrases per 100 words: confident wording that commits to nothing checkable."""
    return _word_rate(
        "generic_language",
        BUZZ,
        answer,
        fine_at=2.0,
        poor_at=9.0,
        weight=1.0,
        noun="stock phrases",
        advice="say what you did or would do, concretely.",
    )


def depth(answer: str, answer_time_s: int) -> Evidence:
    """Enough words to develop the answer, against the question's suggested time."""
    count = len(words(answer))
    target = int(min(300, max(60, answer_time_s * 0.9)))
    if count < target * 0.5:
        verdict = "short for this question"
    elif count > target * 3:
        verdict = "very long: an interviewer would want it tighter"
    else:
        verdict = "enough to develop the answer"
    return Evidence(
        "depth",
        ramp(count, 15, target),
        0.3,
        f"{count} words: {verdict} (about {target} expected).",
        figures={"words": count, "target_words": target, "sentences": len(sentences(answer))},
    )


def timing(measurements: Measurements, answer_time_s: int) -> list[Evidence]:
    """How long it took to start and to finish, against the suggested time (information)."""
    evidence = []
    if measurements.started_after_s is not None:
        evidence.append(
            Evidence(
                "time_to_start",
                None,
                0.0,
                f"Started answering after {measurements.started_after_s:.0f} s.",
                figures={"seconds": measurements.started_after_s},
            )
        )
    if measurements.answered_after_s is not None:
        ratio = measurements.answered_after_s / max(1, answer_time_s)
        evidence.append(
            Evidence(
                "time_taken",
                None,
                0.0,
                f"Took {measurements.answered_after_s:.0f} s of a suggested {answer_time_s} s.",
                figures={
                    "seconds": measurements.answered_after_s,
                    "suggested_s": answer_time_s,
                    "ratio": round(ratio, 2),
                },
            )
        )
    return evidence
