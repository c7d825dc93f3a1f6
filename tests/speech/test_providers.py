"""Speech in and out with the models that ship in packages: Piper speaks, espeak-ng stands in,
faster-whisper (tiny.en) transcribes what Piper said."""

from __future__ import annotations

import numpy as np
import pytest

from greenroom.providers.stt import SAMPLE_RATE, TimedWord, Transcript, TranscriptionError
from greenroom.providers.stt.whisper import (
    LIVE_PADDING_S,
    WhisperSTT,
    without_invented_ending,
)
from greenroom.providers.tts import Voice
from greenroom.providers.tts.espeak import EspeakTTS
from tests.speech.voices import (
    piper,
    silence,
    speak,
    speak_espeak,
    speak_steadily,
    spoken_part,
    word_error_rate,
)

ANSWER = (
    "I would add an index on the customer id column. Then I would check the query plan, "
    "and measure the page again before and after the change."
)


@pytest.fixture(scope="module")
def whisper() -> WhisperSTT:
    return WhisperSTT()


def test_piper_speaks_sentence_by_sentence_and_pace_changes_the_length() -> None:
    chunks = list(piper().speak(ANSWER))
    assert len(chunks) == 2  # one per sentence, so the first can play while the next is made
    normal = sum(len(c) for c in chunks) / 2 / piper().sample_rate
    brisk = speak(ANSWER, voice=Voice(pace=1.3))
    assert 5 < normal < 15
    assert len(brisk) / SAMPLE_RATE < 0.9 * normal


def test_espeak_is_the_fallback_voice() -> None:
    audio = speak("Mhm. Right. Okay.", EspeakTTS())
    assert len(audio) / SAMPLE_RATE > 0.5 and float(np.abs(audio).max()) > 0.05


def test_whisper_transcribes_the_interviewers_own_voice(whisper: WhisperSTT) -> None:
    audio = np.concatenate([silence(0.3), speak(ANSWER), silence(0.3)])
    transcript = whisper.transcribe(audio)
    assert word_error_rate(ANSWER, transcript.text) <= 0.15, transcript.text
    starts = [w.start for w in transcript.words]
    assert starts == sorted(starts)  # (the first word's start is not reliable: it says 0.0)
    assert transcript.duration_s == pytest.approx(len(audio) / SAMPLE_RATE)


def test_thinking_time_and_the_wait_after_an_answer_add_no_words(whisper: WhisperSTT) -> None:
    spoken = speak(ANSWER)
    audio = np.concatenate([silence(4.0), spoken, silence(8.0)])
    transcript = whisper.transcribe(audio)
    assert word_error_rate(ANSWER, transcript.text) <= 0.15, transcript.text
    end_of_speech = 4.0 + len(spoken) / SAMPLE_RATE
    assert transcript.words[0].start >= 3.0  # times are on the whole audio's clock
    assert transcript.words[-1].end <= end_of_speech + 0.5, transcript.text


def test_a_live_segment_is_decoded_in_one_window(
    whisper: WhisperSTT, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fragment cut off mid-sentence ends without Whisper's closing timestamp, and
    faster-whisper then decodes the silence after its last word in a second 30 s window. A live
    segment stops after the first: the same words, one encoder pass instead of two."""
    monkeypatch.setattr(whisper, "live_padding_s", None)  # the whole window, as faster-whisper
    model = whisper.model
    encode = model.encode
    encoded: list[int] = []

    def counted(features: object) -> object:
        out = encode(features)
        encoded.append(1)
        return out

    monkeypatch.setattr(model, "encode", counted)
    fragment = np.concatenate([speak_steadily("I would start by looking at the"), silence(0.5)])
    every_window = whisper._decode(fragment, prompt="", vad_filter=False)
    assert len(encoded) == 2  # what faster-whisper does on its own with this fragment
    encoded.clear()
    live = whisper.transcribe_segment(fragment)
    assert len(encoded) == 1
    assert live.text == every_window.text and live.text.startswith("I would start by looking")
    assert live.words[-1].probability == every_window.words[-1].probability
    # A segment longer than one window is decoded to its end; the limit was per call.
    encoded.clear()
    long = np.concatenate([fragment, silence(30.0), speak_steadily("the slow query log.")])
    assert "query" in whisper.transcribe_segment(long).text.lower()
    assert len(encoded) >= 2


def test_a_live_segments_encoder_reads_its_audio_and_ten_seconds(
    whisper: WhisperSTT, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The encoder reads the segment and LIVE_PADDING_S, not Whisper's whole 30 s window, and
    hears the same words (`python bench/fragments.py` measures it on 432 clips)."""
    from faster_whisper import WhisperModel

    encode = WhisperModel.encode
    frames: list[int] = []

    def measured(model: WhisperModel, features: np.ndarray) -> object:
        frames.append(features.shape[-1])
        return encode(model, features)

    monkeypatch.setattr(WhisperModel, "encode", measured)
    sentence = np.concatenate([speak_steadily(ANSWER.split(". ")[0] + "."), silence(0.6)])
    live = whisper.transcribe_segment(sentence)
    assert frames == [round((len(sentence) / SAMPLE_RATE + LIVE_PADDING_S) * 100)]
    frames.clear()
    monkeypatch.setattr(whisper, "live_padding_s", None)
    assert live.text == whisper.transcribe_segment(sentence).text
    assert frames == [3000]
    # Whole answers, and segments that leave less than the padding of the window, read it all.
    monkeypatch.setattr(whisper, "live_padding_s", LIVE_PADDING_S)
    frames.clear()
    whisper.transcribe(sentence)
    whisper.transcribe_segment(np.concatenate([sentence, silence(25.0)]))
    assert set(frames) == {3000}  # a whole answer may take a second window


def test_a_live_segment_is_decoded_once_not_sampled_again_when_it_reads_badly(
    whisper: WhisperSTT, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Audio Whisper reads badly (espeak-ng's Scottish voice, heard as "Er, er, er…") makes
    faster-whisper decode it again at rising temperatures, for seconds; a live segment keeps
    its first reading, a whole answer still tries again."""
    import faster_whisper.transcribe

    attempts: list[str] = []
    ratio = faster_whisper.transcribe.get_compression_ratio

    def counted(text: str) -> float:  # faster-whisper judges each decoding by this
        attempts.append(text)
        return float(ratio(text))

    monkeypatch.setattr(faster_whisper.transcribe, "get_compression_ratio", counted)
    spoken = spoken_part(speak_espeak("Our error rate went down", "en-gb-scotland", 150))
    hard = np.concatenate([spoken, silence(0.6)])  # as the detector cuts it
    whisper.transcribe_segment(hard)
    assert len(attempts) == 1
    attempts.clear()
    whisper.transcribe(hard)  # faster-whisper's own way: tried again
    assert len(attempts) > 1


def test_silence_gives_no_words_and_bad_audio_a_clear_error(whisper: WhisperSTT) -> None:
    assert whisper.transcribe(silence(2.0)).words == []
    with pytest.raises(TranscriptionError, match="float32"):
        whisper.transcribe(np.zeros(16000, dtype=np.int16))
    broken = silence(1.0)
    broken[100] = np.nan
    with pytest.raises(TranscriptionError, match="invalid"):
        whisper.transcribe(broken)


def timed(text: str) -> Transcript:
    words = [TimedWord(w, i * 0.3, i * 0.3 + 0.25, 0.9) for i, w in enumerate(text.split())]
    return Transcript(text, words, 10.0)


@pytest.mark.parametrize(
    ("heard", "kept"),
    [
        (
            "We planned a mail campaign. And then we'll see you in the next one.",
            "We planned a mail campaign.",
        ),
        ("It halved. Thanks for watching! Please subscribe.", "It halved."),
        ("It halved. Thank you.", "It halved. Thank you."),  # candidates say it
        (
            "A male campaign. Thank you for watching. Thank you very much.",  # from a CI run
            "A male campaign.",
        ),
        ("Thanks for watching.", ""),  # all of it a sign-off
        ("We subscribe to the next video's events.", "We subscribe to the next video's events."),
        ("We added an index.", "We added an index."),
    ],
)
def test_video_sign_offs_whisper_appends_are_dropped(heard: str, kept: str) -> None:
    cleaned = without_invented_ending(timed(heard))
    assert cleaned.text == kept
    assert [w.text for w in cleaned.words] == kept.split()
