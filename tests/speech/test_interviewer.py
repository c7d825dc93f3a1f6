"""The voice interviewer processor in a Pipecat test pipeline, on the real database and engine:
barge-in, back-channels at natural pauses, "give me a moment", and bad input."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from pipecat.frames.frames import (
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    CancelWorkerFrame,
    Frame,
    InputAudioRawFrame,
    InputTransportMessageFrame,
    InterruptionFrame,
    OutputTransportMessageUrgentFrame,
    TranscriptionFrame,
    TTSSpeakFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.tests.utils import SleepFrame, run_test
from sqlalchemy.orm import Session

from greenroom.accounts.models import User
from greenroom.config import Settings
from greenroom.db import make_engine, make_session_factory
from greenroom.interviews.engine import InterviewEngine
from greenroom.interviews.models import Interview, TurnKind
from greenroom.interviews.schemas import MAX_ANSWER_CHARS, Setup
from greenroom.questions.matcher import KeyPointMatcher, answer_pieces
from greenroom.speech import interviewer as speech_interviewer
from greenroom.speech import turns
from greenroom.speech.answers import refined_text
from greenroom.speech.interviewer import BACKCHANNELS, VoiceInterviewer
from greenroom.speech.models import default_voice_models
from greenroom.speech.serializer import protocol_error
from tests.speech.pipelines import in_own_loop

START = InputTransportMessageFrame(message={"type": "start", "sample_rate": 16000})
SILENCE = InputAudioRawFrame(audio=bytes(640), sample_rate=16000, num_channels=1)


def warped(factor: float) -> Callable[[], float]:
    """A clock running `factor` times faster than real time."""
    origin = time.monotonic()
    return lambda: origin + (time.monotonic() - origin) * factor


def interviewer(
    settings: Settings,
    engine: InterviewEngine,
    interview: Interview,
    factor: float = 1.0,
    *,
    audio_clock: bool = False,
) -> VoiceInterviewer:
    """The processor; on a wall clock (sped up by `factor`) unless `audio_clock`, the default
    of the product, which counts the audio heard."""
    sessions = make_session_factory(make_engine(settings.resolved_database_url))
    return VoiceInterviewer(
        sessions=sessions,
        engine=engine,
        interview_id=interview.id,
        name="Cand",
        smart_turn=default_voice_models().smart_turn,
        clock=None if audio_clock else warped(factor),
    )


def planned(db: Session, user: User, engine: InterviewEngine) -> Interview:
    setup = Setup.model_validate({"role": "backend", "question_count": 2, "mode": "voice"})
    interview = engine.create(db, user.id, setup, seed=4)
    db.commit()
    return interview


def messages(frames: list[Frame]) -> list[dict[str, object]]:
    return [f.message for f in frames if isinstance(f, OutputTransportMessageUrgentFrame)]


def candidate_captions(frames: list[Frame]) -> list[object]:
    sent = messages(frames)
    return [m["text"] for m in sent if m["type"] == "caption" and m["speaker"] == "candidate"]


def run(processor: VoiceInterviewer, frames: list[Frame]) -> list[Frame]:
    """The frames the processor sent on, given `frames` in a test pipeline."""
    down, _ = in_own_loop(run_test(processor, frames_to_send=frames))
    return list(down)


def test_speaking_over_the_interviewer_stops_it(
    settings: Settings, db: Session, user: User, interview_engine: InterviewEngine
) -> None:
    processor = interviewer(settings, interview_engine, planned(db, user, interview_engine))
    down = run(
        processor,
        [
            START,
            SleepFrame(0.3),
            BotStartedSpeakingFrame(),
            VADUserStartedSpeakingFrame(),
            SleepFrame(0.1),
        ],
    )
    kinds = [type(f) for f in down]
    spoken = [f for f in down if isinstance(f, TTSSpeakFrame)]
    assert len(spoken) == 1  # the greeting and the first question, as one utterance
    assert InterruptionFrame in kinds
    assert kinds.index(InterruptionFrame) > kinds.index(TTSSpeakFrame)
    assert {"type": "state", "state": "listening"} in messages(down)


def test_a_backchannel_comes_at_a_pause_in_a_long_answer_not_during_speech(
    settings: Settings,
    db: Session,
    user: User,
    interview_engine: InterviewEngine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Real time, with "a long answer" shortened to 1.5 s so the test stays quick and steady.
    monkeypatch.setattr(turns, "BACKCHANNEL_AFTER_SPEECH_S", 1.5)
    processor = interviewer(settings, interview_engine, planned(db, user, interview_engine))
    down = run(
        processor,
        [
            START,
            SleepFrame(0.3),
            BotStartedSpeakingFrame(),
            BotStoppedSpeakingFrame(),  # the question was asked: listening
            VADUserStartedSpeakingFrame(),
            *[SILENCE] * 5,
            SleepFrame(2.0),  # speaking: no back-channel
            VADUserStoppedSpeakingFrame(),
            TranscriptionFrame("We moved the jobs to a queue in May.", "cand", "t"),
            SleepFrame(1.5),  # a natural pause
        ],
    )
    frames = down
    spoken = [f.text for f in frames if isinstance(f, TTSSpeakFrame)]
    backchannels = [text for text in spoken if text in BACKCHANNELS]
    assert len(backchannels) == 1
    stopped = next(i for i, f in enumerate(frames) if isinstance(f, VADUserStoppedSpeakingFrame))
    said = next(i for i, f in enumerate(frames) if getattr(f, "text", "") in BACKCHANNELS)
    assert said > stopped  # never while the candidate was speaking


def test_a_moment_is_recorded_and_the_interviewer_waits(
    settings: Settings, db: Session, user: User, interview_engine: InterviewEngine
) -> None:
    interview = planned(db, user, interview_engine)
    processor = interviewer(settings, interview_engine, interview, factor=20.0)
    down = run(
        processor,
        [
            START,
            SleepFrame(0.3),
            BotStartedSpeakingFrame(),
            BotStoppedSpeakingFrame(),
            InputTransportMessageFrame(message={"type": "moment"}),
            SleepFrame(1.0),  # 20 s on the warped clock: longer than any silence rule
        ],
    )
    assert {"type": "state", "state": "waiting"} in messages(down)
    db.expire_all()
    turns = db.get(Interview, interview.id).turns  # type: ignore[union-attr]
    assert [t.kind for t in turns][-2:] == [TurnKind.MOMENT, TurnKind.MOMENT_REPLY]
    assert not any(t.kind == TurnKind.ANSWER for t in turns)


# The question was asked; the candidate spoke for a second of audio and stopped.
SPOKE_A_SECOND: list[Frame] = [
    START,
    SleepFrame(0.3),
    BotStartedSpeakingFrame(),
    BotStoppedSpeakingFrame(),
    VADUserStartedSpeakingFrame(),
    *[SILENCE] * 50,
    VADUserStoppedSpeakingFrame(),
]
PAUSED_MID_SENTENCE = [
    *SPOKE_A_SECOND,
    TranscriptionFrame("I would start by looking at the", "cand", "t"),
]


def test_silence_is_counted_in_audio_heard_not_in_time_the_server_lagged(
    settings: Settings, db: Session, user: User, interview_engine: InterviewEngine
) -> None:
    processor = interviewer(
        settings, interview_engine, planned(db, user, interview_engine), audio_clock=True
    )
    marker = TTSSpeakFrame("(no audio arrived for 4.5 s)")
    down = run(
        processor,
        [
            *PAUSED_MID_SENTENCE,
            # Longer than the 4 s allowed mid-sentence, but no audio arrived: only what
            # exceeds the 1.5 s stall allowance counts (3 s).
            SleepFrame(4.5),
            marker,
            *[SILENCE] * 215,  # 4.3 s of silence heard, arriving all at once
            SleepFrame(1.0),
        ],
    )
    frames = down
    thinking = next(
        i
        for i, f in enumerate(frames)
        if isinstance(f, OutputTransportMessageUrgentFrame)
        and f.message == {"type": "state", "state": "thinking"}
    )
    assert thinking > frames.index(marker)  # the turn ended only once the silence was heard


def test_a_page_that_stops_sending_audio_still_gets_its_turn_ended(
    settings: Settings, db: Session, user: User, interview_engine: InterviewEngine
) -> None:
    processor = interviewer(
        settings, interview_engine, planned(db, user, interview_engine), audio_clock=True
    )
    down = run(
        processor,
        [
            *PAUSED_MID_SENTENCE,
            SleepFrame(6.5),  # no audio at all: 4 s mid-sentence + the 1.5 s allowance
        ],
    )
    assert {"type": "state", "state": "thinking"} in messages(down)


def test_malformed_input_ends_the_session_with_the_reason(
    settings: Settings, db: Session, user: User, interview_engine: InterviewEngine
) -> None:
    processor = interviewer(settings, interview_engine, planned(db, user, interview_engine))
    down, up = in_own_loop(
        run_test(
            processor,
            frames_to_send=[START, SleepFrame(0.2), protocol_error("Audio must be 16-bit PCM.")],
        )
    )
    errors = [m for m in messages(list(down)) if m["type"] == "error"]
    assert errors == [{"type": "error", "message": "Audio must be 16-bit PCM.", "fatal": True}]
    assert any(isinstance(f, CancelWorkerFrame) for f in up)


def test_the_whole_answer_heard_again_replaces_the_live_words_unless_it_lost_them() -> None:
    live = "I'd store passwords with a slow. That's all that passed word hashing function."
    whole = "I'd store passwords with a slow, salted password hashing function."
    assert refined_text(live, whole) == whole
    assert refined_text(live, "  Thank   you. ") == live  # lost most of the words
    invented = f"{whole} Thanks for watching. We will see you next time."
    assert refined_text(live, invented) == live  # far more words than were heard live
    assert refined_text(live, "") == live
    # Whisper on the whole answer stopped early: the live words kept the end.
    live = "I built a donor report that the fundraising team used to plan a mail campaign."
    assert refined_text(live, "I built a donor report that the") == live
    # ...even when a common word of the live ending ("a") is among its last words by chance.
    live = f"During my internship as a data analyst at a charity. {live}"
    early = "During my internship as a data analyst at a charity, I built a donor report that the"
    assert refined_text(live, early) == live
    assert refined_text(live, live.replace("donor", "doner")) != live  # the ending is kept
    assert refined_text("", "Mhm, yes.") == "Mhm, yes."
    assert refined_text(live, "word " * (MAX_ANSWER_CHARS // 4)) == live  # longer than allowed
    # Words Whisper added after the recording's end go; the candidate's own thanks stay.
    live = "I told my supervisor and said I already had a fix in progress."
    whole = "I told my supervisor, and said I already had a fix in progress."
    assert refined_text(live, f"{whole} course.") == whole
    assert refined_text(live, f"{whole} Thank you, Chris.") == whole
    thanked = f"{live} Thank you."
    assert refined_text(thanked, f"{whole} Thank you.") == f"{whole} Thank you."
    # Four words on are not taken for invented ones...
    on_time = f"{whole} It shipped on time."
    assert refined_text(live, on_time) == on_time
    # ...but where the live ending is not among the last words, the live words are kept.
    assert refined_text(live, f"{whole} It shipped a week later.") == live
    misheard = whole.replace("in progress.", "in process.")
    assert refined_text(live, f"{misheard} course.") == live
    # Words are compared alike in both texts, whatever joins them ("well-known", "50ms").
    live = "We shipped a well-known fix in 50ms"
    assert refined_text(live, "We shipped a well-known fix in 50ms. Thank you.") == f"{live}."
    assert refined_text("It was well-known", "It was well-known. Yeah.") == "It was well-known."


# ...and what they said was one finished sentence.
ONE_SENTENCE = [
    *SPOKE_A_SECOND,
    TranscriptionFrame("I reproduced the bug on staging first.", "cand", "t"),
    SleepFrame(1.0),  # longer than the quick wait: the interviewer replies
]
WENT_ON = "Then I wrote a failing test and fixed the query."


def answers(db: Session, interview: Interview) -> list[str]:
    db.expire_all()
    found = db.get(Interview, interview.id)
    assert found is not None
    return [t.text for t in found.turns if t.kind == TurnKind.ANSWER]


def test_going_on_just_after_the_reply_starts_takes_the_reply_back(
    settings: Settings, db: Session, user: User, interview_engine: InterviewEngine
) -> None:
    interview = planned(db, user, interview_engine)
    processor = interviewer(settings, interview_engine, interview)
    frames = run(
        processor,
        [
            *ONE_SENTENCE,
            BotStartedSpeakingFrame(),  # the reply starts playing
            SleepFrame(0.3),
            VADUserStartedSpeakingFrame(),  # ...and the candidate goes on
            *[SILENCE] * 50,
            VADUserStoppedSpeakingFrame(),
            TranscriptionFrame(WENT_ON, "cand", "t"),
            SleepFrame(2.0),  # the quick wait, longer now that they went on once
        ],
    )
    sent = messages(frames)
    resumed = [m for m in sent if m["type"] == "resumed"]
    assert len(resumed) == 1
    prompt = resumed[0]["prompt"]
    assert isinstance(prompt, dict) and prompt["kind"] == "question" and prompt["number"] == 1
    interrupted = next(i for i, f in enumerate(frames) if isinstance(f, InterruptionFrame))
    replies = [i for i, f in enumerate(frames) if isinstance(f, TTSSpeakFrame)]
    assert len(replies) == 3  # the question, the withdrawn reply, the reply to the whole answer
    assert replies[1] < interrupted < replies[2]
    # One answer, stored whole, and answered once.
    assert answers(db, interview) == [f"I reproduced the bug on staging first. {WENT_ON}"]
    assert processor.yields == 1


def test_speaking_once_the_reply_is_under_way_answers_the_reply(
    settings: Settings,
    db: Session,
    user: User,
    interview_engine: InterviewEngine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(speech_interviewer, "YIELD_S", 0.3)
    interview = planned(db, user, interview_engine)
    processor = interviewer(settings, interview_engine, interview)
    frames = run(
        processor,
        [
            *ONE_SENTENCE,
            BotStartedSpeakingFrame(),
            SleepFrame(0.8),  # past the window: the reply stands
            VADUserStartedSpeakingFrame(),  # an ordinary barge-in
            SleepFrame(0.2),
        ],
    )
    assert not [m for m in messages(frames) if m["type"] == "resumed"]
    assert any(isinstance(f, InterruptionFrame) for f in frames)
    assert answers(db, interview) == ["I reproduced the bug on staging first."]
    assert processor.yields == 0


def store_slowly(processor: VoiceInterviewer, seconds: float) -> None:
    """Storing each answer takes `seconds` longer (as on a busy database)."""
    store = processor._store_answer

    def slow_store(text: str) -> object:
        time.sleep(seconds)
        return store(text)

    processor._store_answer = slow_store  # type: ignore[method-assign,assignment]


def test_going_on_while_the_reply_is_prepared_means_it_is_never_spoken(
    settings: Settings, db: Session, user: User, interview_engine: InterviewEngine
) -> None:
    interview = planned(db, user, interview_engine)
    processor = interviewer(settings, interview_engine, interview)
    store_slowly(processor, 0.5)  # the candidate starts again while the answer is being stored
    frames_sent = [*ONE_SENTENCE[:-1], SleepFrame(0.6), VADUserStartedSpeakingFrame()]
    frames = run(processor, [*frames_sent, SleepFrame(0.8)])
    spoken = [f for f in frames if isinstance(f, TTSSpeakFrame)]
    assert len(spoken) == 1  # only the question: the reply was withdrawn before it was said
    assert [m for m in messages(frames) if m["type"] == "resumed"]
    assert answers(db, interview) == []


def test_words_said_while_the_reply_is_stored_are_captioned_when_it_is_taken_back(
    settings: Settings, db: Session, user: User, interview_engine: InterviewEngine
) -> None:
    interview = planned(db, user, interview_engine)
    processor = interviewer(settings, interview_engine, interview)
    store_slowly(processor, 1.5)  # the candidate goes on, and finishes a sentence, meanwhile
    frames = run(
        processor,
        [
            *ONE_SENTENCE[:-1],
            SleepFrame(0.6),
            VADUserStartedSpeakingFrame(),
            *[SILENCE] * 10,
            VADUserStoppedSpeakingFrame(),
            TranscriptionFrame(WENT_ON, "cand", "t"),
            SleepFrame(4.0),  # the answer is stored whole, slowly, and answered
        ],
    )
    assert [m for m in messages(frames) if m["type"] == "resumed"]
    assert candidate_captions(frames) == ["I reproduced the bug on staging first.", WENT_ON]
    assert answers(db, interview) == [f"I reproduced the bug on staging first. {WENT_ON}"]


def test_the_answer_so_far_is_prepared_at_each_pause(
    settings: Settings, db: Session, user: User, interview_engine: InterviewEngine
) -> None:
    said = "We cached the product pages in Redis for five minutes. Then we watched the hit rate."
    # The same loaded model, with nothing embedded yet.
    engine = InterviewEngine(
        interview_engine.bank, KeyPointMatcher(interview_engine.matcher.embedder)
    )
    processor = interviewer(settings, engine, planned(db, user, engine))
    assert not engine.matcher.knows(answer_pieces(said))
    run(
        processor,
        [
            START,
            SleepFrame(0.3),
            BotStartedSpeakingFrame(),
            BotStoppedSpeakingFrame(),
            VADUserStartedSpeakingFrame(),
            VADUserStoppedSpeakingFrame(),
            TranscriptionFrame(said, "cand", "t"),
            SleepFrame(0.3),  # a pause, shorter than any reply
        ],
    )
    # Matching the finished answer will only embed what is new. (On a busy machine the
    # embedding may still be finishing on its thread as the pipeline stops.)
    deadline = time.monotonic() + 10
    while not engine.matcher.knows(answer_pieces(said)):
        assert time.monotonic() < deadline, "the answer was never prepared"
        time.sleep(0.05)


def test_going_on_before_the_reply_is_heard_still_silences_it(
    settings: Settings, db: Session, user: User, interview_engine: InterviewEngine
) -> None:
    interview = planned(db, user, interview_engine)
    processor = interviewer(settings, interview_engine, interview)
    # The reply went to the voice, which has not started playing it.
    frames = run(processor, [*ONE_SENTENCE, VADUserStartedSpeakingFrame(), SleepFrame(0.3)])
    replies = [i for i, f in enumerate(frames) if isinstance(f, TTSSpeakFrame)]
    interrupted = [i for i, f in enumerate(frames) if isinstance(f, InterruptionFrame)]
    assert len(replies) == 2 and interrupted and interrupted[0] > replies[1]
    assert [m for m in messages(frames) if m["type"] == "resumed"]
    assert answers(db, interview) == []


def test_the_turn_waits_for_every_segment_still_being_transcribed(
    settings: Settings, db: Session, user: User, interview_engine: InterviewEngine
) -> None:
    # On a busy machine the first segment's words came 3 s after the second segment ended:
    # deciding then, on the first sentence alone, lost the rest of the answer.
    interview = planned(db, user, interview_engine)
    processor = interviewer(settings, interview_engine, interview, audio_clock=True)
    later = "Then I wrote a failing test and fixed the query for good."
    frames = run(
        processor,
        [
            *SPOKE_A_SECOND,
            VADUserStartedSpeakingFrame(),
            *[SILENCE] * 50,
            VADUserStoppedSpeakingFrame(),
            *[SILENCE] * 150,  # 3 s heard: far past the quick wait
            SleepFrame(0.5),
            TranscriptionFrame("I reproduced the bug on staging first.", "cand", "t"),
            *[SILENCE] * 50,
            SleepFrame(0.5),
            marker := TTSSpeakFrame("(the second segment's words arrive now)"),
            TranscriptionFrame(later, "cand", "t"),
            *[SILENCE] * 50,
            SleepFrame(1.5),
        ],
    )
    thinking = messages(frames).index({"type": "state", "state": "thinking"})
    sent = [f for f in frames if isinstance(f, OutputTransportMessageUrgentFrame)]
    assert frames.index(sent[thinking]) > frames.index(marker)
    assert answers(db, interview) == [f"I reproduced the bug on staging first. {later}"]
    assert candidate_captions(frames) == ["I reproduced the bug on staging first.", later]
