"""An interview's report (F1-F3, F7): per-question scores with evidence, categories, radar,
overall score, strengths, areas to improve, a practice plan and a stronger answer per question.

Everything here is a pure function of the interview's turns, the bank and the scorer: the same
interview always gives the same report.
"""

from __future__ import annotations

from collections.abc import Callable
from statistics import mean
from typing import Any

from greenroom.assessment import spoken
from greenroom.assessment.evaluators import Measurements, QuestionView
from greenroom.assessment.scoring import RUBRIC_VERSION, AnswerScorer
from greenroom.assessment.stronger import StrongerAnswerWriter
from greenroom.interviews.models import Interview, Turn, TurnKind
from greenroom.questions.bank import BANK_VERSION, Bank
from greenroom.questions.generation import question_in
from greenroom.questions.matcher import Coverage
from greenroom.questions.schemas import Question
from greenroom.speech.delivery import Delivery
from greenroom.speech.delivery_evidence import FILLER_CAVEAT

NOT_ENOUGH = "not enough evidence"
CATEGORY_HELP = {
    "communication": "structure, plain wording, grammar and fillers across your answers",
    "technical_knowledge": "key points covered and relevance in technical and design answers",
    "problem_solving": "structure and concrete steps in technical, debugging and design answers",
    "cultural_fit": "behavioural stories: STAR structure, ownership and results",
    "confidence": "few hedges, your own part stated, and starting without long delays",
}
# Spoken answers add their delivery to two categories (docs/scoring.md, "Delivery").
DELIVERY_CATEGORIES = {
    "communication": ("pace", "pauses", "filler_words_spoken", "loudness", "pitch_variation"),
    "confidence": ("start_delay", "pauses", "loudness"),
}
DELIVERY_HELP = {
    "communication": "and, when spoken, pace, pauses, fillers, steady loudness and pitch variation",
    "confidence": "and, when spoken, a prompt start, few long pauses and a steady voice",
}


def _view(question: Question) -> QuestionView:
    return QuestionView(
        text=question.text,
        type=question.type.value,
        key_points=tuple(kp.point for kp in question.key_points),
        model_answer=question.model_answer,
        answer_time_s=question.answer_time_s,
        topics=question.topics,
        technologies=question.technologies,
    )


def _average(values: list[float]) -> int | None:
    return round(mean(values)) if values else None


def build_report(
    interview: Interview,
    bank: Bank,
    scorer: AnswerScorer,
    progress: Callable[[int], object] | None = None,
    writer: StrongerAnswerWriter | None = None,
) -> dict[str, Any]:
    """The whole report as JSON-ready data; `progress` hears 0..100 as questions are scored.
    With a `writer`, stronger answers are written by a language model where it succeeds."""
    questions = []
    reached = {t.question_index for t in interview.turns if t.kind == TurnKind.QUESTION}
    for index, question_id in enumerate(interview.plan):
        question = bank.get(question_id) or question_in(interview.generated or [], question_id)
        if question is None or index not in reached:
            continue
        questions.append(_question_report(interview, index, question, scorer, writer))
        if progress:
            progress(round(90 * (index + 1) / len(interview.plan)))
    answered = [q for q in questions if q["answered"]]
    categories = _categories(answered)
    report = {
        "interview_id": interview.id,
        "overall": _average([q["score"] for q in questions]) if answered else None,
        "questions": questions,
        "categories": categories,
        "radar": _radar(answered, categories),
        "strengths": _strengths(answered),
        "areas_to_improve": _areas(answered, questions),
        "practice_plan": _practice_plan(interview, bank, questions),
        "rubric_version": RUBRIC_VERSION,
        "bank_version": BANK_VERSION,
        "model_versions": _model_versions(scorer, writer),
    }
    timeline = spoken.timeline(
        [(q["number"], spoken.deliveries(_answers(interview, q["number"] - 1))) for q in answered]
    )
    if timeline:  # voice answers only: a typed interview's report has no such key
        report["delivery_timeline"] = timeline
    report["final_assessment"] = _final_assessment(report)
    return report


def _model_versions(scorer: AnswerScorer, writer: StrongerAnswerWriter | None) -> dict[str, str]:
    versions = {"embeddings": scorer.matcher.embedder.name, "grammar": "harper-py"}
    if scorer.judge is not None:
        versions["judge"] = scorer.judge.name
    if writer is not None:
        versions["stronger_answers"] = writer.name
    return versions


def _question_report(
    interview: Interview,
    index: int,
    question: Question,
    scorer: AnswerScorer,
    writer: StrongerAnswerWriter | None = None,
) -> dict[str, Any]:
    answers = _answers(interview, index)
    follow_ups = [
        t.text
        for t in interview.turns
        if t.kind == TurnKind.FOLLOW_UP and t.question_index == index
    ]
    base = {
        "number": index + 1,
        "question_id": question.id,
        "question": question.text,
        "type": question.type.value,
        "topics": list(question.topics),
        "follow_ups": follow_ups,
        "answers": [t.text for t in answers],
    }
    if not answers:
        return {
            **base,
            "answered": False,
            "score": 0,
            "status": "not answered",
            "sub_scores": {},
            "evidence": [],
            "guards": [],
            "key_points": [],
            "stronger_answer": "",
            "stronger_answer_by": "",
        }
    first = answers[0].meta
    assessment = scorer.assess(
        _view(question),
        "\n".join(t.text for t in answers),
        Measurements(
            started_after_s=first.get("started_after_s"),
            answered_after_s=first.get("answered_after_s"),
        ),
    )
    data = assessment.as_dict()
    missed = [m.point for m in assessment.matches if m.coverage == Coverage.MISSED]
    model_parts = dict(
        zip(missed, scorer.matcher.closest_pieces(question.model_answer, missed), strict=True)
    )
    key_points = [
        {
            **kp,
            "model_answer_part": model_parts.get(kp["point"], "")
            if kp["coverage"] == Coverage.MISSED.value
            else "",
        }
        for kp in data["key_points"]
    ]
    result = {
        **base,
        "answered": True,
        "score": data["score"] or 0,
        "status": "answered",
        "sub_scores": data["sub_scores"],
        "evidence": data["evidence"],
        "guards": data["guards"],
        "key_points": key_points,
        **_stronger(writer, question, assessment.scored_text, key_points, bool(data["guards"])),
    }
    return _with_delivery(result, spoken.deliveries(answers))


def _answers(interview: Interview, index: int) -> list[Turn]:
    return [
        t
        for t in interview.turns
        if t.kind == TurnKind.ANSWER and t.question_index == index and t.text.strip()
    ]


def _with_delivery(result: dict[str, Any], deliveries: list[Delivery]) -> dict[str, Any]:
    """A spoken answer's delivery: its evidence and sub-scores beside the text's (the answer's
    own score is unchanged), and its transcript with highlights."""
    if not deliveries:
        return result
    found = spoken.evidence(deliveries)
    return {
        **result,
        "sub_scores": {
            **result["sub_scores"],
            **{e.dimension: round(100 * e.score) for e in found if e.score is not None},
        },
        "evidence": result["evidence"] + [e.as_dict() for e in found],
        "delivery": {
            "answers": spoken.transcripts(result["number"], deliveries),
            "note": FILLER_CAVEAT,
        },
    }


def _stronger(
    writer: StrongerAnswerWriter | None,
    question: Question,
    answer: str,
    key_points: list[dict[str, Any]],
    guarded: bool,
) -> dict[str, str]:
    """F7 by the language model when there is one and the answer is not guarded, else by rules."""
    if writer is not None and not guarded and answer.strip():
        missed = [kp["point"] for kp in key_points if kp["coverage"] == Coverage.MISSED.value]
        written = writer.write(question.text, answer, missed, question.model_answer)
        if written:
            return {"stronger_answer": written, "stronger_answer_by": "language model"}
    return {"stronger_answer": _stronger_answer(key_points, guarded), "stronger_answer_by": "rules"}


def _stronger_answer(key_points: list[dict[str, Any]], guarded: bool) -> str:
    """F7 without a language model: your own sentences that made a point, in the rubric's order,
    plus the model answer's sentence for each point you missed."""
    parts = []
    for kp in key_points:
        own = kp["quote"] if kp["coverage"] != Coverage.MISSED.value and not guarded else ""
        parts.append(own or kp["model_answer_part"] or kp["point"])
    return " ".join(dict.fromkeys(p.strip() for p in parts if p.strip()))


def _sub(
    questions: list[dict[str, Any]],
    dimension: str,
    types: set[str] | None = None,
    *,
    on_topic: bool = False,
) -> list[float]:
    """A sub-score across questions; with `on_topic`, scaled by each answer's relevance, so an
    answer to another question earns no knowledge or problem-solving credit."""
    values = []
    for q in questions:
        if dimension in q["sub_scores"] and (types is None or q["type"] in types):
            scale = q["sub_scores"].get("relevance", 0) / 100 if on_topic else 1.0
            values.append(q["sub_scores"][dimension] * scale)
    return values


def _categories(answered: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    technical = {"technical", "system_design"}
    values = {
        "communication": _sub(answered, "structure")
        + _sub(answered, "grammar")
        + _sub(answered, "generic_language")
        + _sub(answered, "fillers"),
        "technical_knowledge": _sub(answered, "coverage", technical, on_topic=True)
        + _sub(answered, "relevance", technical),
        "problem_solving": _sub(answered, "structure", technical, on_topic=True)
        + _sub(answered, "specificity", technical, on_topic=True),
        "cultural_fit": [q["score"] for q in answered if q["type"] == "behavioural"],
        "confidence": _sub(answered, "hedging") + _sub(answered, "ownership"),
    }
    measures = dict(CATEGORY_HELP)
    for name, dimensions in DELIVERY_CATEGORIES.items():
        delivered = [v for d in dimensions for v in _sub(answered, d)]
        if delivered:
            values[name] += delivered
            measures[name] = f"{measures[name]}, {DELIVERY_HELP[name]}"
    return {
        name: {
            "score": _average(v),
            "evidence": len(v),
            "measures": measures[name],
            "status": "scored" if v else NOT_ENOUGH,
        }
        for name, v in values.items()
    }


def _radar(
    answered: list[dict[str, Any]], categories: dict[str, dict[str, Any]]
) -> dict[str, int | None]:
    speed = []
    for q in answered:
        taken = next((e for e in q["evidence"] if e["dimension"] == "time_taken"), None)
        if taken and q["type"] != "behavioural":
            speed.append(max(0.0, min(100.0, 100 * (1.5 - taken["figures"]["ratio"]))))
    return {
        "technical_accuracy": categories["technical_knowledge"]["score"],
        "problem_solving_speed": _average(speed),
        "communication_clarity": categories["communication"]["score"],
        "behavioural_answer_quality": categories["cultural_fit"]["score"],
        "soft_skills": _average(_sub(answered, "ownership") + _sub(answered, "hedging")),
        "domain_knowledge": _average(_sub(answered, "coverage")),
    }


DIMENSION_NAMES = {
    "coverage": "covering the key points",
    "relevance": "staying on the question",
    "specificity": "concrete figures, tools and actions",
    "structure": "a clear structure",
    "ownership": "saying what you did yourself",
    "depth": "developing the answer",
    "generic_language": "plain, concrete wording",
    "hedging": "committing to your answers",
    "grammar": "correct grammar",
    "fillers": "few filler words",
    "pace": "a comfortable speaking pace",
    "pauses": "pausing without losing the thread",
    "filler_words_spoken": "few spoken fillers",
    "loudness": "a steady voice level",
    "pitch_variation": "a lively voice (pitch variation)",
    "start_delay": "starting promptly",
}


def _dimension_means(answered: list[dict[str, Any]]) -> dict[str, float]:
    names = {d for q in answered for d in q["sub_scores"]}
    return {d: mean(_sub(answered, d)) for d in names if d in DIMENSION_NAMES}


def _strengths(answered: list[dict[str, Any]]) -> list[dict[str, Any]]:
    means = _dimension_means(answered)
    best = sorted((d for d in means if means[d] >= 70), key=lambda d: -means[d])[:3]
    return [
        {
            "dimension": d,
            "title": DIMENSION_NAMES[d].capitalize(),
            "score": round(means[d]),
            "evidence": _example(answered, d, highest=True),
        }
        for d in best
    ]


def _areas(answered: list[dict[str, Any]], questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    means = _dimension_means(answered)
    worst = sorted((d for d in means if means[d] < 60), key=lambda d: means[d])[:3]
    areas = [
        {
            "dimension": d,
            "title": DIMENSION_NAMES[d].capitalize(),
            "score": round(means[d]),
            "evidence": _example(answered, d, highest=False),
        }
        for d in worst
    ]
    unanswered = [q["number"] for q in questions if not q["answered"]]
    if unanswered:
        areas.insert(
            0,
            {
                "dimension": "answered",
                "title": "Answering every question",
                "score": None,
                "evidence": f"Not answered: question {', '.join(map(str, unanswered))}.",
            },
        )
    return areas


def _example(answered: list[dict[str, Any]], dimension: str, *, highest: bool) -> str:
    scored = [q for q in answered if dimension in q["sub_scores"]]
    if not scored:
        return ""
    pick = (max if highest else min)(scored, key=lambda q: q["sub_scores"][dimension])
    evidence = next(e for e in pick["evidence"] if e["dimension"] == dimension)
    quote = f' "{evidence["quotes"][0]}"' if evidence["quotes"] else ""
    return f"Question {pick['number']}: {evidence['summary']}{quote}"


def _practice_plan(
    interview: Interview, bank: Bank, questions: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """3-5 exercises on the weakest topics, each a bank question not asked in this interview."""
    weakest = sorted(questions, key=lambda q: q["score"])[:3]
    plan, used = [], set(interview.plan)
    for q in weakest:
        missed = [kp["point"] for kp in q["key_points"] if kp["coverage"] == "missed"]
        topic = q["topics"][0] if q["topics"] else q["type"]
        practice = next(
            (
                b
                for b in bank.questions
                if topic in b.topics and b.id not in used and interview.role in b.roles
            ),
            None,
        )
        if practice is not None:
            used.add(practice.id)
        plan.append(
            {
                "title": f"Revisit {topic.replace('-', ' ')}",
                "why": f"Question {q['number']} scored {q['score']}"
                + (f"; it missed: {missed[0]}" if missed else "."),
                "exercise": "Answer this question aloud in about "
                f"{(practice.answer_time_s if practice else 120) // 60} minutes, then compare with "
                "the key points."
                if practice
                else "Retake this interview and answer in full.",
                "question_id": practice.id if practice else q["question_id"],
                "question": practice.text if practice else q["question"],
            }
        )
    if len(plan) < 3:
        plan.append(
            {
                "title": "Retake the same setup",
                "why": "Practice makes the structure automatic.",
                "exercise": "Retake this interview next week and compare.",
                "question_id": "",
                "question": "",
            }
        )
    return plan[:5]


def _final_assessment(report: dict[str, Any]) -> str:
    overall = report["overall"]
    if overall is None:
        return (
            "There is not enough evidence for a score: no question was answered. Answer at "
            "least one question in full to get feedback."
        )
    level = (
        "a strong performance"
        if overall >= 75
        else "a solid performance"
        if overall >= 60
        else "a developing performance"
        if overall >= 40
        else "an early-stage performance"
    )
    answered = sum(1 for q in report["questions"] if q["answered"])
    total = len(report["questions"])
    strength = report["strengths"][0]["title"].lower() if report["strengths"] else ""
    area = next((a["title"].lower() for a in report["areas_to_improve"]), "")
    sentence = f"Overall {overall}/100 on {answered} of {total} questions: {level}."
    if strength:
        sentence += f" Your best habit here: {strength}."
    if area:
        sentence += f" Work next on {area}."
    return sentence
