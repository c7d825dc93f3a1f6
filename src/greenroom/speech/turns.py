"""When the candidate has finished answering (D3): an interviewer must tell "finished a
sentence" from "finished the answer".

Smart Turn alone ends turns early in interviews: every finished sentence in the middle of an
answer looks like the end of a turn, and on synthetic voices finished sentences often score low.
So the decision weighs four signals — how long the silence is, Smart Turn's probability, whether
the words so far stop mid-sentence, and how long the answer is against the question's suggested
time — and at a natural pause in a long answer the interviewer back-channels instead of taking
the turn.

A finished sentence is answered quickly (END_AFTER_SENTENCE_QUICK): waiting 1.6 s at every
sentence end makes the interviewer feel slow, and the cost of a wrong guess is small because the
interviewer gives the floor back (speech/interviewer.py: the candidate speaking within the first
seconds of the reply takes it back). Each time a candidate went on like that, the quick wait
grows for the rest of the interview. Every threshold is here and in docs/voice.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

SMART_TURN_COMPLETE = 0.5
SMART_TURN_UNFINISHED = 0.05  # Smart Turn is reliable about unfinished sentences (~0.006)
# Whisper's probability for the last word below this: the "sentence" may be a fragment whose
# last word was misheard ("…we used a" → "…we use day." 0.45); finished answers' last words
# scored 0.61-0.99 (docs/voice.md).
UNSURE_LAST_WORD = 0.55
# Silence (s) after which the turn ends, by what the words so far say.
END_AFTER_COMPLETE_ANSWER = 0.5  # a finished sentence, Smart Turn agrees, the answer is long enough
END_AFTER_SENTENCE_QUICK = 0.4  # a finished sentence of QUICK_MIN_WORDS or more: reply, and yield
QUICK_MIN_WORDS = 6
QUICK_STEP_AFTER_YIELD = 0.5  # added to the quick wait each time the candidate went on
END_AFTER_FINISHED_SENTENCE = 1.6  # a finished sentence, but Smart Turn or length disagree
END_AFTER_SMART_TURN_UNFINISHED = 1.0  # finished-looking words, Smart Turn sure they are not
END_AFTER_UNFINISHED = 4.0  # mid-sentence: a thinking pause of up to ~3 s is allowed
END_AFTER_NOTHING_SAID = 12.0  # not started yet: thinking before answering is fine
ENOUGH_OF_SUGGESTED_TIME = 0.35
BACKCHANNEL_SILENCE = (0.35, 1.2)  # a natural pause: not during speech, not a long silence
BACKCHANNEL_EVERY_S = 15.0
BACKCHANNEL_AFTER_SPEECH_S = 12.0

_UNFINISHED_END = re.compile(
    r"(?:\b(?:and|but|or|so|because|since|although|though|if|when|while|then|that|which|who|"
    r"the|a|an|to|of|in|on|for|with|by|from|at|as|is|are|was|were|my|our|their|its|um|uh|er|"
    r"erm|like|i|we|it|this|these|those)|,|-|—|–|\.\.\.|…)\s*$",
    re.IGNORECASE,
)
# Words no sentence ends on, even when speech-to-text put a full stop after them (a fragment
# spoken with falling intonation is transcribed as a sentence).
_NEVER_LAST = re.compile(
    r"\b(?:the|a|an|and|but|or|because|although|whereas|of|my|our|their|your|um|uh|er|erm|"
    r"(?:and|so|but|or) then)"
    r"[.!?]*\s*$",
    re.IGNORECASE,
)
_MOMENT = re.compile(
    r"\b(?:give me a (?:moment|second|sec|minute)|let me think|one (?:moment|second)|"
    r"hold on|bear with me|just a (?:moment|second|sec))\b",
    re.IGNORECASE,
)


class Move(StrEnum):
    KEEP_LISTENING = "keep_listening"
    BACKCHANNEL = "backchannel"
    END_TURN = "end_turn"


@dataclass(frozen=True)
class TurnSignals:
    silence_s: float  # since the voice activity detector last heard speech
    transcript: str  # the words of this answer so far
    speech_s: float  # how long the candidate has spoken in this answer
    suggested_s: float  # the question's suggested answer time
    smart_turn: float | None = None  # Smart Turn's probability that the turn is complete
    since_backchannel_s: float = 1e9
    waiting: bool = False  # the candidate asked for a moment and has not spoken since
    yields: int = 0  # times the candidate went on after the interviewer had replied
    unsure_ending: bool = False  # the last word heard may be misheard (see unsure_ending)


def ends_mid_sentence(transcript: str) -> bool:
    """True when the words so far stop where a sentence cannot end."""
    text = transcript.strip()
    if not text:
        return False
    return bool(_UNFINISHED_END.search(text) or _NEVER_LAST.search(text) or text[-1].isalnum())


def unsure_ending(word: str, probability: float) -> bool:
    """True when the last word heard may be a fragment's misheard last word: an ordinary
    lower-case word Whisper was unsure of. Numbers and abbreviations ("50 MS.") score low for
    their spelling, not because they were misheard, so they do not count."""
    bare = word.strip(".,!?…;:\"'")
    return probability < UNSURE_LAST_WORD and bare.isalpha() and bare.islower()


def asks_for_a_moment(transcript: str) -> bool:
    return _MOMENT.search(transcript[-120:]) is not None


def decide(signals: TurnSignals) -> Move:
    """What the interviewer does now, given the signals; called as the silence grows."""
    silence, text = signals.silence_s, signals.transcript.strip()
    if signals.waiting or asks_for_a_moment(text):
        return Move.KEEP_LISTENING
    if not text:
        return Move.END_TURN if silence >= END_AFTER_NOTHING_SAID else Move.KEEP_LISTENING
    if ends_mid_sentence(text) or signals.unsure_ending:
        return Move.END_TURN if silence >= END_AFTER_UNFINISHED else Move.KEEP_LISTENING
    if (
        BACKCHANNEL_SILENCE[0] <= silence <= BACKCHANNEL_SILENCE[1]
        and signals.speech_s >= BACKCHANNEL_AFTER_SPEECH_S
        and signals.since_backchannel_s >= BACKCHANNEL_EVERY_S
    ):
        return Move.BACKCHANNEL
    if silence >= _wait_after_sentence(signals):
        return Move.END_TURN
    return Move.KEEP_LISTENING


def _wait_after_sentence(signals: TurnSignals) -> float:
    """Silence after a finished-looking sentence before the interviewer replies: the shortest
    wait that applies, but never less than the quick wait this candidate has earned by going on
    after earlier replies."""
    if signals.smart_turn is not None and signals.smart_turn < SMART_TURN_UNFINISHED:
        return END_AFTER_SMART_TURN_UNFINISHED
    quick = min(
        END_AFTER_SENTENCE_QUICK + QUICK_STEP_AFTER_YIELD * signals.yields,
        END_AFTER_FINISHED_SENTENCE,
    )
    sure = signals.smart_turn is not None and signals.smart_turn >= SMART_TURN_COMPLETE
    long_enough = signals.speech_s >= ENOUGH_OF_SUGGESTED_TIME * signals.suggested_s
    waits = [END_AFTER_FINISHED_SENTENCE if sure or long_enough else END_AFTER_UNFINISHED]
    if sure and long_enough:
        waits.append(END_AFTER_COMPLETE_ANSWER)
    if len(signals.transcript.split()) >= QUICK_MIN_WORDS:
        backchannelled = signals.since_backchannel_s <= signals.silence_s  # in this very pause
        waits.append(END_AFTER_FINISHED_SENTENCE if backchannelled else quick)
    return max(min(waits), quick)
