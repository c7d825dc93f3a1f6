"""A whole two-question voice interview in Chromium against the real server: the candidate's
voice (the project's own Piper voice, from WAV) is the microphone; Silero, Whisper, the turn
policy, the engine and Piper answer; the transcript is stored and the report shows delivery.

The microphone is a WebAudio stream the test plays WAVs into (an init script stands in for
getUserMedia), so each answer starts when the interviewer listens rather than at a fixed time
in a looping file; everything after the microphone is the real page and the real server."""

from __future__ import annotations

import base64
import io
import re
import time
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect
from sqlalchemy.orm import Session

from greenroom.db import make_engine, make_session_factory
from greenroom.interviews.models import Interview, TurnKind
from greenroom.questions.bank import load_bank
from tests.e2e.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_FLAGS, LiveServer
from tests.e2e.test_interview_flow import _sign_up
from tests.speech.voices import piper, word_error_rate

pytestmark = pytest.mark.e2e
# Stories in plain words: tiny.en mishears jargon ("idempotent" -> "I'm potent"), which would
# measure the model's vocabulary rather than the pipeline.
PLAN = ("behav-failure-mistake-handled", "behav-delivery-cut-scope")
OWN_PART = "I led the fix myself, and in the end the team shipped on time and the report was right."
LISTENING = "Listening. Answer in your own words"
NUMBERS = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|"
    r"hundred|thousand|million|N\+1)\b",
    re.IGNORECASE,
)
MICROPHONE = """
(() => {
  const context = new AudioContext({ sampleRate: 48000 });
  const line = context.createMediaStreamDestination();
  window.__say = async (b64) => {
    await context.resume();
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const buffer = await context.decodeAudioData(bytes.buffer);
    const source = context.createBufferSource();
    source.buffer = buffer;
    source.connect(line);
    source.start();
    return buffer.duration;
  };
  navigator.mediaDevices.getUserMedia = async () => line.stream;
})();
"""


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'voice.db'}"  # one engine is enough for the audio path


@pytest.fixture
def voice_context(playwright: Playwright) -> Iterator[BrowserContext]:
    browser: Browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[*CHROMIUM_FLAGS, "--autoplay-policy=no-user-gesture-required"],
    )
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.set_default_timeout(30_000)
    context.add_init_script(MICROPHONE)
    yield context
    context.close()
    browser.close()


def wav_of(text: str) -> str:
    pcm = b"".join(piper().speak(text))
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(piper().sample_rate)
        wav.writeframes(bytes(piper().sample_rate // 2 * 2) + pcm)  # half a second lead-in
    return base64.b64encode(out.getvalue()).decode()


def what_to_say(db: Session, interview_id: int, asked_before: int) -> str:
    """A strong short answer to the interviewer's newest prompt (waits until it is stored)."""
    for _ in range(100):
        db.rollback()  # a new snapshot: the server has written since
        db.expire_all()
        interview = db.get(Interview, interview_id)
        assert interview is not None
        prompts = [t for t in interview.turns if t.kind in {TurnKind.QUESTION, TurnKind.FOLLOW_UP}]
        if len(prompts) > asked_before:
            break
        time.sleep(0.2)
    asked = prompts[-1]
    question = load_bank().by_id[asked.question_id or ""]
    if asked.kind == TurnKind.FOLLOW_UP:
        if asked.key_point_index is None:  # "what did you do yourself?", "what was the result?"
            return OWN_PART
        return question.key_points[asked.key_point_index].point
    # Sentences without figures: Whisper writes "fifty" as "50", which a word-level comparison
    # would count as an error the candidate did not make.
    sentences = [
        s for s in re.split(r"(?<=[.!?])\s+", question.model_answer) if not NUMBERS.search(s)
    ]
    return " ".join(sentences[:2])


def test_a_two_question_voice_interview(
    voice_context: BrowserContext, live_server: LiveServer, database_url: str
) -> None:
    page: Page = voice_context.new_page()
    _sign_up(page, live_server, "voice-flow@example.com")
    page.goto(f"{live_server.url}/practice")
    page.get_by_label("Target role").select_option("backend")
    page.get_by_label("Interview type").select_option("technical")
    page.get_by_label("Number of questions", exact=True).fill("2")
    page.get_by_label("voice").check()
    page.get_by_role("button", name="Start the interview").click()
    page.wait_for_url(re.compile(r"/interviews/\d+/voice$"))
    interview_id = int(page.url.rsplit("/", 2)[1])
    db = make_session_factory(make_engine(database_url))()
    interview = db.get(Interview, interview_id)
    assert interview is not None and interview.status == "planned"
    interview.plan = list(PLAN)  # two questions whose answers the test can speak
    db.commit()

    page.get_by_role("button", name="Start the interview").click()
    status = page.locator("[data-voice-status]")
    spoken: list[str] = []
    report_link = page.locator("[data-voice-report]")
    for _ in range(6):
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if report_link.is_visible() or LISTENING in (status.text_content() or ""):
                break
            page.wait_for_timeout(200)
        if report_link.is_visible():
            break
        text = what_to_say(db, interview_id, asked_before=len(spoken))
        spoken.append(text)
        page.evaluate("b64 => window.__say(b64)", wav_of(text))
        expect(status).not_to_contain_text(LISTENING, timeout=60_000)
    expect(report_link).to_be_visible(timeout=90_000)
    expect(page.locator("[data-voice-progress]")).to_contain_text("Question 2 of 2")
    page.screenshot(path=str(ARTIFACTS / "voice-interview-done.png"), full_page=True)

    db.rollback()
    db.expire_all()
    interview = db.get(Interview, interview_id)
    assert interview is not None and interview.status == "completed"
    answers = [t for t in interview.turns if t.kind == TurnKind.ANSWER]
    assert {t.question_index for t in answers} == {0, 1}
    transcript = "\n".join(f"{t.kind}: {t.text}" for t in interview.turns)
    (ARTIFACTS / "voice-interview-transcript.txt").write_text(f"{spoken}\n\n{transcript}")
    assert len(answers) == len(spoken), transcript
    # The whole stored transcript against the whole spoken text (per answer it varies more).
    assert word_error_rate(" ".join(spoken), " ".join(t.text for t in answers)) <= 0.15
    assert all("delivery" in t.meta for t in answers)
    # The live captions showed each answer's words once, as they were heard.
    captions = page.locator(".caption-candidate .caption-final").all_inner_texts()
    live = [str(t.meta.get("live_text", t.text)) for t in answers]
    assert " ".join(captions).split() == " ".join(live).split(), (captions, live)
    db.close()
    # Nobody opted in to keeping recordings: the audio went once it was analysed.
    recordings = live_server.data_dir / "recordings"
    assert not recordings.exists() or not any(recordings.rglob("*.wav"))

    report_link.click()
    expect(page.get_by_text("words per minute").first).to_be_visible(timeout=90_000)
    page.screenshot(path=str(ARTIFACTS / "voice-interview-report.png"), full_page=True)


def test_a_second_window_takes_the_voice_interview_over(
    voice_context: BrowserContext, live_server: LiveServer
) -> None:
    first: Page = voice_context.new_page()
    _sign_up(first, live_server, "two-windows@example.com")
    first.goto(f"{live_server.url}/practice")
    first.get_by_label("voice").check()
    first.get_by_role("button", name="Start the interview").click()
    first.wait_for_url(re.compile(r"/interviews/\d+/voice$"))
    first.get_by_role("button", name="Start the interview").click()
    expect(first.locator("[data-voice-status]")).to_contain_text(LISTENING, timeout=90_000)

    second = voice_context.new_page()
    second.goto(first.url)
    second.get_by_role("button", name="Start the interview").click()
    expect(second.locator("[data-voice-status]")).to_contain_text(LISTENING, timeout=90_000)
    # The first window says why it stopped, offers text, and does not reconnect.
    message = first.locator("[data-voice-fallback-message]")
    expect(message).to_have_text("This interview was opened in another window; it goes on there.")
    status = first.locator("[data-voice-status]")
    expect(status).to_have_text("This interview is open in another window.")
    first.screenshot(path=str(ARTIFACTS / "voice-replaced.png"))
    first.wait_for_timeout(3_000)  # longer than the page's reconnect delay
    expect(second.locator("[data-voice-status]")).not_to_contain_text("Voice is not available")
    expect(second.locator("[data-voice-fallback]")).to_be_hidden()
