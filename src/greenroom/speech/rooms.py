"""The voice sessions one server process runs: at most `limit` at once, one per interview.

Every session shares the process's Whisper, Silero and Piper on the machine's cores, so each one
more slows all of them (bench/voice.py: on two cores the p95 response gap is ~1.8 s with one
session and ~12 s with five). Past the limit a new session is refused with a reason, and the
page offers the same interview in text. An interview opened again (a second window, or the
page reconnecting before the server noticed the first socket drop) takes over: the earlier
socket is closed with a reason (code 4001, after which that page does not reconnect), its
pipeline is cancelled, and the new one starts once it has stopped (or after STOP_WAIT_S), so
two interviewers do not answer one candidate.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from fastapi import WebSocket

log = logging.getLogger(__name__)
POLICY_VIOLATION = 1008
REPLACED_CODE = 4001  # the page knows it: it neither reconnects nor calls voice unavailable
REPLACED = "This interview was opened in another window; it goes on there."
STOP_WAIT_S = 5.0  # how long a replaced session may take to stop


class RoomsFull(Exception):
    """No room for another voice session in this process."""


@dataclass
class _Room:
    websocket: WebSocket
    stop: asyncio.Event = field(default_factory=asyncio.Event)  # the session is asked to end
    stopped: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class VoiceRooms:
    limit: int
    late_stops: int = 0  # replaced sessions still running after STOP_WAIT_S (each is logged)
    _open: dict[int, _Room] = field(default_factory=dict)

    @property
    def in_use(self) -> int:
        return len(self._open)

    @asynccontextmanager
    async def hold(self, interview_id: int, websocket: WebSocket) -> AsyncIterator[asyncio.Event]:
        """A room for this interview's session while the block runs; RoomsFull when none. The
        event it gives is set when the session must end (the interview was opened again)."""
        earlier = self._open.get(interview_id)
        if earlier is None and len(self._open) >= self.limit:
            raise RoomsFull(
                f"The interviewer is already talking with {len(self._open)} other candidate"
                f"{'s' if len(self._open) != 1 else ''} on this server. Try voice again in a few"
                " minutes, or go on in text now: your answers so far are saved."
            )
        room = _Room(websocket)
        self._open[interview_id] = room
        try:
            if earlier is not None and not await _replace(earlier, interview_id):
                self.late_stops += 1
            yield room.stop
        finally:
            if self._open.get(interview_id) is room:
                del self._open[interview_id]
            room.stopped.set()


async def _replace(earlier: _Room, interview_id: int) -> bool:
    """Ends the earlier session; False if it had not stopped within STOP_WAIT_S."""
    log.info("voice session replaced by a new one", extra={"interview_id": interview_id})
    # The reason goes first: cancelled, Pipecat would close the socket plainly (1000), and a
    # page whose socket closed plainly reconnects, and would take the interview back.
    try:
        await earlier.websocket.close(REPLACED_CODE, REPLACED)
    except Exception as error:  # a socket that already dropped cannot be told; it ends anyway
        log.info("replaced voice socket not told: %s", error, extra={"interview_id": interview_id})
    earlier.stop.set()
    try:
        await asyncio.wait_for(earlier.stopped.wait(), STOP_WAIT_S)
    except TimeoutError:
        log.warning("replaced voice session still running", extra={"interview_id": interview_id})
        return False
    return True
