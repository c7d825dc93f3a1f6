"""The interview turn policy: thinking pauses mid-sentence keep the floor, finished answers end
quickly, back-channels come only at natural pauses and not too often."""

from __future__ import annotations

import pytest

from greenroom.speech.turns import (
    BACKCHANNEL_EVERY_S,
    END_AFTER_FINISHED_SENTENCE,
    END_AFTER_SENTENCE_QUICK,
    END_AFTER_SMART_TURN_UNFINISHED,
    END_AFTER_UNFINISHED,
    QUICK_STEP_AFTER_YIELD,
    UNSURE_LAST_WORD,
    Move,
    TurnSignals,
    asks_for_a_moment,
    decide,
    ends_mid_sentence,
    unsure_ending,
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


# A backchannel was given recently, so none is due in these pauses.
NO_BACKCHANNEL_DUE = {"since_backchannel_s": 5.0}


def test_smart_turn_sure_it_is_unfinished_makes_a_full_stop_wait_longer() -> None:
    # Whisper may punctuate a clip that stops mid-thought; Smart Turn is reliable about that.
    unsure = {"smart_turn": 0.01, **NO_BACKCHANNEL_DUE}
    assert decide(signals(silence_s=0.8, **unsure)) == Move.KEEP_LISTENING
    assert decide(signals(silence_s=END_AFTER_SMART_TURN_UNFINISHED, **unsure)) == Move.END_TURN


def test_a_finished_sentence_is_answered_quickly() -> None:
    assert decide(signals(silence_s=0.3, **NO_BACKCHANNEL_DUE)) == Move.KEEP_LISTENING
    assert decide(signals(silence_s=END_AFTER_SENTENCE_QUICK, **NO_BACKCHANNEL_DUE)) == (
        Move.END_TURN
    )
    early = {"speech_s": 8.0, "smart_turn": 0.3}  # neither long nor sure: still quick
    assert decide(signals(silence_s=END_AFTER_SENTENCE_QUICK, **early)) == Move.END_TURN


def test_each_time_the_candidate_went_on_the_quick_wait_grows() -> None:
    once = END_AFTER_SENTENCE_QUICK + QUICK_STEP_AFTER_YIELD
    went_on = {"yields": 1, **NO_BACKCHANNEL_DUE}
    assert decide(signals(silence_s=once - 0.1, **went_on)) == Move.KEEP_LISTENING
    assert decide(signals(silence_s=once, **went_on)) == Move.END_TURN
    # It never waits longer than a finished sentence did before the quick reply.
    many = {"yields": 9, **NO_BACKCHANNEL_DUE}
    assert decide(signals(silence_s=END_AFTER_FINISHED_SENTENCE - 0.1, **many)) == (
        Move.KEEP_LISTENING
    )
    assert decide(signals(silence_s=END_AFTER_FINISHED_SENTENCE, **many)) == Move.END_TURN


def test_in_a_long_answer_a_pause_gets_a_backchannel_before_any_reply() -> None:
    assert decide(signals(silence_s=END_AFTER_SENTENCE_QUICK)) == Move.BACKCHANNEL


def test_a_few_words_that_are_neither_long_nor_sure_keep_the_floor() -> None:
    few = {"transcript": "We fixed it.", "speech_s": 2.0, "smart_turn": 0.3}
    assert decide(signals(silence_s=END_AFTER_FINISHED_SENTENCE, **few)) == Move.KEEP_LISTENING
    assert decide(signals(silence_s=END_AFTER_UNFINISHED, **few)) == Move.END_TURN
    sure = {**few, "smart_turn": 0.9}
    assert decide(signals(silence_s=END_AFTER_FINISHED_SENTENCE, **sure)) == Move.END_TURN


def test_after_a_backchannel_the_pause_must_last_before_the_interviewer_speaks() -> None:
    heard = {"since_backchannel_s": 0.5, "smart_turn": 0.3, "speech_s": 30.0}
    assert decide(signals(silence_s=1.0, **heard)) == Move.KEEP_LISTENING
    assert decide(signals(silence_s=END_AFTER_FINISHED_SENTENCE, **heard)) == Move.END_TURN


@pytest.mark.parametrize("dash", ["—", "–"])
def test_a_dash_at_the_end_is_a_sentence_broken_off(dash: str) -> None:
    assert ends_mid_sentence(f"We tried caching {dash}")


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


def test_a_finished_looking_sentence_whose_last_word_was_unlikely_waits_like_a_fragment() -> None:
    # "To keep the cache consistent we used a" was heard as "...we use day." (0.45).
    misheard = {"transcript": "To keep the cash consistent, we use day.", **NO_BACKCHANNEL_DUE}
    assert unsure_ending("day.", UNSURE_LAST_WORD - 0.1)
    unsure = {**misheard, "unsure_ending": True}
    assert decide(signals(silence_s=3.0, **unsure)) == Move.KEEP_LISTENING
    assert decide(signals(silence_s=END_AFTER_UNFINISHED, **unsure)) == Move.END_TURN
    assert decide(signals(silence_s=END_AFTER_SENTENCE_QUICK, **misheard)) == Move.END_TURN


@pytest.mark.parametrize(
    ("word", "probability", "unsure"),
    [
        ("day.", 0.42, True),
        ("a...", 0.36, True),
        ("day.", 0.9, False),
        ("MS.", 0.28, False),  # an abbreviation: low for its spelling
        ("50ms.", 0.3, False),
        ("Redis.", 0.3, False),  # a name
    ],
)
def test_only_ordinary_words_heard_with_doubt_make_the_ending_unsure(
    word: str, probability: float, unsure: bool
) -> None:
    assert unsure_ending(word, probability) is unsure
