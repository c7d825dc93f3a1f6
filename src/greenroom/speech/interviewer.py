"""The voice interviewer: Greenroom's processor in the Pipecat pipeline.

It sits between speech-to-text and text-to-speech. It keeps the answer's audio and words, asks
the turn policy (speech/turns.py) what to do as each silence grows, back-channels at natural
pauses, stops the interviewer's audio when the candidate speaks over it, and hands each finished
answer to the same interview engine the text room uses, so a spoken answer is stored exactly like
a typed one.

The interviewer replies soon after a finished sentence, so it will sometimes reply to a
candidate who had more to say. When the candidate speaks within YIELD_S of the reply starting
(or while it is being prepared), the interviewer stops, the reply and the stored answer are
taken back (InterviewEngine.take_back), and the answer goes on as one: its audio and words
include what was said meanwhile.
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
    CancelWorkerFrame,
    EndFrame,
    EndWorkerFrame,
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
from greenroom.interviews.models import Interview, Speaker, Status, Turn, TurnKind
from greenroom.providers.stt import (
    SAMPLE_RATE,
    Audio,
    SpeechToText,
    Transcript,
    TranscriptionError,
)
from greenroom.providers.turn import SmartTurn
from greenroom.speech.answers import Answer, Reply, refined_text, until_speech_ends
from greenroom.speech.delivery import analyse
from greenroom.speech.recordings import Recordings
from greenroom.speech.turns import (
    Move,
    TurnSignals,
    asks_for_a_moment,
    decide,
    unsure_ending,
)

log = logging.getLogger(__name__)
TICK_S = 0.05  # how often the turn policy looks at the silence
# Longest wait for segments' words before deciding anyway. Every segment's transcript arrives
# (empty when nothing was heard, or when transcription failed), so this is only a safety net;
# on a machine busy with other work a few seconds' segment has taken 6-7 s to transcribe.
TRANSCRIPT_WAIT_S = 10.0
YIELD_S = 3.0  # speaking this soon after the interviewer's reply starts takes the reply back
BACKCHANNELS = ("Mhm.", "Right.", "Okay.")
MAX_ANSWER_S = 15 * 60  # audio kept per answer, at most
AUDIO_STALL_S = 1.5  # no audio for this long: the page stopped sending; see _audio_clock


@dataclass(frozen=True)
class Keeping:
    """The candidate opted in to keeping their answers' audio (Settings → Voice)."""

    recordings: Recordings
    user_id: int


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
        self.reply: Reply | None = None  # the last reply, while it can be taken back
        self.yields = 0  # replies the candidate took back by going on
        self.untranscribed = 0  # segments the detector ended whose words have not arrived
        self._preparing: asyncio.Task[None] | None = None
        self.done = False
        self._ticker: asyncio.Task[None] | None = None

    # --- frames -------------------------------------------------------------------------
    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if isinstance(frame, StartFrame):
            await self.push_frame(frame, direction)
            self._ticker = self.create_task(self._tick_forever(), "greenroom-turn-ticker")
        elif isinstance(frame, (EndFrame, CancelFrame)):
            self._settle()
            for task in (self._ticker, self._preparing):
                if task is not None and not task.done():
                    await self.cancel_task(task)
            self._ticker = self._preparing = None
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
            await self._heard(frame.text, frame.result)
        elif isinstance(frame, BotStartedSpeakingFrame):
            self.bot_speaking = True
            if self.reply is not None and self.reply.speaking_at is None:
                self.reply.speaking_at = self.clock()
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
        limit = MAX_ANSWER_S * SAMPLE_RATE * 2
        if self.listening and len(self.answer.audio) < limit:
            self.answer.audio.extend(pcm)
        elif self.reply is not None and len(self.reply.audio_after) < limit:
            self.reply.audio_after.extend(pcm)  # part of the answer if the candidate goes on

    async def _speech_started(self) -> None:
        reply = self.reply
        if reply is not None and self._may_take_back():
            if reply.seq is None:
                reply.went_on = True  # taken back as soon as it is stored
            else:
                await self._take_back(reply)
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
        self.untranscribed += 1
        if self.listening and self.answer.audio:
            samples = self._samples(self.answer.audio)
            self.answer.smart_turn = await asyncio.to_thread(self.smart_turn.probability, samples)

    async def _heard(self, text: str, result: object = None) -> None:
        self.untranscribed = max(0, self.untranscribed - 1)
        if text.strip() and not self.listening and self.reply is not None:
            self.reply.heard_after.append(text)  # joins the answer if the candidate goes on
        if not text.strip() or not self.listening:
            return
        self.answer.segments.append(text)
        words = result.words if isinstance(result, Transcript) else []
        self.answer.unsure_ending = bool(words) and unsure_ending(
            words[-1].text, words[-1].probability
        )
        if asks_for_a_moment(text):
            self.answer.waiting = True
        if self._preparing is None or self._preparing.done():
            self._preparing = self.create_task(
                self._prepare(self.answer.text), "greenroom-prepare-answer"
            )
        # The page appends each segment to the candidate's line: send this segment's words only.
        await self._caption(text)

    async def _caption(self, text: str) -> None:
        caption = {"type": "caption", "speaker": "candidate", "text": text.strip(), "final": True}
        await self._send(caption)

    async def _prepare(self, text: str) -> None:
        """Work on the answer so far while the candidate pauses: replying to a long answer
        then only matches its last words (the key-point matcher embeds every sentence)."""
        try:
            await asyncio.to_thread(self.engine.matcher.prepare, text)
        except (RuntimeError, ValueError) as error:  # only ever a head start; the reply redoes it
            log.warning("answer not prepared: %s", error, extra={"interview_id": self.interview_id})

    # --- deciding -----------------------------------------------------------------------
    async def _tick_forever(self) -> None:
        while True:
            await asyncio.sleep(TICK_S)
            reply = self.reply
            if reply is not None and reply.speaking_at is not None and not self._may_take_back():
                self._settle()
            if self.listening and not self.busy and not self.bot_speaking:
                await self._consider()

    async def _consider(self) -> None:
        now, answer = self.clock(), self.answer
        if answer.speaking_since is not None or answer.silent_since is None:
            return
        silence = now - answer.silent_since
        if self.untranscribed and silence < TRANSCRIPT_WAIT_S:
            return  # words are still being transcribed (not only the last segment's)
        move = decide(
            TurnSignals(
                silence_s=silence,
                transcript=answer.text,
                speech_s=answer.speech_s,
                suggested_s=self.suggested_s,
                smart_turn=answer.smart_turn,
                since_backchannel_s=now - self.last_backchannel,
                waiting=answer.waiting,
                yields=self.yields,
                unsure_ending=answer.unsure_ending,
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
        reply = self.reply = Reply(answer=answer, settled=asyncio.Event())
        try:
            turns, status, seq, prompt = await asyncio.to_thread(self._store_answer, text)
        except InterviewError as error:
            self.reply = None
            await self._send({"type": "error", "message": error.message, "fatal": False})
            self._listen_again(answer)
            return
        reply.seq, reply.prompt = seq, prompt
        self.answer = Answer.empty()
        self.busy = False
        if text and self.transcriber is not None:
            task = self.create_task(self._measure(reply, audio), f"greenroom-delivery-{seq}")
            self.measuring.add(task)
            task.add_done_callback(self.measuring.discard)
        if status == Status.COMPLETED.value:
            self.done = True
        if reply.went_on:  # the candidate went on while the reply was being prepared
            if self.reply is reply:
                await self._take_back(reply)
            return
        if not turns:
            self._settle()
        reply.said = bool(turns)
        await self._say(turns)

    def _store_answer(
        self, text: str
    ) -> tuple[list[dict[str, Any]], str, int, dict[str, Any] | None]:
        with self.sessions() as db:
            interview = self._interview(db)
            waiting = self.engine.prompt(interview)
            prompt = self._turn_view(interview, waiting.turn) if waiting else None
            outcome = self.engine.record_answer(db, interview, text)
            if outcome.refused:
                raise InterviewError(outcome.refused)
            seq = outcome.turns[-1].seq
            db.commit()  # the answer is safe before the interviewer decides what comes next
            turns = self.engine.respond(db, interview, self.candidate_name)
            db.commit()
            return [self._turn_view(interview, t) for t in turns], interview.status, seq, prompt

    # --- giving the floor back ----------------------------------------------------------
    def _may_take_back(self) -> bool:
        reply = self.reply
        if reply is None or reply.taken_back or reply.settled.is_set():
            return False
        return reply.speaking_at is None or self.clock() - reply.speaking_at <= YIELD_S

    def _settle(self) -> None:
        """The reply stands: the candidate let the interviewer speak."""
        if self.reply is not None:
            self.reply.settled.set()
            self.reply = None

    async def _take_back(self, reply: Reply) -> None:
        """The candidate went on: stop, withdraw the reply and the stored answer, and listen
        to the same answer again, with what was said meanwhile."""
        assert reply.seq is not None
        self.busy, self.done = True, False
        reply.taken_back = True
        self._settle()
        if reply.said:  # playing, or still being made: either way it must not be heard
            await self.broadcast_interruption()  # type: ignore[no-untyped-call]
            self.bot_speaking = self.backchanneling = False
        try:
            await asyncio.to_thread(self._withdraw, reply.seq)
        except InterviewError as error:  # the interview moved on meanwhile: the reply stands
            log.info("reply not taken back: %s", error, extra={"interview_id": self.interview_id})
            self.busy = False
            self.listening = True
            await self._send({"type": "state", "state": "listening"})
            return
        answer = reply.answer
        answer.audio.extend(reply.audio_after)
        answer.segments += reply.heard_after
        self.yields += 1
        await self._send({"type": "resumed", "prompt": reply.prompt})
        if reply.heard_after:  # heard while the reply played: not captioned until now
            await self._caption(" ".join(reply.heard_after))
        self._listen_again(answer)
        await self._send({"type": "state", "state": "listening"})

    def _listen_again(self, answer: Answer) -> None:
        answer.waiting = False
        answer.smart_turn = None
        self.answer = answer
        self.busy, self.listening = False, True

    def _withdraw(self, seq: int) -> None:
        with self.sessions() as db:
            self.engine.take_back(db, self._interview(db), seq)
            db.commit()

    async def _transcribe_again(self, audio: Audio) -> str:
        assert self.transcriber is not None
        try:
            heard = await asyncio.to_thread(self.transcriber.transcribe, until_speech_ends(audio))
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

    async def _measure(self, reply: Reply, audio: Audio) -> None:
        """E1: the delivery of a stored answer, from its audio; the audio is then dropped.
        It waits until the reply stands: a taken-back answer is measured once, whole, and the
        interviewer's first words do not share the processor with a whole-answer transcription."""
        assert self.transcriber is not None and reply.seq is not None
        await reply.settled.wait()
        if reply.taken_back:
            return
        seq = reply.seq
        try:
            heard = await asyncio.to_thread(self.transcriber.transcribe, until_speech_ends(audio))
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
            turn = next((t for t in interview.turns if t.seq == seq), None)
            if turn is None or turn.kind != TurnKind.ANSWER:
                return  # taken back meanwhile
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
        self._settle()  # a reply heard to its end stands: speaking now answers the next prompt
        if self.done:
            if self.measuring:  # the report must see the last answer's delivery
                await asyncio.gather(*self.measuring, return_exceptions=True)
            await self._send({"type": "done", "report_url": self._report_url()})
            await self.push_frame(EndWorkerFrame(), FrameDirection.UPSTREAM)
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
            await self.push_frame(CancelWorkerFrame(), FrameDirection.UPSTREAM)
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
