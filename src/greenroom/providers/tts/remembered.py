"""A voice that remembers the short sentences it has spoken (see RememberedSentences)."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator

from greenroom.providers.tts import TextToSpeech, Voice

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
SHORT_SENTENCE_WORDS = 8  # sentences this short are kept as audio once spoken
KEPT_SENTENCES = 256  # about 20 MB of 22 kHz audio at most


class RememberedSentences(TextToSpeech):
    """A voice that keeps the audio of short sentences once spoken. An interviewer says the same
    short lines again and again ("Thank you.", "Next question.", "Mhm."), and a reply's first
    sentence is usually one of them: from memory, its first audio leaves at once instead of
    after Piper's ~150-200 ms for a sentence, and the rest is made while it plays. Shared by
    every session of the process, like the voice it wraps."""

    def __init__(self, tts: TextToSpeech) -> None:
        self.tts = tts
        self.name, self.sample_rate = tts.name, tts.sample_rate
        self._audio: OrderedDict[tuple[str, float], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def speak(self, text: str, voice: Voice = Voice()) -> Iterator[bytes]:
        for sentence in SENTENCE_END.split(text.strip()):
            if not sentence.strip():
                continue
            if len(sentence.split()) > SHORT_SENTENCE_WORDS:
                yield from self.tts.speak(sentence, voice)
                continue
            key = (sentence.strip(), voice.pace)
            with self._lock:
                audio = self._audio.get(key)
                if audio is not None:
                    self._audio.move_to_end(key)
            if audio is None:
                audio = b"".join(self.tts.speak(sentence, voice))
                with self._lock:
                    self._audio[key] = audio
                    while len(self._audio) > KEPT_SENTENCES:
                        self._audio.popitem(last=False)
            yield audio

    def knows(self, sentence: str, voice: Voice) -> bool:
        with self._lock:
            return (sentence.strip(), voice.pace) in self._audio

    def prepare(self, lines: Iterable[str], voice: Voice) -> None:
        """Speaks `lines` into memory (in the background, while the candidate answers)."""
        for line in lines:
            if not self.knows(line, voice):
                for _ in self.speak(line, voice):
                    pass
