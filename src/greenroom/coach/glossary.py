"""The coach's help texts: what each term on the report means and how to improve it.

Kept in one place so the rules path and the language model's context say the same thing.
`dimension` is the report's sub-score a term explains, when it is one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Term:
    name: str
    aliases: tuple[str, ...]
    meaning: str
    tip: str
    dimension: str | None = None


TERMS: tuple[Term, ...] = (
    Term(
        "STAR",
        ("star", "star method", "star structure", "star format"),
        "Situation, Task, Action, Result: the shape of a strong behavioural answer. Set the "
        "scene briefly, say what you had to achieve, spend most of the answer on what you did, "
        "and end with a result you can measure.",
        "Before answering a 'tell me about a time' question, name the four parts to yourself and "
        "give the Action part at least half of your time.",
    ),
    Term(
        "Coverage",
        ("coverage", "key point coverage"),
        "How many of the question's key points your answer made, fully or partly. It is the "
        "biggest part of a technical answer's score.",
        "After answering, compare with the key points in the report and say each missed one in a "
        "sentence of your own.",
        "coverage",
    ),
    Term(
        "Key points",
        ("key point", "key points"),
        "The ideas a strong answer to a question includes, written with the question in the bank. "
        "The report marks each covered, partly covered or missed, with the words that made it.",
        "Read the missed key points with the model answer's sentence beside each, then answer "
        "the question again.",
    ),
    Term(
        "Relevance",
        ("relevance", "relevant", "off topic", "off-topic", "on topic"),
        "How closely the answer stays on the question that was asked, measured by meaning rather "
        "than by shared words.",
        "Open with a sentence that answers the question directly, then develop it.",
        "relevance",
    ),
    Term(
        "Specificity",
        ("specificity", "being specific", "concrete detail", "concreteness"),
        "Concrete figures, named technologies and actions you took yourself. Specific answers "
        "are believable; vague ones sound rehearsed.",
        "Put one number, one named tool and one 'I did' sentence in every answer.",
        "specificity",
    ),
    Term(
        "Structure",
        ("structure", "structured"),
        "Whether the answer has the parts its kind needs: STAR for a story; definition, example "
        "and trade-offs for a technical answer; requirements, components, scaling and trade-offs "
        "for a design.",
        "Say the plan of your answer in its first sentence, then follow it.",
        "structure",
    ),
    Term(
        "Ownership",
        ("ownership", "own part", "i versus we", "i vs we"),
        "How clearly you say what you did yourself: 'I' against 'we'. Interviewers hire you, "
        "not your team.",
        "Keep 'we' for the context and use 'I' for every decision and action that was yours.",
        "ownership",
    ),
    Term(
        "Depth",
        ("depth", "answer length", "too short", "too long"),
        "Whether the answer has enough words to develop its points, against the question's "
        "suggested time.",
        "Aim for about two minutes: one point, one example, one trade-off.",
        "depth",
    ),
    Term(
        "Generic language",
        ("generic language", "generic", "stock phrases", "stock phrase", "buzzwords", "buzzword"),
        "Stock phrases such as 'passionate team player' or 'best practices' that sound confident "
        "but say nothing anyone could check.",
        "Replace each stock phrase with what you actually did or would do.",
        "generic_language",
    ),
    Term(
        "Hedging",
        ("hedging", "hedge", "hedges", "hedging words"),
        "Words that soften a claim until it commits to nothing: 'I think maybe', 'probably', "
        "'sort of'. A little is honest; a lot sounds unsure.",
        "State what you know plainly, and say once, clearly, what you are unsure of.",
        "hedging",
    ),
    Term(
        "Fillers",
        ("filler", "fillers", "filler words", "filler word"),
        "Words that fill a pause without meaning: 'um', 'like', 'you know', 'basically'. In typed "
        "answers they are counted from the text.",
        "Pause silently instead; a short silence sounds more confident than a filler.",
        "fillers",
    ),
    Term(
        "Grammar",
        ("grammar", "grammatical"),
        "Grammar and spelling mistakes found in typed answers by a grammar checker.",
        "Read your answer once before sending it.",
        "grammar",
    ),
    Term(
        "Overall score",
        ("overall score", "overall", "scoring", "score calculated", "scores calculated"),
        "The average of your question scores, out of 100. Each question's score combines its "
        "sub-scores (coverage, relevance, specificity, structure and the rest) with the weights "
        "given in the report's evidence.",
        "Raise the lowest question first: it moves the average most.",
    ),
    Term(
        "Categories",
        (
            "category",
            "categories",
            "communication",
            "technical knowledge",
            "problem solving",
            "problem-solving",
            "cultural fit",
            "culture fit",
            "confidence",
        ),
        "The report groups sub-scores into five categories: communication (structure, wording, "
        "grammar, fillers), technical knowledge (coverage and relevance in technical answers), "
        "problem solving (structure and concrete steps in technical answers), cultural fit "
        "(behavioural stories) and confidence (few hedges, your own part stated).",
        "Work on the lowest category's sub-scores one at a time.",
    ),
    Term(
        "Stronger answer",
        ("stronger answer", "model answer", "better answer"),
        "Under each question, the report puts your own sentences that made a key point next to "
        "the model answer's sentence for each point you missed.",
        "Read it aloud, then answer the question again in your own words without looking.",
    ),
)


@cache
def _patterns() -> list[tuple[re.Pattern[str], Term]]:
    # Longest alias first, so "key point coverage" wins over "key point".
    pairs = [(alias, term) for term in TERMS for alias in term.aliases]
    pairs.sort(key=lambda pair: -len(pair[0]))
    return [(re.compile(rf"\b{re.escape(alias)}\b", re.IGNORECASE), term) for alias, term in pairs]


def find_term(text: str) -> Term | None:
    """The term `text` mentions (its longest alias found), or None."""
    return next((term for pattern, term in _patterns() if pattern.search(text)), None)


def by_dimension(dimension: str) -> Term | None:
    return next((term for term in TERMS if term.dimension == dimension), None)
