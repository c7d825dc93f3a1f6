"""The interview turn policy: thinking pauses mid-sentence keep the floor, finished answers end
quickly, back-channels come only at natural pauses and not too often."""

from __future__ import annotations

import pytest

from greenroom.speech.turns import (
    BACKCHANNEL_EVERY_S,
    END_AFTER_UNFINISHED,
    Move,
    TurnSignals,
    asks_for_a_moment,
    decide,
    ends_mid_sentence,
)

FINISHED = "I added an index on the customer id, and the page went from two seconds to fifty ms."


def signals(**values: object) -> TurnSignals:
    base: dict[str, object] = {
        "silence_s": 0.0,
        "transcript": FINISHED,
        "speech_s": 40.0,
        "suggested_s": 90.0,
        "smart_turn": 0.9,
    }
    return TurnSignals(**{**base, **values})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "unfinished"),
    [
        ("I would start by looking at the", True),
        ("We moved the queue to Kafka, and", True),
        ("The main reason was, um", True),
        ("It depends on the load because", True),
        ("so the first thing I check is", True),
        ("I would start by looking at the.", True),  # a fragment transcribed as a sentence
        ("The main reason was, um.", True),
        ("We fixed it.", False),
        ("First I reproduced the bug, and then.", True),
        ("That's how we fixed it.", False),
        ("I think that's everything?", False),
        ("Latency dropped by half.", False),
    ],
)
def test_sentences_that_cannot_end_there_are_recognised(text: str, unfinished: bool) -> None:
    assert ends_mid_sentence(text) is unfinished


@pytest.mark.parametrize("pause", [0.5, 1.5, 2.5, 3.0, 3.5])
def test_a_thinking_pause_mid_sentence_keeps_the_floor(pause: float) -> None:
    move = decide(signals(silence_s=pause, transcript="The trade-off there is that the"))
    assert move != Move.END_TURN


def test_mid_sentence_silence_ends_the_turn_only_after_the_long_wait() -> None:
    text = "The trade-off there is that the"
    assert decide(signals(silence_s=END_AFTER_UNFINISHED, transcript=text)) == Move.END_TURN


def test_smart_turn_sure_it_is_unfinished_overrides_a_full_stop() -> None:
    # Whisper may punctuate a clip that stops mid-thought; Smart Turn is reliable about that.
    assert decide(signals(silence_s=2.0, smart_turn=0.01)) == Move.KEEP_LISTENING


def test_a_finished_long_enough_answer_ends_half_a_second_into_the_silence() -> None:
    assert decide(signals(silence_s=0.3)) == Move.KEEP_LISTENING
    assert decide(signals(silence_s=0.5)) == Move.END_TURN


def test_a_finished_sentence_early_in_the_answer_is_not_the_end_of_the_answer() -> None:
    early = signals(silence_s=0.8, speech_s=8.0, smart_turn=0.3)
    assert decide(early) == Move.KEEP_LISTENING
    assert decide(signals(silence_s=1.6, speech_s=8.0, smart_turn=0.3)) == Move.KEEP_LISTENING
    assert decide(signals(silence_s=END_AFTER_UNFINISHED, speech_s=8, smart_turn=0.3)) == (
        Move.END_TURN
    )


def test_asking_for_a_moment_makes_the_interviewer_wait() -> None:
    assert asks_for_a_moment("Hmm, give me a moment to think about that")
    assert decide(signals(silence_s=10, transcript="Let me think.")) == Move.KEEP_LISTENING
    assert decide(signals(silence_s=10, waiting=True)) == Move.KEEP_LISTENING


def test_not_started_yet_is_thinking_time() -> None:
    assert decide(signals(silence_s=8, transcript="", speech_s=0)) == Move.KEEP_LISTENING
    assert decide(signals(silence_s=12, transcript="", speech_s=0)) == Move.END_TURN


def test_backchannels_only_at_natural_pauses_in_long_answers_and_not_too_often() -> None:
    mid_answer = {"smart_turn": 0.2, "speech_s": 30.0, "transcript": "We shipped it in May."}
    assert decide(signals(silence_s=0.5, **mid_answer)) == Move.BACKCHANNEL
    assert decide(signals(silence_s=0.1, **mid_answer)) == Move.KEEP_LISTENING  # still talking
    assert decide(signals(silence_s=0.5, since_backchannel_s=5, **mid_answer)) == (
        Move.KEEP_LISTENING
    )
    assert decide(
        signals(silence_s=0.5, since_backchannel_s=BACKCHANNEL_EVERY_S, **mid_answer)
    ) == (Move.BACKCHANNEL)
    short = {**mid_answer, "speech_s": 5.0}
    assert decide(signals(silence_s=0.5, **short)) == Move.KEEP_LISTENING
