"""A stand-in voice server for the browser tests of the voice page (tests only).

It renders the real `interviews/voice_room.html` through the real `base.html`, serves the real
static files under the app's Content-Security-Policy, and answers on a WebSocket that speaks
docs/voice.md with a scripted interviewer:

1. on `start`: `ready` (22,050 Hz), `state speaking`, a `turn`, an interviewer caption, 1.5 s of a
   warbling tone, and `state listening` once the page says playback ended;
2. after 50 microphone frames: an interim candidate caption, a second one, then a final one
   (with markup in it, to show it is printed, not parsed);
3. a follow-up of 3 s, cut short by `stop_audio` half a second into playback (barge-in), then
   `resumed` with the first question: the candidate went on and the follow-up was withdrawn;
4. `moment` → the caption "Take your time." and `state waiting`; `end` → a spoken goodbye and,
   before it has finished playing, `done`.

Everything the page sends is recorded in a `VoiceLog` the test reads.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import socket
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import uvicorn
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect

from greenroom.web.middleware import CONTENT_SECURITY_POLICY

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "greenroom"
INTERVIEW_ID = 42
ROOM_PATH = f"/interviews/{INTERVIEW_ID}/voice-room"
SOCKET_PATH = f"/interviews/{INTERVIEW_ID}/voice"
TEXT_URL = f"/interviews/{INTERVIEW_ID}"
REPORT_URL = f"/interviews/{INTERVIEW_ID}/report"
TTS_RATE = 22050
CHUNK_SAMPLES = 882  # 40 ms at 22,050 Hz
FRAMES_BEFORE_CAPTION = 50
QUESTION = "Tell me about a time you made a slow system fast."
FOLLOW_UP = "Which logs, and what did you look for first?"
FINAL_CAPTION = "<b>x</b> I would start with the logs."
GOODBYE = "Thank you, that is all for today."


@dataclass
class VoiceLog:
    """What the page sent, as the test asserts on it."""

    texts: list[dict[str, Any]] = field(default_factory=list)
    frame_sizes: list[int] = field(default_factory=list)
    silent_frames: int = 0
    loud_frames: int = 0  # with a peak above -30 dBFS: the fake microphone's beep
    connections: int = 0
    stop_sent_at: float | None = None
    stopped_reply_at: float | None = None

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [message for message in self.texts if message.get("type") == kind]


def tone(seconds: float, *, pitch: float = 220.0) -> bytes:
    """A voice-like warble: a tone whose loudness rises and falls four times a second."""
    count = int(TTS_RATE * seconds)
    samples = (
        0.35
        * (0.55 + 0.45 * math.sin(2 * math.pi * 4 * n / TTS_RATE))
        * math.sin(2 * math.pi * pitch * n / TTS_RATE)
        for n in range(count)
    )
    return struct.pack(f"<{count}h", *(int(s * 32767) for s in samples))


class ScriptedInterviewer:
    """One connection: the script above, with the page's messages recorded as they come."""

    def __init__(self, socket: WebSocket, log: VoiceLog, *, drop: bool) -> None:
        self.socket = socket
        self.log = log
        self.drop = drop
        self.lock = asyncio.Lock()
        self.enough_frames = asyncio.Event()
        self.playing = asyncio.Event()
        self.stopped = asyncio.Event()

    async def run(self) -> None:
        await self.socket.accept()
        first = json.loads(await self.socket.receive_text())
        self.log.texts.append(first)
        if first.get("type") != "start":
            await self.send({"type": "error", "message": "start first", "fatal": True})
            await self.socket.close(1008)
            return
        await self.send({"type": "ready", "sample_rate": TTS_RATE, "interview": {"id": 42}})
        if self.drop:
            await self.socket.close(1011)  # as a crashed server would
            return
        script = asyncio.create_task(self.script())
        try:
            await self.listen()
        finally:
            script.cancel()
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
                await script

    async def listen(self) -> None:
        while True:
            message = await self.socket.receive()
            if message["type"] == "websocket.disconnect":
                return
            if message.get("bytes") is not None:
                self.frame(message["bytes"])
            elif message.get("text") is not None:
                await self.command(json.loads(message["text"]))

    def frame(self, data: bytes) -> None:
        self.log.frame_sizes.append(len(data))
        if not any(data):
            self.log.silent_frames += 1
        samples = struct.unpack(f"<{len(data) // 2}h", data)
        if max(map(abs, samples), default=0) > 1036:
            self.log.loud_frames += 1
        if len(self.log.frame_sizes) >= FRAMES_BEFORE_CAPTION:
            self.enough_frames.set()

    async def command(self, message: dict[str, Any]) -> None:
        self.log.texts.append(message)
        kind = message.get("type")
        if kind == "playback":
            if message.get("playing"):
                self.stopped.clear()
                self.playing.set()
            else:
                self.playing.clear()
                self.stopped.set()
                if self.log.stop_sent_at and self.log.stopped_reply_at is None:
                    self.log.stopped_reply_at = time.monotonic()
        elif kind == "moment":
            await self.say("Take your time.")
            await self.send({"type": "state", "state": "waiting"})
        elif kind == "end":
            # The goodbye is still playing when `done` arrives: the page lets it finish.
            await self.send({"type": "state", "state": "speaking"})
            await self.say(GOODBYE)
            await self.speak(tone(1.0))
            await self.send({"type": "done", "report_url": REPORT_URL})
            await self.socket.close(1000)

    async def script(self) -> None:
        await self.send({"type": "state", "state": "speaking"})
        await self.send(
            {"type": "turn", "kind": "question", "text": QUESTION, "number": 1, "total": 3}
        )
        await self.say(QUESTION)
        await self.speak(tone(1.5))
        await asyncio.wait_for(self.playing.wait(), 10)
        await asyncio.wait_for(self.stopped.wait(), 10)
        await self.send({"type": "state", "state": "listening"})

        await asyncio.wait_for(self.enough_frames.wait(), 20)
        await self.send_caption("I would start", final=False)
        await asyncio.sleep(0.6)
        await self.send_caption("I would start with the", final=False)
        await asyncio.sleep(0.6)
        await self.send_caption(FINAL_CAPTION, final=True)

        await self.send({"type": "state", "state": "speaking"})
        await self.send(
            {"type": "turn", "kind": "follow_up", "text": FOLLOW_UP, "number": 1, "total": 3}
        )
        await self.say(FOLLOW_UP)
        await self.speak(tone(3.0, pitch=180.0))
        await asyncio.wait_for(self.playing.wait(), 10)
        await asyncio.sleep(0.5)
        self.log.stop_sent_at = time.monotonic()
        await self.send({"type": "stop_audio"})
        # The candidate went on: the follow-up is withdrawn and the question stands again.
        prompt = {"type": "turn", "kind": "question", "text": QUESTION, "number": 1, "total": 3}
        await self.send({"type": "resumed", "prompt": prompt})
        await self.send({"type": "state", "state": "listening"})

    async def speak(self, pcm: bytes) -> None:
        """Faster than real time, as a speech synthesiser delivers it."""
        step = CHUNK_SAMPLES * 2
        for start in range(0, len(pcm), step):
            async with self.lock:
                await self.socket.send_bytes(pcm[start : start + step])

    async def say(self, text: str) -> None:
        # Without "final", as the real server sends the interviewer's words: final unless false.
        await self.send({"type": "caption", "speaker": "interviewer", "text": text})

    async def send_caption(self, text: str, *, final: bool) -> None:
        await self.send({"type": "caption", "speaker": "candidate", "text": text, "final": final})

    async def send(self, message: dict[str, Any]) -> None:
        async with self.lock:
            await self.socket.send_text(json.dumps(message))


class VoiceHarness:
    """The app: the page, the static files and the socket. `drop_connections` makes the first
    connections close right after `ready`, as a server crash would."""

    def __init__(self, *, persona: str = "friendly", drop_connections: int = 0) -> None:
        self.log = VoiceLog()
        self.persona = persona
        self.drops_left = drop_connections
        self.templates = Environment(
            loader=ChoiceLoader(
                [
                    FileSystemLoader(PACKAGE / "web" / "templates"),
                    FileSystemLoader(PACKAGE / "interviews" / "templates"),
                ]
            ),
            autoescape=select_autoescape(default=True),
        )
        self.templates.globals.update(app_version="test", csrf_field_name="csrf_token")
        self.app = Starlette(
            routes=[
                Route(ROOM_PATH, self.room),
                Route(TEXT_URL, self.text_room),
                WebSocketRoute(SOCKET_PATH, self.voice),
                Mount("/static", StaticFiles(directory=PACKAGE / "web" / "static")),
            ]
        )

    async def room(self, request: Request) -> Response:
        html = self.templates.get_template("interviews/voice_room.html").render(
            request=request,
            viewer=None,
            csrf_token="",
            flashes=[],
            interview=SimpleNamespace(id=INTERVIEW_ID, company="Acme"),
            title="Backend engineer · technical",
            socket_path=SOCKET_PATH,
            persona=self.persona,
            text_url=TEXT_URL,
            report_url=REPORT_URL,
        )
        return HTMLResponse(html, headers={"content-security-policy": CONTENT_SECURITY_POLICY})

    async def text_room(self, request: Request) -> Response:
        return HTMLResponse("<!doctype html><title>Text room</title><h1>Text interview 42</h1>")

    async def voice(self, socket: WebSocket) -> None:
        self.log.connections += 1
        drop = self.drops_left > 0
        self.drops_left -= 1
        with contextlib.suppress(WebSocketDisconnect):
            await ScriptedInterviewer(socket, self.log, drop=drop).run()


@contextlib.contextmanager
def serve(harness: VoiceHarness) -> Iterator[str]:
    """Runs the harness with uvicorn in a thread on a free port; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(harness.app, host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the voice harness did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
