"""The speech models of the process: loaded once, shared by every voice session."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cache, cached_property

from greenroom.providers.stt.whisper import WhisperSTT
from greenroom.providers.tts import SpeechError, TextToSpeech
from greenroom.providers.tts.espeak import EspeakTTS
from greenroom.providers.tts.piper import PiperTTS
from greenroom.providers.turn import SmartTurn

log = logging.getLogger(__name__)


@dataclass
class VoiceModels:
    """The speech models, loaded once and shared by every session of the process."""

    whisper: WhisperSTT = field(default_factory=WhisperSTT)
    smart_turn: SmartTurn = field(default_factory=SmartTurn)

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

    def warm_up(self) -> None:
        self.whisper.warm_up()
        self.smart_turn.warm_up()
        _ = self.tts


@cache
def default_voice_models() -> VoiceModels:
    return VoiceModels()
