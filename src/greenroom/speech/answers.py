"""An answer as the voice interviewer hears it, the reply it may take back, and how the words
stored for a spoken answer are settled once it is over (speech/interviewer.py uses them)."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from typing import Any

from greenroom.interviews.schemas import MAX_ANSWER_CHARS
from greenroom.providers.stt import SAMPLE_RATE, Audio
from greenroom.speech import prosody

REFINED_MIN_SHARE, REFINED_MAX_SHARE = 0.5, 1.4  # see refined_text
ADDED_ENDING_MAX_WORDS = 3  # see refined_text
KEPT_AFTER_SPEECH_S = 0.6  # silence kept after the last speech when transcribing an answer
_WORD = re.compile(r"[a-z0-9']+", re.IGNORECASE)


def refined_text(live: str, whole: str) -> str:
    """The answer's stored words once the whole answer has been transcribed again.

    Live captions come from short segments cut at every pause, and Whisper guesses worse without
    the words around them ("salted password" heard as "that's all that passed word"). The whole
    answer in one pass reads better, so it replaces the live text, unless the word counts differ
    too much to trust it (less than half: it lost words; over 1.4 times: it invented some, as
    Whisper does in silence), it lost the answer's last words (see live_ending), or it is longer
    than a typed answer may be. Up to three words it has after the live text's last two are
    dropped ("…a fix in progress. course.", "…the report was right. Thank you, Chris." where the
    live segments ended at "progress." and "right."): Whisper adds such words after the end of a
    recording, and the live segments, cut by the voice detector, end where the speech did. Words
    the live text ends with too (a candidate's own "Thank you.") are kept.
    """
    whole = " ".join(whole.split())
    if not whole or len(whole) > MAX_ANSWER_CHARS:
        return live
    share = len(whole.split()) / max(1, len(live.split()))
    if live.strip() and not REFINED_MIN_SHARE <= share <= REFINED_MAX_SHARE:
        return live
    ending = live_ending(live, whole)
    if ending is None:
        return live
    cut, words_after = ending
    if len(_words(live)) >= 2 and 0 < words_after <= ADDED_ENDING_MAX_WORDS:
        return whole[:cut]
    return whole


def live_ending(live: str, whole: str) -> tuple[int, int] | None:
    """Where the live text's last words end in the whole text: the offset just past the token
    they end in, and how many words follow; None when the whole text lost them.

    Whisper on a whole answer now and then ends early ("…a donor report that the" where the
    live segments heard "…that the fundraising team used to plan a mail campaign."). So the
    live text's last two words must come one after the other among the whole text's last six
    (single words match by chance: "a" of "a mail campaign" is also in "built a donor report
    that the"); a different hearing of the very end fails that too, and then the live words are
    kept, which loses nothing. Both texts are compared as the same lower-case words."""
    tail = _words(live)[-2:]
    spans = [(m.group().lower(), m.end()) for m in _WORD.finditer(whole)]
    if not tail:
        return len(whole), 0
    for first in range(len(spans) - len(tail), max(-1, len(spans) - 7), -1):
        if [word for word, _ in spans[first : first + len(tail)]] == tail:
            last = first + len(tail) - 1
            cut = whole.find(" ", spans[last][1])  # after the punctuation that ends the token
            return (len(whole) if cut < 0 else cut), len(spans) - 1 - last
    return None


def _words(text: str) -> list[str]:
    return [word.lower() for word in _WORD.findall(text)]


def until_speech_ends(audio: Audio) -> Audio:
    """The answer's audio up to shortly after its last speech (by energy). Whisper invents
    words in the silence after an answer ("Thank you very much.") even with its own speech
    filter; cutting the silence off leaves it nothing to invent from. Times are unchanged."""
    last = prosody.speech_activity(audio).last_speech_s
    if last is None:
        return audio
    return audio[: int((last + KEPT_AFTER_SPEECH_S) * SAMPLE_RATE)]


@dataclass
class Answer:
    """What the candidate has said since the interviewer last spoke."""

    audio: bytearray
    segments: list[str]
    speech_s: float = 0.0
    speaking_since: float | None = None
    silent_since: float | None = None
    smart_turn: float | None = None
    unsure_ending: bool = False  # the last word heard may be misheard (speech/turns.py)
    waiting: bool = False  # "give me a moment"

    @classmethod
    def empty(cls) -> Answer:
        return cls(audio=bytearray(), segments=[])

    @property
    def text(self) -> str:
        return " ".join(s.strip() for s in self.segments if s.strip())


@dataclass
class Reply:
    """The interviewer's reply to an answer while the candidate may still take it back."""

    answer: Answer  # as it was when the turn ended
    settled: asyncio.Event  # set once it can no longer be taken back
    seq: int | None = None  # the stored answer's turn, once stored
    prompt: dict[str, Any] | None = None  # the question the answer was for, for the page
    speaking_at: float | None = None  # when the interviewer's voice started
    went_on: bool = False  # the candidate spoke while the reply was being prepared
    said: bool = False  # handed to the voice (it may not have started playing yet)
    taken_back: bool = False
    audio_after: bytearray = field(default_factory=bytearray)
    heard_after: list[str] = field(default_factory=list)
