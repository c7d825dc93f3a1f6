// @ts-check
/**
 * The audio-thread half of the recorder: the microphone at the context's rate in, 16 kHz mono
 * Int16 little-endian frames of 20 ms out (posted as ArrayBuffers with their RMS level).
 * Runs in an AudioWorkletGlobalScope, so `sampleRate`, `registerProcessor` and
 * `AudioWorkletProcessor` are globals; it is loaded with audioWorklet.addModule, never imported.
 */
/* global sampleRate, registerProcessor, AudioWorkletProcessor */

const TARGET_RATE = 16000;
const FRAME_SAMPLES = 320; // 20 ms at 16 kHz = 640 bytes
const CUTOFF_HZ = 7000; // below the 8 kHz Nyquist limit of the output, with room for the roll-off
const TAPS_PER_RATIO = 21; // 65 taps at 48 kHz: flat to ~5 kHz, nothing above ~9 kHz gets through

/**
 * A Blackman-windowed sinc low-pass, normalised to unity gain at DC; longer for higher rates,
 * so the transition band stays the same width in hertz.
 * @param {number} inputRate
 * @returns {Float32Array}
 */
function lowPass(inputRate) {
  const length = 2 * Math.round((TAPS_PER_RATIO * inputRate) / TARGET_RATE / 2) + 1;
  const taps = new Float32Array(length);
  const fc = CUTOFF_HZ / inputRate;
  const middle = (length - 1) / 2;
  let sum = 0;
  for (let i = 0; i < length; i++) {
    const n = i - middle;
    const sinc = n === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * n) / (Math.PI * n);
    const window = 0.42 - 0.5 * Math.cos((2 * Math.PI * i) / (length - 1))
      + 0.08 * Math.cos((4 * Math.PI * i) / (length - 1));
    taps[i] = sinc * window;
    sum += taps[i];
  }
  for (let i = 0; i < length; i++) taps[i] /= sum;
  return taps;
}

class RecorderProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    /** Input samples per output sample (2.75625 at 44.1 kHz, 3 at 48 kHz, 1 at 16 kHz). */
    this.ratio = sampleRate / TARGET_RATE;
    this.taps = this.ratio > 1 ? lowPass(sampleRate) : new Float32Array([1]);
    this.history = new Float32Array(this.taps.length); // a ring of the latest input samples
    this.head = 0;
    this.previous = 0; // the previous filtered sample, for interpolation
    this.position = 0; // where the next output sample falls, relative to the current input
    this.frame = new DataView(new ArrayBuffer(FRAME_SAMPLES * 2));
    this.filled = 0;
    this.squares = 0;
  }

  /**
   * @param {number} value one sample at the input rate
   * @returns {number} the low-passed sample
   */
  filter(value) {
    const taps = this.taps;
    if (taps.length === 1) return value;
    this.history[this.head] = value;
    this.head = (this.head + 1) % taps.length;
    let sum = 0;
    let index = this.head;
    for (let i = 0; i < taps.length; i++) {
      sum += taps[i] * this.history[index];
      index = index + 1 === taps.length ? 0 : index + 1;
    }
    return sum;
  }

  /** @param {number} value one sample at 16 kHz */
  emit(value) {
    const clamped = Math.max(-1, Math.min(1, value));
    this.frame.setInt16(this.filled * 2, clamped < 0 ? clamped * 0x8000 : clamped * 0x7fff, true);
    this.squares += clamped * clamped;
    this.filled += 1;
    if (this.filled === FRAME_SAMPLES) {
      const pcm = this.frame.buffer;
      this.port.postMessage({ pcm, rms: Math.sqrt(this.squares / FRAME_SAMPLES) }, [pcm]);
      this.frame = new DataView(new ArrayBuffer(FRAME_SAMPLES * 2));
      this.filled = 0;
      this.squares = 0;
    }
  }

  /**
   * @param {Float32Array[][]} inputs
   * @returns {boolean}
   */
  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true; // no input yet (or the track was stopped): keep the node alive
    for (let i = 0; i < channel.length; i++) {
      const current = this.filter(channel[i]);
      // Linear interpolation between the previous and the current filtered sample.
      while (this.position <= 0) {
        this.emit(this.previous + (current - this.previous) * (this.position + 1));
        this.position += this.ratio;
      }
      this.position -= 1;
      this.previous = current;
    }
    return true;
  }
}

registerProcessor("greenroom-recorder", RecorderProcessor);
