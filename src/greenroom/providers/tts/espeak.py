"""espeak-ng (Debian): instant and robotic; the fallback when Piper cannot load."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator

from greenroom.providers.tts import SpeechError, TextToSpeech, Voice

WORDS_PER_MINUTE = 165


class EspeakTTS(TextToSpeech):
    name = "espeak-ng"
    sample_rate = 22_050

    def __init__(self, executable: str | None = None, accent: str = "en") -> None:
        found = executable or shutil.which("espeak-ng")
        if found is None:
            raise SpeechError("espeak-ng is not installed (apt-get install espeak-ng).")
        self.executable = found
        self.accent = accent  # an espeak-ng voice: "en", "en-us", "en-gb-scotland", "en-us+f3"

    def speak(self, text: str, voice: Voice = Voice()) -> Iterator[bytes]:
        speed = str(round(WORDS_PER_MINUTE * max(0.5, min(voice.pace, 2.0))))
        try:
            wav = subprocess.run(  # noqa: S603 (fixed executable, text passed as an argument)
                [self.executable, "--stdout", "-v", self.accent, "-s", speed, "--", text],
                capture_output=True,
                check=True,
                timeout=20,
            ).stdout
        except (subprocess.SubprocessError, OSError) as error:
            raise SpeechError(f"espeak-ng could not speak: {error}") from error
        yield _pcm_of(wav)


def _pcm_of(wav: bytes) -> bytes:
    """The samples of espeak's WAV output (16-bit mono at 22,050 Hz), without its header."""
    marker = wav.find(b"data")
    if marker < 0:
        raise SpeechError("espeak-ng returned no audio")
    return wav[marker + 8 :]
