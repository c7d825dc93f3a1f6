// @ts-check
/**
 * The interviewer's voice: PCM chunks from the server (Int16 little-endian mono at the rate
 * announced in `ready`) played back to back without gaps, stopped at once on barge-in, with the
 * output level for the avatar's mouth.
 */

/** A little headroom when playback starts from silence, so network jitter does not cause gaps. */
const START_LEAD_S = 0.06;
/** A short fade on stop() so a cut-off word does not click; far below the 200 ms target. */
const STOP_FADE_S = 0.012;

export class Player {
  /**
   * Create it from a click or key press: browsers only let a page start audio after one.
   * @param {number} [sampleRate] of the incoming PCM; set again with setSampleRate()
   */
  constructor(sampleRate = 22050) {
    this.sampleRate = sampleRate;
    this.context = new AudioContext({ latencyHint: "interactive" });
    this.gain = this.context.createGain();
    this.analyser = this.context.createAnalyser();
    this.analyser.fftSize = 1024;
    this.gain.connect(this.analyser);
    this.analyser.connect(this.context.destination);
    this.samples = new Float32Array(this.analyser.fftSize);
    /** @type {Set<AudioBufferSourceNode>} */
    this.sources = new Set();
    this.nextStart = 0;
    this.isPlaying = false;
    /** @type {Set<(playing: boolean) => void>} */
    this.listeners = new Set();
  }

  /** @param {number} rate */
  setSampleRate(rate) {
    if (Number.isFinite(rate) && rate >= 8000 && rate <= 96000) this.sampleRate = rate;
  }

  /** Starts the audio clock if the browser held it back. */
  async resume() {
    if (this.context.state === "suspended") await this.context.resume();
  }

  /**
   * Queues one chunk right after the previous one.
   * @param {ArrayBuffer} chunk Int16 little-endian mono PCM
   */
  enqueue(chunk) {
    const count = Math.floor(chunk.byteLength / 2);
    if (count === 0 || this.context.state === "closed") return;
    const view = new DataView(chunk);
    const buffer = this.context.createBuffer(1, count, this.sampleRate);
    const channel = buffer.getChannelData(0);
    for (let i = 0; i < count; i++) channel[i] = view.getInt16(i * 2, true) / 0x8000;

    const source = this.context.createBufferSource();
    source.buffer = buffer;
    source.connect(this.gain);
    const now = this.context.currentTime;
    const startAt = this.nextStart > now ? this.nextStart : now + START_LEAD_S;
    source.start(startAt);
    this.nextStart = startAt + buffer.duration;
    this.sources.add(source);
    source.onended = () => {
      this.sources.delete(source);
      if (this.sources.size === 0) this.setPlaying(false);
    };
    this.setPlaying(true);
  }

  /** Drops everything queued or playing, within one audio callback (barge-in). */
  stop() {
    const now = this.context.currentTime;
    const level = this.gain.gain;
    level.cancelScheduledValues(now);
    level.setValueAtTime(level.value, now);
    level.linearRampToValueAtTime(0, now + STOP_FADE_S);
    level.setValueAtTime(1, now + STOP_FADE_S + 0.002);
    for (const source of this.sources) {
      source.onended = null;
      try {
        source.stop(now + STOP_FADE_S);
      } catch {
        // never started or already stopped: nothing to cut
      }
    }
    this.sources.clear();
    // Anything that arrives from now on starts after the fade has been undone.
    this.nextStart = now + STOP_FADE_S + 0.004;
    this.setPlaying(false);
  }

  /** @returns {boolean} whether interviewer speech is playing or queued */
  get playing() {
    return this.isPlaying;
  }

  /** @returns {number} seconds of speech still queued */
  get queuedSeconds() {
    return this.sources.size ? Math.max(0, this.nextStart - this.context.currentTime) : 0;
  }

  /** @returns {number} the RMS level (0–1) of what the speakers are playing right now */
  level() {
    this.analyser.getFloatTimeDomainData(this.samples);
    let sum = 0;
    for (const sample of this.samples) sum += sample * sample;
    return Math.sqrt(sum / this.samples.length);
  }

  /**
   * @param {(playing: boolean) => void} listener called when playback starts or ends
   * @returns {() => void} unsubscribes
   */
  onPlayingChange(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close() {
    this.stop();
    this.listeners.clear();
    if (this.context.state !== "closed") await this.context.close();
  }

  /** @param {boolean} playing */
  setPlaying(playing) {
    if (playing === this.isPlaying) return;
    this.isPlaying = playing;
    for (const listener of this.listeners) listener(playing);
  }
}
