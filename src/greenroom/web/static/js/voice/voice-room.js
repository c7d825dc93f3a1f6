// @ts-check
/**
 * The voice interview page: the microphone to the socket, the socket to the speakers, the avatar,
 * the captions and the controls, as docs/voice.md describes. Whatever fails (no microphone, no
 * connection), the candidate is offered the same interview in text.
 */
import { Avatar } from "./avatar.js";
import { Captions } from "./captions.js";
import { Player } from "./player.js";
import {
  RecorderError, SAMPLE_RATE, failure, recordingSupported, startRecorder,
} from "./recorder.js";

/** @typedef {import("./recorder.js").Recorder} Recorder */
/** @typedef {import("./avatar.js").AvatarState} AvatarState */
/** @typedef {{type: string, [key: string]: unknown}} ServerMessage */

const READY_TIMEOUT_MS = 30_000;
const RECONNECT_DELAY_MS = 800;
/** A connection that lasted this long earns another automatic reconnect. */
const STABLE_MS = 30_000;
/** About two seconds of audio waiting to leave: drop frames rather than fall further behind. */
const MAX_BUFFERED_BYTES = 64_000;
/** The interview was opened in another window, which goes on with it (speech/rooms.py). */
const REPLACED = 4001;
/** Closes after which trying again cannot help (refused, not the owner, bad request). */
const FINAL_CLOSE_CODES = new Set([1002, 1003, 1007, 1008, 1009, REPLACED]);

/** @type {Record<string, string>} */
const STATUS = {
  listening: "Listening. Answer in your own words, at your own pace.",
  thinking: "The interviewer is thinking…",
  speaking: "The interviewer is speaking. You can interrupt at any time.",
  waiting: "The interviewer is waiting. Take your time, and start speaking when you are ready.",
};

class VoiceRoom {
  /** @param {HTMLElement} root the #voice-room element */
  constructor(root) {
    const part = (/** @type {string} */ name) =>
      /** @type {HTMLElement} */ (root.querySelector(`[data-voice-${name}]`));
    this.ui = {
      start: /** @type {HTMLButtonElement} */ (part("start")),
      controls: part("controls"),
      moment: /** @type {HTMLButtonElement} */ (part("moment")),
      mute: /** @type {HTMLButtonElement} */ (part("mute")),
      end: /** @type {HTMLButtonElement} */ (part("end")),
      status: part("status"),
      notice: part("notice"),
      meter: part("meter"),
      meterFill: part("meter-fill"),
      micLabel: part("mic-label"),
      progress: part("progress"),
      question: part("question"),
      questionLabel: part("question-label"),
      questionText: part("question-text"),
      fallback: part("fallback"),
      fallbackMessage: part("fallback-message"),
      retry: /** @type {HTMLButtonElement} */ (part("retry")),
      done: part("done"),
      tips: part("tips"),
      report: /** @type {HTMLAnchorElement} */ (part("report")),
    };
    this.socketUrl = toSocketUrl(root.dataset.socketUrl || "");
    this.reportUrl = safePath(root.dataset.reportUrl, "/history");
    /** @type {Player | null} */
    this.player = null;
    /** @type {Recorder | null} */
    this.recorder = null;
    /** @type {WebSocket | null} */
    this.socket = null;
    this.ready = false;
    this.readyAt = 0;
    this.muted = false;
    this.ending = false;
    this.finished = false;
    this.reconnectsLeft = 1;
    this.reconnecting = false;
    /** @type {number | undefined} */
    this.readyTimer = undefined;
    this.micLevel = 0;
    this.meterShown = 0;
    this.framesSent = 0;
    this.stopAudioAt = 0;
    this.avatar = new Avatar(part("avatar"), {
      persona: root.dataset.persona,
      level: () => this.player?.level() ?? 0,
    });
    this.captions = new Captions(part("captions"));

    this.ui.start.addEventListener("click", () => void this.begin());
    this.ui.moment.addEventListener("click", () => this.askForMoment());
    this.ui.mute.addEventListener("click", () => this.toggleMute());
    this.ui.end.addEventListener("click", () => this.endInterview());
    this.ui.retry.addEventListener("click", () => window.location.reload());
    if (!recordingSupported()) this.fail(failure("unsupported").message);
  }

  /** Starts audio and the microphone (from the Start click, as browsers require), then connects. */
  async begin() {
    this.ui.start.disabled = true;
    this.setStatus("Asking your browser for the microphone…");
    try {
      this.player = new Player();
      await this.player.resume();
    } catch {
      this.fail("This browser could not start audio playback.");
      return;
    }
    this.player.onPlayingChange((playing) => this.sendJson({ type: "playback", playing }));
    try {
      this.recorder = await startRecorder({
        onFrame: (frame) => this.sendFrame(frame),
        onLevel: (rms) => { this.micLevel = rms; },
        onEnded: () => this.fail("The microphone stopped (was it unplugged?)."),
      });
    } catch (error) {
      this.fail(error instanceof RecorderError ? error.message : "The microphone could not be started.");
      return;
    }
    this.ui.start.hidden = true;
    this.ui.controls.hidden = false;
    this.ui.meter.hidden = false;
    this.drawMeter();
    this.connect();
  }

  connect() {
    this.setStatus(this.reconnecting ? "Reconnecting…" : "Connecting to the interviewer…");
    this.setControlsEnabled(false);
    const socket = new WebSocket(this.socketUrl);
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    socket.addEventListener("open", () => {
      socket.send(JSON.stringify({ type: "start", sample_rate: SAMPLE_RATE, format: "pcm_s16le" }));
    });
    socket.addEventListener("message", (event) => {
      if (socket === this.socket) this.receive(event.data);
    });
    socket.addEventListener("close", (event) => this.closed(socket, event));
    window.clearTimeout(this.readyTimer);
    this.readyTimer = window.setTimeout(() => {
      if (socket !== this.socket || this.ready) return;
      this.fail("The interviewer's voice did not start in time.");
    }, READY_TIMEOUT_MS);
  }

  /** @param {unknown} data */
  receive(data) {
    if (data instanceof ArrayBuffer) {
      this.player?.enqueue(data);
      return;
    }
    /** @type {ServerMessage} */
    let message;
    try {
      message = JSON.parse(String(data));
    } catch {
      return; // not ours to show; the server only sends JSON text
    }
    this.handle(message);
  }

  /** @param {ServerMessage} message */
  handle(message) {
    switch (message.type) {
      case "ready":
        this.onReady(Number(message.sample_rate));
        break;
      case "state":
        this.onState(String(message.state));
        break;
      case "caption":
        if (message.speaker === "interviewer" || message.speaker === "candidate") {
          this.captions.show({
            // Only interim captions say final: false; one without the field is final.
            speaker: message.speaker, text: String(message.text ?? ""), final: message.final !== false,
          });
        }
        break;
      case "turn":
        this.onTurn(message);
        break;
      case "resumed":
        // The candidate went on speaking just as the interviewer replied: the reply is
        // withdrawn and the same question is being answered again.
        this.player?.stop();
        this.captions.withdrawLast();
        this.captions.note("The interviewer stopped so you can go on.");
        if (message.prompt && typeof message.prompt === "object") {
          this.onTurn(/** @type {ServerMessage} */ (message.prompt));
        }
        break;
      case "stop_audio":
        this.stopAudioAt = performance.now();
        this.player?.stop();
        this.captions.breakLine();
        break;
      case "error":
        if (message.fatal === true) this.fail(String(message.message || "The voice interview stopped."));
        else this.notify(String(message.message || ""));
        break;
      case "done":
        this.finish(safePath(message.report_url, this.reportUrl));
        break;
      default:
        break; // newer servers may say more; this page ignores what it does not know
    }
  }

  /** @param {number} sampleRate of the interviewer's speech */
  onReady(sampleRate) {
    window.clearTimeout(this.readyTimer);
    this.player?.setSampleRate(sampleRate);
    this.ready = true;
    this.readyAt = performance.now();
    if (this.reconnecting) this.captions.note("Reconnected.");
    this.reconnecting = false;
    this.notify("");
    this.setControlsEnabled(true);
    this.setStatus("Connected. The interviewer will start in a moment.");
  }

  /** @param {string} state */
  onState(state) {
    if (!(state in STATUS)) return;
    // The interviewer's next words after a pause or an interruption start a new caption line.
    if (state !== this.avatar.state) this.captions.breakLine();
    this.avatar.setState(/** @type {AvatarState} */ (state));
    this.setStatus(STATUS[state]);
    // The interviewer can only wait while it listens; it ignores the request otherwise.
    this.ui.moment.disabled = this.ending || state !== "listening";
  }

  /** @param {ServerMessage} turn */
  onTurn(turn) {
    const number = Number(turn.number);
    const total = Number(turn.total);
    this.captions.breakLine();
    this.notify(""); // a passing problem is over once the interviewer moves on
    // Only questions move the progress: a closing line has no question number.
    if (turn.kind !== "question" && turn.kind !== "follow_up") return;
    if (number > 0 && total > 0) this.ui.progress.textContent = ` · Question ${number} of ${total}`;
    this.ui.questionLabel.textContent = turn.kind === "follow_up"
      ? "Follow-up" : number > 0 ? `Question ${number}${total > 0 ? ` of ${total}` : ""}` : "Question";
    this.ui.questionText.textContent = String(turn.text ?? "");
    this.ui.question.hidden = false;
  }

  /** @param {ArrayBuffer} frame */
  sendFrame(frame) {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN || !this.ready || this.muted) return;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) return;
    socket.send(frame);
    this.framesSent += 1;
  }

  /** @param {Record<string, unknown>} message */
  sendJson(message) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  askForMoment() {
    this.sendJson({ type: "moment" });
    this.setStatus("Asking the interviewer for a moment…");
  }

  toggleMute() {
    this.muted = !this.muted;
    this.recorder?.setEnabled(!this.muted);
    this.ui.mute.setAttribute("aria-pressed", String(this.muted));
    this.ui.micLabel.textContent = this.muted ? "Microphone muted" : "Microphone on";
    this.ui.meter.classList.toggle("voice-meter-muted", this.muted);
  }

  endInterview() {
    if (!window.confirm("End the interview now? Questions not reached stay unanswered.")) return;
    this.ending = true;
    this.setControlsEnabled(false);
    this.player?.stop();
    this.sendJson({ type: "end" });
    this.setStatus("Ending the interview…");
  }

  /**
   * @param {WebSocket} socket
   * @param {CloseEvent} event
   */
  closed(socket, event) {
    if (socket !== this.socket || this.finished) return;
    this.ready = false;
    this.player?.stop();
    this.setControlsEnabled(false);
    if (this.ending) {
      this.finish(this.reportUrl); // the server closed before saying done; the report exists
      return;
    }
    if (this.readyAt && performance.now() - this.readyAt > STABLE_MS) this.reconnectsLeft = 1;
    if (this.reconnectsLeft > 0 && !FINAL_CLOSE_CODES.has(event.code)) {
      this.reconnectsLeft -= 1;
      this.reconnecting = true;
      this.avatar.setState("idle");
      this.setStatus("The connection dropped. Reconnecting…");
      window.setTimeout(() => { if (!this.finished) this.connect(); }, RECONNECT_DELAY_MS);
      return;
    }
    const lost = "The connection to the interviewer was lost. Your answers so far are saved.";
    const reason = FINAL_CLOSE_CODES.has(event.code) && event.reason ? event.reason : lost;
    this.fail(reason, event.code === REPLACED ? "This interview is open in another window." : undefined);
  }

  /** @param {string} reportUrl */
  finish(reportUrl) {
    if (this.finished) return;
    this.finished = true;
    this.teardown({ letSpeechFinish: true });
    this.avatar.setState("idle");
    this.ui.report.href = reportUrl;
    this.ui.question.hidden = true;
    this.ui.done.hidden = false;
    this.setStatus("The interview is over. Thank you!");
    this.ui.report.focus();
  }

  /**
   * @param {string} message why voice cannot go on; the text interview is offered instead
   * @param {string} [status] the status line, when more exact than "not available"
   */
  fail(message, status = "Voice is not available right now.") {
    if (this.finished) return;
    this.finished = true;
    this.teardown();
    this.avatar.setState("idle");
    this.ui.start.hidden = true;
    this.ui.fallbackMessage.textContent = message;
    this.ui.fallback.hidden = false;
    this.setStatus(status, "warn");
    this.ui.fallback.querySelector("a")?.focus();
  }

  /**
   * Lets go of the microphone, the socket and the speakers.
   * @param {{letSpeechFinish?: boolean}} [options] play the interviewer's last words to the end
   */
  teardown({ letSpeechFinish = false } = {}) {
    window.clearTimeout(this.readyTimer);
    this.ready = false;
    this.ui.controls.hidden = true;
    this.ui.meter.hidden = true;
    this.ui.tips.hidden = true;
    const socket = this.socket;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000);
    void this.recorder?.stop();
    this.recorder = null;
    const player = this.player;
    if (player && letSpeechFinish && player.playing) {
      player.onPlayingChange((playing) => {
        if (playing) return;
        void player.close();
        if (this.player === player) this.player = null;
      });
      return;
    }
    void player?.close();
    this.player = null;
  }

  /** @param {boolean} enabled "Give me a moment" also waits for the interviewer to listen */
  setControlsEnabled(enabled) {
    for (const button of [this.ui.mute, this.ui.end]) button.disabled = !enabled;
    this.ui.moment.disabled = !enabled || this.avatar.state !== "listening";
  }

  /**
   * @param {string} text
   * @param {"" | "warn"} [tone]
   */
  setStatus(text, tone = "") {
    this.ui.status.textContent = text;
    this.ui.status.classList.toggle("voice-status-warn", tone === "warn");
  }

  /** @param {string} text a problem that does not stop the interview; "" clears it */
  notify(text) {
    this.ui.notice.textContent = text;
    this.ui.notice.hidden = !text;
  }

  drawMeter() {
    if (!this.recorder) return;
    const decibels = 20 * Math.log10(Math.max(this.micLevel, 1e-5));
    const level = this.muted ? 0 : Math.min(1, Math.max(0, (decibels + 60) / 50));
    this.meterShown = Math.max(level, this.meterShown * 0.85);
    this.ui.meterFill.style.transform = `scaleX(${this.meterShown.toFixed(3)})`;
    requestAnimationFrame(() => this.drawMeter());
  }

  /** What the browser tests read with ?debug=1: playback and sending, nothing else. */
  debugView() {
    const room = this;
    return {
      get playing() { return room.player?.playing ?? false; },
      get queuedSeconds() { return room.player?.queuedSeconds ?? 0; },
      get outputLevel() { return room.player?.level() ?? 0; },
      get framesSent() { return room.framesSent; },
      get stopAudioAt() { return room.stopAudioAt; },
    };
  }
}

/**
 * The socket address from a path (or a full URL), on ws: or wss: to match the page.
 * @param {string} path
 */
function toSocketUrl(path) {
  const url = new URL(path, window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : url.protocol === "http:" ? "ws:" : url.protocol;
  return url.href;
}

/**
 * A same-site path from the server, or the fallback: never a link to somewhere else.
 * @param {unknown} value
 * @param {string} fallback
 */
function safePath(value, fallback) {
  return typeof value === "string" && /^\/(?![/\\])/.test(value) ? value : fallback;
}

const root = document.getElementById("voice-room");
if (root) {
  const room = new VoiceRoom(root);
  if (new URLSearchParams(window.location.search).get("debug") === "1") {
    Object.defineProperty(window, "__voiceDebug", { value: room.debugView() });
  }
}
