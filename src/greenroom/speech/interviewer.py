"""The voice interviewer: Greenroom's processor in the Pipecat pipeline.

It sits between speech-to-text and text-to-speech. It keeps the answer's audio and words, asks
the turn policy (speech/turns.py) what to do as each silence grows, back-channels at natural
pauses, stops the interviewer's audio when the candidate speaks over it, and hands each finished
answer to the same interview engine the text room uses, so a spoken answer is stored exactly like
a typed one.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from pipecat.frames.frames import (
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    CancelFrame,
    CancelTaskFrame,
    EndFrame,
    EndTaskFrame,
    Frame,
    InputAudioRawFrame,
    InputTransportMessageFrame,
    OutputTransportMessageUrgentFrame,
    StartFrame,
    TranscriptionFrame,
    TTSSpeakFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor
from sqlalchemy.orm import Session, sessionmaker

from greenroom.interviews.engine import InterviewEngine, InterviewError
from greenroom.interviews.models import Interview, Speaker, Status, Turn
from greenroom.interviews.schemas import MAX_ANSWER_CHARS
from greenroom.providers.stt import SAMPLE_RATE, Audio, SpeechToText, TranscriptionError
from greenroom.providers.turn import SmartTurn
from greenroom.speech.delivery import analyse
from greenroom.speech.recordings import Recordings
from greenroom.speech.turns import Move, TurnSignals, asks_for_a_moment, decide

log = logging.getLogger(__name__)
TICK_S = 0.1
TRANSCRIPT_WAIT_S = 2.5  # longest wait for the last segment's words before deciding anyway
BACKCHANNELS = ("Mhm.", "Right.", "Okay.")
MAX_ANSWER_S = 15 * 60  # audio kept per answer, at most
AUDIO_STALL_S = 1.5  # no audio for this long: the page stopped sending; see _audio_clock
REFINED_MIN_SHARE, REFINED_MAX_SHARE = 0.5, 1.4  # see refined_text


@dataclass(frozen=True)
class Keeping:
    """The candidate opted in to keeping their answers' audio (Settings → Voice)."""

    recordings: Recordings
    user_id: int


def refined_text(live: str, whole: str) -> str:
    """The answer's stored words once the whole answer has been transcribed again.

    Live captions come from short segments cut at every pause, and Whisper guesses worse without
    the words around them ("salted password" heard as "that's all that passed word"). The whole
    answer in one pass reads better, so it replaces the live text, unless the word counts differ
    too much to trust it (less than half: it lost words; over 1.4 times: it invented some, as
    Whisper does in silence) or it is longer than a typed answer may be.
    """
    whole = " ".join(whole.split())
    if not whole or len(whole) > MAX_ANSWER_CHARS:
        return live
    share = len(whole.split()) / max(1, len(live.split()))
    if live.strip() and not REFINED_MIN_SHARE <= share <= REFINED_MAX_SHARE:
        return live
    return whole


@dataclass
class Answer:
    """What the candidate has said since the interviewer last spoke."""

    audio: bytearray
    segments: list[str]
    speech_s: float = 0.0
    speaking_since: float | None = None
    silent_since: float | None = None
    smart_turn: float | None = None
    awaiting_words: bool = False  # a segment ended and its transcript has not arrived yet
    waiting: bool = False  # "give me a moment"

    @classmethod
    def empty(cls) -> Answer:
        return cls(audio=bytearray(), segments=[])

    @property
    def text(self) -> str:
        return " ".join(s.strip() for s in self.segments if s.strip())


class VoiceInterviewer(FrameProcessor):
    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        engine: InterviewEngine,
        interview_id: int,
        name: str,
        smart_turn: SmartTurn,
        transcriber: SpeechToText | None = None,
        clock: Callable[[], float] | None = None,
        keep: Keeping | None = None,
    ) -> None:
        super().__init__(name="greenroom-interviewer")
        self.sessions, self.engine = sessions, engine
        self.interview_id, self.candidate_name = interview_id, name
        self.smart_turn = smart_turn
        self.heard_s = 0.0  # seconds of audio received
        self.last_audio_at = time.monotonic()
        self.audio_time = 0.0
        self.clock = clock or self._audio_clock
        self.transcriber = transcriber  # the whole answer again: word timings, and a retry
        self.keep = keep  # where the answers' audio is kept, when the candidate opted in
        self.measuring: set[asyncio.Task[None]] = set()
        self.job_terms: tuple[str, ...] = ()  # the setup's technologies, looked for in answers
        self.answer = Answer.empty()
        self.bot_speaking = False
        self.busy = False  # deciding and storing an answer
        self.started = False  # the client sent "start"
        self.listening = False  # a question is waiting for an answer
        self.suggested_s = 120.0
        self.last_backchannel = -1e9
        self.backchannel_index = 0
        self.backchanneling = False  # a "mhm" is playing: the candidate still has the floor
        self.done = False
        self._ticker: asyncio.Task[None] | None = None

    # --- frames -------------------------------------------------------------------------
    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if isinstance(frame, StartFrame):
            await self.push_frame(frame, direction)
            self._ticker = self.create_task(self._tick_forever(), "greenroom-turn-ticker")
        elif isinstance(frame, (EndFrame, CancelFrame)):
            if self._ticker is not None:
                await self.cancel_task(self._ticker)
                self._ticker = None
            await self.push_frame(frame, direction)
        elif isinstance(frame, InputAudioRawFrame):
            self.heard_s += len(frame.audio) / (2 * frame.sample_rate * frame.num_channels)
            self.last_audio_at = time.monotonic()
            self._keep_audio(frame.audio)
        elif isinstance(frame, VADUserStartedSpeakingFrame):
            await self._speech_started()
            await self.push_frame(frame, direction)
        elif isinstance(frame, VADUserStoppedSpeakingFrame):
            await self._speech_stopped()
            await self.push_frame(frame, direction)
        elif isinstance(frame, TranscriptionFrame):
            await self._heard(frame.text)
        elif isinstance(frame, BotStartedSpeakingFrame):
            self.bot_speaking = True
            if not self.backchanneling:
                await self._send({"type": "state", "state": "speaking"})
            await self.push_frame(frame, direction)
        elif isinstance(frame, BotStoppedSpeakingFrame):
            self.bot_speaking = False
            if self.backchanneling:
                self.backchanneling = False
            else:
                await self._bot_finished()
            await self.push_frame(frame, direction)
        elif isinstance(frame, InputTransportMessageFrame):
            await self._client_message(frame.message)
        else:
            await self.push_frame(frame, direction)

    def _audio_clock(self) -> float:
        """Time as the audio heard tells it. Silences are measured in audio, not wall time:
        when the machine is busy the detector's events arrive late, and wall time would count
        that lag as the candidate's silence and cut them off. A page that stops sending audio
        altogether is timed by the wall clock after AUDIO_STALL_S, so a turn still ends."""
        stalled = max(0.0, time.monotonic() - self.last_audio_at - AUDIO_STALL_S)
        self.audio_time = max(self.audio_time, self.heard_s + stalled)
        return self.audio_time

    # --- the candidate ------------------------------------------------------------------
    def _keep_audio(self, pcm: bytes) -> None:
        if self.listening and len(self.answer.audio) < MAX_ANSWER_S * SAMPLE_RATE * 2:
            self.answer.audio.extend(pcm)

    async def _speech_started(self) -> None:
        now = self.clock()
        if self.bot_speaking:  # barge-in: stop talking and listen
            await self.broadcast_interruption()  # type: ignore[no-untyped-call]
            self.bot_speaking = self.backchanneling = False
            await self._send({"type": "state", "state": "listening"})
        self.answer.speaking_since, self.answer.silent_since = now, None
        self.answer.smart_turn, self.answer.waiting = None, False

    async def _speech_stopped(self) -> None:
        now = self.clock()
        if self.answer.speaking_since is not None:
            self.answer.speech_s += now - self.answer.speaking_since
        self.answer.speaking_since, self.answer.silent_since = None, now
        self.answer.awaiting_words = True
        if self.listening and self.answer.audio:
            samples = self._samples(self.answer.audio)
            self.answer.smart_turn = await asyncio.to_thread(self.smart_turn.probability, samples)

    async def _heard(self, text: str) -> None:
        self.answer.awaiting_words = False
        if not text.strip() or not self.listening:
            return
        self.answer.segments.append(text)
        if asks_for_a_moment(text):
            self.answer.waiting = True
        await self._send(
            {"type": "caption", "speaker": "candidate", "text": self.answer.text, "final": True}
        )

    # --- deciding -----------------------------------------------------------------------
    async def _tick_forever(self) -> None:
        while True:
            await asyncio.sleep(TICK_S)
            if self.listening and not self.busy and not self.bot_speaking:
                await self._consider()

    async def _consider(self) -> None:
        now, answer = self.clock(), self.answer
        if answer.speaking_since is not None or answer.silent_since is None:
            return
        silence = now - answer.silent_since
        if answer.awaiting_words and silence < TRANSCRIPT_WAIT_S:
            return  # the last words are still being transcribed
        move = decide(
            TurnSignals(
                silence_s=silence,
                transcript=answer.text,
                speech_s=answer.speech_s,
                suggested_s=self.suggested_s,
                smart_turn=answer.smart_turn,
                since_backchannel_s=now - self.last_backchannel,
                waiting=answer.waiting,
            )
        )
        if move == Move.END_TURN:
            await self._finish_answer()
        elif move == Move.BACKCHANNEL:
            self.last_backchannel = now
            phrase = BACKCHANNELS[self.backchannel_index % len(BACKCHANNELS)]
            self.backchannel_index += 1
            self.backchanneling = True
            await self.push_frame(TTSSpeakFrame(phrase))

    async def _finish_answer(self) -> None:
        self.busy, self.listening = True, False
        answer, audio = self.answer, self._samples(self.answer.audio)
        text = answer.text
        await self._send({"type": "state", "state": "thinking"})
        if not text and answer.speech_s >= 1.0 and self.transcriber is not None:
            text = await self._transcribe_again(audio)  # the segments gave nothing: retry
            if not text:
                await self._did_not_catch()
                return
        try:
            turns, status, seq = await asyncio.to_thread(self._store_answer, text)
        except InterviewError as error:
            await self._send({"type": "error", "message": error.message, "fatal": False})
            self.busy = False
            return
        self.answer = Answer.empty()
        self.busy = False
        if text and self.transcriber is not None:
            task = self.create_task(self._measure(seq, audio), f"greenroom-delivery-{seq}")
            self.measuring.add(task)
            task.add_done_callback(self.measuring.discard)
        await self._say(turns)
        if status == Status.COMPLETED.value:
            self.done = True

    def _store_answer(self, text: str) -> tuple[list[dict[str, Any]], str, int]:
        with self.sessions() as db:
            interview = self._interview(db)
            outcome = self.engine.record_answer(db, interview, text)
            if outcome.refused:
                raise InterviewError(outcome.refused)
            seq = outcome.turns[-1].seq
            db.commit()  # the answer is safe before the interviewer decides what comes next
            turns = self.engine.respond(db, interview, self.candidate_name)
            db.commit()
            return [self._turn_view(interview, t) for t in turns], interview.status, seq

    async def _transcribe_again(self, audio: Audio) -> str:
        assert self.transcriber is not None
        try:
            heard = await asyncio.to_thread(self.transcriber.transcribe, audio)
        except TranscriptionError:
            log.warning("transcription failed", extra={"interview_id": self.interview_id})
            return ""
        return heard.text

    async def _did_not_catch(self) -> None:
        """Nothing could be transcribed: say so and listen again; nothing is stored."""
        line = "Sorry, I didn't catch that. Could you say it again?"
        await self._send({"type": "caption", "speaker": "interviewer", "text": line, "final": True})
        await self.push_frame(TTSSpeakFrame(line))
        self.answer = Answer.empty()
        self.busy = False

    async def _measure(self, seq: int, audio: Audio) -> None:
        """E1: the delivery of a stored answer, from its audio; the audio is then dropped."""
        assert self.transcriber is not None
        try:
            heard = await asyncio.to_thread(self.transcriber.transcribe, audio)
            # The audio starts when the interviewer stopped asking: question_ended_at_s is 0.
            delivery = await asyncio.to_thread(
                lambda: analyse(audio, heard.words, job_terms=self.job_terms)
            )
            await asyncio.to_thread(self._store_delivery, seq, delivery.to_dict(), heard.text)
        except (TranscriptionError, ValueError) as error:
            log.warning(
                "delivery not measured: %s", error, extra={"interview_id": self.interview_id}
            )
        if self.keep is not None:  # opted in; otherwise the audio goes with this task
            try:
                keep = self.keep
                await asyncio.to_thread(
                    keep.recordings.save, keep.user_id, self.interview_id, seq, audio
                )
            except OSError as error:
                log.warning(
                    "recording not kept: %s", error, extra={"interview_id": self.interview_id}
                )

    def _store_delivery(self, seq: int, delivery: dict[str, Any], whole_text: str) -> None:
        with self.sessions() as db:
            interview = self._interview(db)
            turn = next(t for t in interview.turns if t.seq == seq)
            meta = {**turn.meta, "delivery": delivery, "spoken": True}
            text = refined_text(turn.text, whole_text)
            if text != turn.text:  # the report reads the better transcript; the live one stays
                meta["live_text"], turn.text = turn.text, text
            turn.meta = meta
            db.commit()

    @staticmethod
    def _samples(pcm: bytearray) -> Audio:
        return (np.frombuffer(bytes(pcm), dtype=np.int16) / 32768).astype(np.float32)

    # --- the interviewer ----------------------------------------------------------------
    async def _begin(self) -> None:
        """After "start": greet and ask, or say the question waiting since last time."""
        turns, status, prompt = await asyncio.to_thread(self._opening)
        await self._send(
            {"type": "ready", "sample_rate": 22_050, "interview": {"id": self.interview_id}}
        )
        if status == Status.COMPLETED.value:
            self.done = True
            await self._send({"type": "done", "report_url": self._report_url()})
            return
        await self._say(turns or ([prompt] if prompt else []))

    def _opening(self) -> tuple[list[dict[str, Any]], str, dict[str, Any] | None]:
        with self.sessions() as db:
            interview = self._interview(db)
            if interview.status == Status.PAUSED.value:
                self.engine.resume(db, interview)
            started = self.engine.start(db, interview, self.candidate_name)
            self.engine.respond(db, interview, self.candidate_name)  # heal a crash mid-answer
            db.commit()
            prompt = self.engine.prompt(interview)
            current = self._turn_view(interview, prompt.turn) if prompt else None
            self.job_terms = tuple(interview.setup.get("technologies", []))
            return [self._turn_view(interview, t) for t in started], interview.status, current

    async def _say(self, turns: list[dict[str, Any]]) -> None:
        """The interviewer's new turns, as one utterance: a pause between a greeting and the
        question must not look like the moment to answer."""
        lines = []
        for turn in turns:
            await self._send({"type": "turn", **turn})
            spoken = f"{turn['preface']} {turn['text']}".strip()
            await self._send(
                {"type": "caption", "speaker": "interviewer", "text": spoken, "final": True}
            )
            lines.append(spoken)
            if turn.get("answer_time_s"):
                self.suggested_s = float(turn["answer_time_s"])
        if lines:
            await self.push_frame(TTSSpeakFrame(" ".join(lines)))

    async def _bot_finished(self) -> None:
        if self.done:
            if self.measuring:  # the report must see the last answer's delivery
                await asyncio.gather(*self.measuring, return_exceptions=True)
            await self._send({"type": "done", "report_url": self._report_url()})
            await self.push_frame(EndTaskFrame(), FrameDirection.UPSTREAM)
            return
        if not self.busy:
            self.listening = True
            if self.answer.silent_since is None and self.answer.speaking_since is None:
                self.answer.silent_since = self.clock()  # thinking time starts now
            await self._send({"type": "state", "state": "listening"})

    # --- the page -----------------------------------------------------------------------
    async def _client_message(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "protocol_error":
            await self._send({"type": "error", "message": message["message"], "fatal": True})
            await asyncio.sleep(0.1)  # let the reason reach the page before the socket closes
            await self.push_frame(CancelTaskFrame(), FrameDirection.UPSTREAM)
        elif kind == "start" and not self.started:
            self.started = True
            await self._begin()
        elif kind == "moment" and self.listening:
            self.answer.waiting = True
            await asyncio.to_thread(self._record_moment)
            await self._send({"type": "state", "state": "waiting"})
        elif kind == "end":
            self.listening = False
            turns = await asyncio.to_thread(self._end_now)
            self.done = True
            await self._say(turns)

    def _record_moment(self) -> None:
        with self.sessions() as db:
            self.engine.ask_for_moment(db, self._interview(db))
            db.commit()

    def _end_now(self) -> list[dict[str, Any]]:
        with self.sessions() as db:
            interview = self._interview(db)
            turn = self.engine.end_early(db, interview, self.candidate_name)
            db.commit()
            return [self._turn_view(interview, turn)]

    async def _send(self, message: dict[str, Any]) -> None:
        await self.push_frame(OutputTransportMessageUrgentFrame(message=message))

    def _interview(self, db: Session) -> Interview:
        interview = db.get(Interview, self.interview_id)
        if interview is None:
            raise InterviewError("This interview no longer exists.")
        return interview

    def _turn_view(self, interview: Interview, turn: Turn) -> dict[str, Any]:
        return {
            "kind": turn.kind,
            "speaker": turn.speaker,
            "preface": turn.preface if turn.speaker == Speaker.INTERVIEWER else "",
            "text": turn.text,
            "number": (turn.question_index or 0) + 1,
            "total": len(interview.plan),
            "answer_time_s": turn.meta.get("answer_time_s"),
        }

    def _report_url(self) -> str:
        return f"/interviews/{self.interview_id}/report"
