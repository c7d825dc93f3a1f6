"""The voice interview page in a real Chromium with a fake microphone, against a scripted stand-in
for the voice server (tests/e2e/voice_harness.py): audio out and in, captions, barge-in, the
controls, and the way out to the text interview when voice cannot work."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect

from tests.e2e.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_FLAGS
from tests.e2e.voice_harness import (
    FINAL_CAPTION,
    FOLLOW_UP,
    GOODBYE,
    QUESTION,
    REPORT_URL,
    ROOM_PATH,
    TEXT_URL,
    VoiceHarness,
    serve,
)

pytestmark = pytest.mark.e2e
# Without --use-fake-ui-for-media-stream the microphone is refused unless a test grants it, so
# one browser serves both the granted and the refused case.
VOICE_FLAGS = [*CHROMIUM_FLAGS, "--use-fake-device-for-media-stream"]

# Records every shape the avatar's mouth takes, and whether it blinks, from before the start.
WATCH_AVATAR = """() => {
  window.__mouths = new Set();
  window.__blinked = false;
  const avatar = document.querySelector('#voice-room svg.avatar');
  const mouth = avatar.querySelector('.avatar-mouth');
  new MutationObserver(() => window.__mouths.add(mouth.getAttribute('d')))
    .observe(mouth, {attributes: true, attributeFilter: ['d']});
  new MutationObserver(() => {
    window.__blinked ||= avatar.classList.contains('avatar-blink');
  }).observe(avatar, {attributes: true, attributeFilter: ['class']});
}"""

# Runs from before the harness sends stop_audio until the speakers are silent after it.
MEASURE_BARGE_IN = """async () => {
  const debug = window.__voiceDebug;
  const tick = () => new Promise((resolve) => setTimeout(resolve, 4));
  let queued = 0, loudest = 0;
  while (!debug.stopAudioAt) {
    queued = Math.max(queued, debug.queuedSeconds);
    loudest = Math.max(loudest, debug.outputLevel);
    await tick();
  }
  const afterStop = {playing: debug.playing, queued: debug.queuedSeconds};
  while (debug.outputLevel > 0.01) await tick();
  return {queued, loudest, afterStop, silentAfterMs: performance.now() - debug.stopAudioAt};
}"""


# The recorder's worklet on its own, in an offline context at a device rate: a tone in, the RMS of
# the 16 kHz frames out (after the filter has settled).
DECIMATE = """async ([rate, frequency]) => {
  const context = new OfflineAudioContext({numberOfChannels: 1, length: rate, sampleRate: rate});
  await context.audioWorklet.addModule('/static/js/voice/recorder-worklet.js');
  const node = new AudioWorkletNode(context, 'greenroom-recorder', {numberOfOutputs: 0});
  const frames = [];
  node.port.onmessage = (event) => frames.push(event.data.pcm);
  const tone = new OscillatorNode(context, {frequency});
  const half = new GainNode(context, {gain: 0.5});
  tone.connect(half).connect(node);
  tone.start();
  await context.startRendering();
  await new Promise((resolve) => setTimeout(resolve, 300));
  let sum = 0, count = 0;
  for (const frame of frames.slice(5)) {
    const view = new DataView(frame);
    for (let i = 0; i < frame.byteLength; i += 2) {
      sum += (view.getInt16(i, true) / 32768) ** 2;
      count += 1;
    }
  }
  return {sizes: [...new Set(frames.map((f) => f.byteLength))], frames: frames.length,
          rms: Math.sqrt(sum / count)};
}"""


@pytest.fixture(scope="module")
def voice_browser(playwright: Playwright) -> Iterator[Browser]:
    instance = playwright.chromium.launch(executable_path=CHROMIUM, args=VOICE_FLAGS)
    yield instance
    instance.close()


@pytest.fixture
def context(voice_browser: Browser) -> Iterator[BrowserContext]:
    """Overrides the shared context: a fake microphone the page may use."""
    ctx = voice_browser.new_context(viewport={"width": 1200, "height": 900})
    ctx.grant_permissions(["microphone"])
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _frames(harness: VoiceHarness) -> int:
    return len(harness.log.frame_sizes)


def _wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_voice_interview_end_to_end(page: Page) -> None:
    harness = VoiceHarness(persona="friendly")
    with serve(harness) as url:
        page.goto(f"{url}{ROOM_PATH}?debug=1")
        expect(page.locator("#voice-room svg.avatar")).to_be_visible()
        page.evaluate(WATCH_AVATAR)
        _shot(page, "voice-room-start")
        page.get_by_role("button", name="Start the interview").click()

        # The interviewer speaks: the question, the caption, the mouth moving with the voice.
        expect(page.locator("[data-voice-question-text]")).to_have_text(QUESTION)
        expect(page.locator("[data-voice-progress]")).to_have_text(" · Question 1 of 3")
        expect(page.locator(".caption-interviewer .caption-final").first).to_have_text(QUESTION)
        expect(page.get_by_role("button", name="Give me a moment")).to_be_disabled()
        expect(page.locator("svg.avatar")).to_have_class("avatar avatar-friendly avatar-speaking")
        page.wait_for_function("() => window.__voiceDebug.playing")
        page.wait_for_function("() => !window.__voiceDebug.playing", timeout=10_000)
        mouths = page.evaluate("[...window.__mouths]")
        assert len(mouths) >= 5, mouths
        expect(page.locator("svg.avatar")).to_have_class("avatar avatar-friendly avatar-listening")
        expect(page.locator("[data-voice-status]")).to_contain_text("Listening")
        expect(page.get_by_role("button", name="Give me a moment")).to_be_enabled()

        # The microphone: the start message first, then 20 ms frames of real sound.
        start = harness.log.texts[0]
        assert start == {"type": "start", "sample_rate": 16000, "format": "pcm_s16le"}
        _wait_for(lambda: _frames(harness) >= 50)
        assert set(harness.log.frame_sizes) == {640}
        _wait_for(lambda: harness.log.loud_frames >= 3)  # the fake device beeps
        assert page.locator("[data-voice-meter]").is_visible()

        # Captions: the interim guess is replaced in place; markup is shown, not parsed.
        interim = page.locator(".caption-candidate .caption-interim")
        expect(interim).to_have_text("I would start with the")
        candidate = page.locator(".caption-candidate")
        expect(candidate).to_have_count(1)
        barge_in = page.evaluate(MEASURE_BARGE_IN)
        expect(candidate.locator(".caption-final")).to_have_text(FINAL_CAPTION)
        expect(candidate.locator(".caption-interim")).to_have_text("")
        expect(page.locator("[data-voice-captions] b")).to_have_count(0)

        # Barge-in: a long answer was queued and audible; stop_audio silenced it at once.
        assert barge_in["queued"] > 1.0, barge_in
        assert barge_in["loudest"] > 0.05, barge_in
        assert barge_in["afterStop"] == {"playing": False, "queued": 0}, barge_in
        assert barge_in["silentAfterMs"] < 200, barge_in
        _wait_for(lambda: harness.log.stopped_reply_at is not None)
        assert harness.log.stop_sent_at is not None
        assert harness.log.stopped_reply_at is not None
        assert harness.log.stopped_reply_at - harness.log.stop_sent_at < 0.2
        playback = [m["playing"] for m in harness.log.of_type("playback")]
        assert playback == [True, False, True, False]
        # The candidate went on: the page says the interviewer stopped, and the question the
        # candidate is still answering is back in place of the withdrawn follow-up.
        expect(page.locator(".caption-note")).to_have_text(
            "The interviewer stopped so you can go on."
        )
        expect(page.locator("[data-voice-question-text]")).to_have_text(QUESTION)
        expect(page.locator("[data-voice-question-label]")).to_have_text("Question 1 of 3")
        withdrawn = page.locator(".caption-withdrawn")
        expect(withdrawn).to_have_count(1)
        expect(withdrawn).to_contain_text(f"{FOLLOW_UP} (withdrawn)")
        _shot(page, "voice-room")

        # "Give me a moment" asks the interviewer to wait.
        page.get_by_role("button", name="Give me a moment").click()
        expect(page.locator(".caption-interviewer").last).to_have_text(
            "Interviewer Take your time."
        )
        expect(page.locator("[data-voice-status]")).to_contain_text("waiting")
        assert harness.log.of_type("moment") == [{"type": "moment"}]

        # Mute: no frames go out; unmute: they come back.
        mute = page.get_by_role("button", name="Mute microphone")
        mute.click()
        expect(page.locator("[data-voice-mute]")).to_have_attribute("aria-pressed", "true")
        expect(page.locator("[data-voice-mic-label]")).to_have_text("Microphone muted")
        time.sleep(0.2)  # frames already on the wire
        muted_at = _frames(harness)
        time.sleep(0.6)
        assert _frames(harness) - muted_at <= 1
        _shot(page, "voice-room-muted")
        mute.click()
        expect(page.locator("[data-voice-mute]")).to_have_attribute("aria-pressed", "false")
        _wait_for(lambda: _frames(harness) >= muted_at + 10)

        # End, after confirming: the link to the report.
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="End interview").click()
        report = page.get_by_role("link", name="See your report")
        expect(report).to_be_visible()
        expect(report).to_have_attribute("href", REPORT_URL)
        expect(report).to_be_focused()
        expect(page.locator(".caption-interviewer").last).to_have_text(f"Interviewer {GOODBYE}")
        assert page.evaluate("() => window.__voiceDebug.playing"), "the goodbye was cut off"
        page.wait_for_function("() => !window.__voiceDebug.playing", timeout=5_000)
        assert harness.log.of_type("end") == [{"type": "end"}]
        expect(page.locator("[data-voice-controls]")).to_be_hidden()
        _shot(page, "voice-room-done")
        page.wait_for_function("() => window.__blinked", timeout=7_000)  # every 3–6 s


def test_with_reduced_motion_the_avatar_keeps_still(page: Page) -> None:
    page.emulate_media(reduced_motion="reduce")
    with serve(VoiceHarness()) as url:
        page.goto(f"{url}{ROOM_PATH}")
        moving = page.evaluate(
            """() => [...document.querySelectorAll('#voice-room svg.avatar *')]
                .map((part) => getComputedStyle(part))
                .filter((style) => style.animationName !== 'none'
                    || parseFloat(style.transitionDuration) > 0).length"""
        )
        assert moving == 0


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("denied", "Microphone access was refused"),
        ("unsupported", "This browser cannot record audio"),
    ],
)
def test_without_a_microphone_the_interview_goes_on_in_text(
    page: Page, context: BrowserContext, case: str, message: str
) -> None:
    if case == "denied":
        context.clear_permissions()
    else:
        page.add_init_script("delete window.AudioWorkletNode;")
    harness = VoiceHarness()
    with serve(harness) as url:
        page.goto(f"{url}{ROOM_PATH}")
        if case == "denied":
            page.get_by_role("button", name="Start the interview").click()
        expect(page.locator("[data-voice-fallback-message]")).to_contain_text(message)
        expect(page.get_by_role("button", name="Start the interview")).to_be_hidden()
        expect(page.get_by_role("button", name="Try voice again")).to_be_visible()
        link = page.get_by_role("link", name="Continue this interview in text")
        expect(link).to_be_focused()
        _shot(page, f"voice-room-{case}")
        assert harness.log.connections == 0
        link.click()
        expect(page.get_by_role("heading", name="Text interview 42")).to_be_visible()
        assert page.url == f"{url}{TEXT_URL}"


def test_a_dropped_connection_reconnects_once_then_offers_text(page: Page) -> None:
    harness = VoiceHarness(drop_connections=2)
    with serve(harness) as url:
        page.goto(f"{url}{ROOM_PATH}")
        page.get_by_role("button", name="Start the interview").click()
        expect(page.locator("[data-voice-fallback-message]")).to_contain_text(
            "The connection to the interviewer was lost"
        )
        assert harness.log.connections == 2
        assert [m["type"] for m in harness.log.texts] == ["start", "start"]
        expect(page.get_by_role("link", name="Continue this interview in text")).to_be_visible()
        _shot(page, "voice-room-connection-lost")


def test_a_reconnect_picks_the_interview_up_again(page: Page) -> None:
    harness = VoiceHarness(drop_connections=1)
    with serve(harness) as url:
        page.goto(f"{url}{ROOM_PATH}")
        page.get_by_role("button", name="Start the interview").click()
        expect(page.locator(".caption-note")).to_have_text("Reconnected.")
        expect(page.locator("[data-voice-question-text]")).to_have_text(QUESTION)
        assert harness.log.connections == 2
        expect(page.locator("[data-voice-fallback]")).to_be_hidden()
        expect(page.get_by_role("button", name="Give me a moment")).to_be_enabled()
        page.set_viewport_size({"width": 390, "height": 844})
        _shot(page, "voice-room-phone")


@pytest.mark.parametrize("rate", [48000, 44100])
def test_the_recorder_low_passes_and_decimates_to_16_khz(page: Page, rate: int) -> None:
    with serve(VoiceHarness()) as url:
        page.goto(f"{url}{ROOM_PATH}")
        spoken = page.evaluate(DECIMATE, [rate, 1000])
        assert spoken["sizes"] == [640]
        assert 48 <= spoken["frames"] <= 50  # one second is 50 frames of 20 ms
        assert spoken["rms"] == pytest.approx(0.5 / 2**0.5, rel=0.03)
        assert page.evaluate(DECIMATE, [rate, 4000])["rms"] > 0.32  # speech band: kept
        # Above 8 kHz a 16 kHz signal cannot hold it: it would fold back as a false tone.
        assert page.evaluate(DECIMATE, [rate, 11000])["rms"] < 0.005
        assert page.evaluate(DECIMATE, [rate, 15000])["rms"] < 0.005


def test_captions_keep_the_latest_line_in_view(page: Page) -> None:
    with serve(VoiceHarness()) as url:
        page.goto(f"{url}{ROOM_PATH}")
        result = page.evaluate(
            """async () => {
              const { Captions } = await import('/static/js/voice/captions.js');
              const box = document.querySelector('[data-voice-captions]');
              const captions = new Captions(box, {maxLines: 30});
              for (let i = 0; i < 40; i++) {
                const speaker = i % 2 ? 'candidate' : 'interviewer';
                captions.show({speaker, text: `guess ${i}`, final: false});
                captions.show({speaker, text: `line ${i} <img src=x>`, final: true});
              }
              const last = box.lastElementChild.getBoundingClientRect();
              const view = box.getBoundingClientRect();
              return {
                lines: box.querySelectorAll('.caption').length,
                first: box.querySelector('.caption-final').textContent,
                last: box.lastElementChild.textContent,
                images: box.querySelectorAll('img').length,
                scrolled: box.scrollHeight > box.clientHeight && box.scrollTop > 0,
                lastInView: last.bottom <= view.bottom + 1 && last.top >= view.top,
              };
            }"""
        )
        assert result == {
            "lines": 30,
            "first": "line 10 <img src=x>",
            "last": "You line 39 <img src=x>",
            "images": 0,
            "scrolled": True,
            "lastInView": True,
        }
