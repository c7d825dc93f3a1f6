"""Recordings of spoken answers, kept only for users who opted in (Settings → Voice).

Without the opt-in an answer's audio lives in memory until its delivery is measured and is then
dropped. With it, each answer is written as a 16 kHz mono WAV under
`<data dir>/recordings/<user id>/<interview id>/<turn seq>.wav`; every path is built from integers,
so no request can point outside that tree. The owner can play them from the report and delete all
of them at once.
"""

from __future__ import annotations

import os
import shutil
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from greenroom.providers.stt import SAMPLE_RATE, Audio


@dataclass(frozen=True)
class Usage:
    count: int
    size_bytes: int


class Recordings:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, user_id: int, interview_id: int, seq: int) -> Path:
        return self.root / str(int(user_id)) / str(int(interview_id)) / f"{int(seq)}.wav"

    def save(self, user_id: int, interview_id: int, seq: int, audio: Audio) -> Path:
        """Writes the answer's audio; a half-written file never takes the final name."""
        target = self.path(user_id, interview_id, seq)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        pcm = (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2").tobytes()
        with wave.open(str(partial), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(SAMPLE_RATE)
            out.writeframes(pcm)
        os.replace(partial, target)
        return target

    def find(self, user_id: int, interview_id: int, seq: int) -> Path | None:
        found = self.path(user_id, interview_id, seq)
        return found if found.is_file() else None

    def kept_seqs(self, user_id: int, interview_id: int) -> set[int]:
        folder = self.root / str(int(user_id)) / str(int(interview_id))
        if not folder.is_dir():
            return set()
        return {int(p.stem) for p in folder.glob("*.wav") if p.stem.isdigit()}

    def usage(self, user_id: int) -> Usage:
        files = list((self.root / str(int(user_id))).glob("*/*.wav"))
        return Usage(len(files), sum(f.stat().st_size for f in files))

    def delete_all(self, user_id: int) -> int:
        """Deletes every recording of the user; returns how many there were."""
        count = self.usage(user_id).count
        shutil.rmtree(self.root / str(int(user_id)), ignore_errors=True)
        return count
