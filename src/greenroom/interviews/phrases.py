"""What the interviewer says around the questions, in each persona's voice.

Lines are chosen reproducibly from the interview's seed and never repeat back to back, so the
interviewer does not sound like a loop.
"""

from __future__ import annotations

import random

from greenroom.interviews.schemas import Persona
from greenroom.providers.tts.remembered import SENTENCE_END

FOLLOW_UP_LIMIT = {Persona.FRIENDLY: 1, Persona.NEUTRAL: 1, Persona.TOUGH: 2}

PHRASES: dict[str, dict[Persona, tuple[str, ...]]] = {
    "greeting": {
        Persona.FRIENDLY: (
            "Hi {name}, thanks for joining! This is a {role} interview with {count} questions. "
            "Take your time, think aloud if it helps, and enjoy it.",
            "Hello {name}, great to meet you. We'll go through {count} questions for the {role} "
            "role. There are no trick questions, so relax and answer as you would at work.",
        ),
        Persona.NEUTRAL: (
            "Hello {name}. This is a {role} interview with {count} questions. "
            "Answer in your own words; I may ask a follow-up.",
            "Welcome, {name}. We have {count} questions for the {role} role. Let's begin.",
        ),
        Persona.TOUGH: (
            "{name}, this is a {role} interview, {count} questions. I'll push for specifics, "
            "so be concrete.",
            "Let's get started, {name}. {count} questions for {role}. I expect precise answers "
            "with real examples.",
        ),
    },
    "acknowledgement": {
        Persona.FRIENDLY: (
            "Thanks, that's helpful.",
            "Great, thank you for that.",
            "I appreciate the detail.",
            "Nice, thanks.",
            "That makes sense, thanks.",
        ),
        Persona.NEUTRAL: (
            "Thank you.",
            "Okay, noted.",
            "Understood.",
            "Thanks for that.",
            "Alright.",
        ),
        Persona.TOUGH: ("Okay.", "Noted.", "Fine.", "Understood. Moving on.", "Right."),
    },
    "transition": {
        Persona.FRIENDLY: (
            "Let's look at something different.",
            "Here's the next one.",
            "On to the next question.",
            "Let's switch topics.",
        ),
        Persona.NEUTRAL: (
            "Next question.",
            "Let's move on.",
            "The next question is this.",
            "Another topic now.",
        ),
        Persona.TOUGH: (
            "Next.",
            "Different topic.",
            "Let's see how you handle this one.",
            "Moving on.",
        ),
    },
    "follow_up_lead": {
        Persona.FRIENDLY: (
            "I'd love to hear a bit more.",
            "Let's dig a little deeper.",
            "Could you expand on that?",
        ),
        Persona.NEUTRAL: ("A follow-up.", "Let me ask more about that.", "One more on this."),
        Persona.TOUGH: ("That's not enough yet.", "Be more specific.", "I need more than that."),
    },
    "reask": {
        Persona.FRIENDLY: (
            "No worries, take your time. Could you give it a try? Even a partial answer helps.",
        ),
        Persona.NEUTRAL: ("I didn't get an answer. Please give it a try, even a partial one.",),
        Persona.TOUGH: ("I need an answer. Give it your best attempt.",),
    },
    "skip": {
        Persona.FRIENDLY: ("That's okay, let's move on.",),
        Persona.NEUTRAL: ("Let's move on.",),
        Persona.TOUGH: ("We'll leave that one unanswered.",),
    },
    "moment": {
        Persona.FRIENDLY: ("Of course, take all the time you need. Answer when you're ready.",),
        Persona.NEUTRAL: ("Sure, take a moment. Answer when you're ready.",),
        Persona.TOUGH: ("Take a moment. Then answer.",),
    },
    "closing": {
        Persona.FRIENDLY: (
            "That's all the questions. Thank you, {name}, you did the work; your "
            "answers and timings are saved.",
        ),
        Persona.NEUTRAL: (
            "That concludes the interview. Thank you, {name}. Your answers are saved.",
        ),
        Persona.TOUGH: ("That's the end of the interview, {name}. Your answers are saved.",),
    },
    "ownership": {
        Persona.FRIENDLY: ("You mentioned what the team did. What was your own part in it?",),
        Persona.NEUTRAL: ("You said 'we'. What did you personally do?",),
        Persona.TOUGH: ("I keep hearing 'we'. What exactly did you do yourself?",),
    },
    "result": {
        Persona.FRIENDLY: (
            "How did it turn out in the end? A number would be great if you have one.",
        ),
        Persona.NEUTRAL: ("What was the result? Give a number if you can.",),
        Persona.TOUGH: ("What was the measurable outcome?",),
    },
}


def phrase(
    category: str, persona: Persona, rng: random.Random, *, avoid: str = "", **values: object
) -> str:
    """A line of `category` in the persona's voice, different from `avoid` when possible."""
    options = PHRASES[category][persona]
    candidates = [line for line in options if line.format(**values) != avoid] or list(options)
    return rng.choice(candidates).format(**values)


def often_said(persona: Persona) -> list[str]:
    """The persona's fixed lines (no names or numbers in them), each sentence on its own: what
    a voice can prepare once and reuse."""
    lines = (line for by_persona in PHRASES.values() for line in by_persona.get(persona, ()))
    sentences = (s for line in lines if "{" not in line for s in SENTENCE_END.split(line))
    return list(dict.fromkeys(s.strip() for s in sentences if s.strip()))
