"""The voice socket's wire format (docs/voice.md): raw 16-bit PCM both ways, JSON for the rest.

Pipecat's transport calls this for every message. Malformed input is not raised (that would end
the receive loop silently): it becomes a `protocol_error` message the interviewer processor
answers by closing the session with the reason.
"""

from __future__ import annotations

import json
from typing import Any

from pipecat.frames.frames import (
    Frame,
    InputAudioRawFrame,
    InputTransportMessageFrame,
    InterruptionFrame,
    OutputAudioRawFrame,
    OutputTransportMessageFrame,
    OutputTransportMessageUrgentFrame,
)
from pipecat.serializers.base_serializer import FrameSerializer

from greenroom.providers.stt import SAMPLE_RATE

MAX_FRAME_BYTES = 32_000  # one second of 16 kHz 16-bit audio
MAX_MESSAGE_CHARS = 2_000
CLIENT_MESSAGES = frozenset({"start", "moment", "end", "playback"})


def protocol_error(reason: str) -> InputTransportMessageFrame:
    return InputTransportMessageFrame(message={"type": "protocol_error", "message": reason})


class VoiceSerializer(FrameSerializer):
    async def serialize(self, frame: Frame) -> str | bytes | None:
        if isinstance(frame, OutputAudioRawFrame):
            return bytes(frame.audio)
        if isinstance(frame, (OutputTransportMessageFrame, OutputTransportMessageUrgentFrame)):
            if self.should_ignore_frame(frame):
                return None
            return json.dumps(frame.message)
        if isinstance(frame, InterruptionFrame):
            return json.dumps({"type": "stop_audio"})
        return None

    async def deserialize(self, data: str | bytes) -> Frame | None:
        if isinstance(data, bytes):
            if len(data) > MAX_FRAME_BYTES:
                return protocol_error(f"Audio frames may be at most {MAX_FRAME_BYTES} bytes.")
            if len(data) % 2:
                return protocol_error("Audio must be 16-bit PCM: an odd number of bytes arrived.")
            if not data:
                return None
            return InputAudioRawFrame(audio=data, sample_rate=SAMPLE_RATE, num_channels=1)
        return self._message(data)

    def _message(self, text: str) -> Frame:
        if len(text) > MAX_MESSAGE_CHARS:
            return protocol_error("That message is too long.")
        try:
            message: Any = json.loads(text)
        except ValueError:
            return protocol_error("Messages must be JSON.")
        if not isinstance(message, dict) or message.get("type") not in CLIENT_MESSAGES:
            return protocol_error("Unknown message type.")
        if message["type"] == "start" and (
            message.get("sample_rate") != SAMPLE_RATE
            or message.get("format", "pcm_s16le") != "pcm_s16le"
        ):
            return protocol_error(f"The microphone must be sent as 16-bit PCM at {SAMPLE_RATE} Hz.")
        return InputTransportMessageFrame(message=message)
