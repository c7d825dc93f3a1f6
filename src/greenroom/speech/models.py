"""The speech models of the process: loaded once, shared by every voice session."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from functools import cache, cached_property

from greenroom.providers.stt.whisper import WhisperSTT
from greenroom.providers.tts import SpeechError, TextToSpeech
from greenroom.providers.tts.espeak import EspeakTTS
from greenroom.providers.tts.piper import PiperTTS
from greenroom.providers.tts.remembered import RememberedSentences
from greenroom.providers.turn import SmartTurn

log = logging.getLogger(__name__)


@dataclass
class VoiceModels:
    """The speech models, loaded once and shared by every session of the process."""

    whisper: WhisperSTT = field(default_factory=WhisperSTT)
    smart_turn: SmartTurn = field(default_factory=SmartTurn)
    warming: threading.Thread | None = field(default=None, init=False, repr=False)
    _warming_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @cached_property
    def tts(self) -> TextToSpeech:
        """The interviewer's voice: Piper, or espeak-ng when Piper cannot load."""
        piper = PiperTTS()
        try:
            piper.warm_up()
        except (SpeechError, OSError, RuntimeError, ValueError) as error:
            log.warning("Piper could not load (%s); the interviewer speaks with espeak-ng", error)
            return EspeakTTS()
        return piper

    @cached_property
    def voice(self) -> RememberedSentences:
        """The interviewer's voice, remembering the short lines it says again and again."""
        return RememberedSentences(self.tts)

    def warm_up(self) -> threading.Thread:
        """Starts loading every model in a background thread, once: the voice room calls it when
        the page opens, so the greeting does not wait for the loads (several seconds here)."""
        with self._warming_lock:
            if self.warming is None:
                self.warming = threading.Thread(
                    target=self._load, name="voice-warm-up", daemon=True
                )
                self.warming.start()
            return self.warming

    def _load(self) -> None:
        try:
            self.whisper.warm_up()
            self.smart_turn.warm_up()
            _ = self.voice
        except Exception:  # the session loads again and reports what failed
            log.exception("voice models could not load in the background")


@cache
def default_voice_models() -> VoiceModels:
    return VoiceModels()
