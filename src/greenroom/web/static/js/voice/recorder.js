// @ts-check
/**
 * The microphone, as 20 ms frames of 16 kHz mono PCM (Int16 little-endian, 640 bytes) handed to a
 * callback, with the input level for a meter. The resampling runs on the audio thread in
 * recorder-worklet.js.
 */

export const SAMPLE_RATE = 16000;
export const FRAME_BYTES = 640;
const WORKLET_URL = new URL("./recorder-worklet.js", import.meta.url);
const PROCESSOR = "greenroom-recorder";

/** @typedef {"permission-denied" | "no-device" | "device-busy" | "unsupported" | "failed"} RecorderFailure */

/** Why the microphone could not start, with a message to show the candidate as it is. */
export class RecorderError extends Error {
  /**
   * @param {RecorderFailure} reason
   * @param {string} message
   */
  constructor(reason, message) {
    super(message);
    this.name = "RecorderError";
    this.reason = reason;
  }
}

/** @type {Record<RecorderFailure, string>} */
const MESSAGES = {
  "permission-denied": "Microphone access was refused. To answer by voice, allow the microphone "
    + "for this site (the icon in the address bar) and try again.",
  "no-device": "No microphone was found. Connect one and try again.",
  "device-busy": "The microphone could not be started; another application may be using it.",
  unsupported: "This browser cannot record audio for a voice interview. A recent Firefox, "
    + "Chrome, Edge or Safari can, on an https address or on localhost.",
  failed: "The microphone could not be started.",
};

/**
 * @typedef {object} RecorderOptions
 * @property {(frame: ArrayBuffer) => void} onFrame each 20 ms frame, 640 bytes
 * @property {(rms: number) => void} [onLevel] the RMS level (0–1) of each frame
 * @property {() => void} [onEnded] the microphone went away (unplugged, revoked)
 */

export class Recorder {
  /**
   * @param {MediaStream} stream
   * @param {AudioContext} context
   * @param {AudioWorkletNode} node
   */
  constructor(stream, context, node) {
    this.stream = stream;
    this.context = context;
    this.node = node;
  }

  /** The rate the browser captures at; the frames are always 16 kHz. */
  get inputSampleRate() {
    return this.context.sampleRate;
  }

  /**
   * Mutes at the source: the track delivers silence, so nothing said is even captured.
   * @param {boolean} enabled
   */
  setEnabled(enabled) {
    for (const track of this.stream.getAudioTracks()) track.enabled = enabled;
  }

  /** Releases the microphone (the browser's recording indicator goes off). */
  async stop() {
    this.node.port.onmessage = null;
    this.node.disconnect();
    for (const track of this.stream.getTracks()) track.stop();
    if (this.context.state !== "closed") await this.context.close();
  }
}

/** @returns {boolean} */
export function recordingSupported() {
  return typeof navigator.mediaDevices?.getUserMedia === "function"
    && typeof window.AudioContext === "function"
    && typeof window.AudioWorkletNode === "function";
}

/**
 * Asks for the microphone and starts sending frames.
 * @param {RecorderOptions} options
 * @returns {Promise<Recorder>}
 * @throws {RecorderError}
 */
export async function startRecorder(options) {
  if (!recordingSupported()) throw failure("unsupported");
  /** @type {MediaStream} */
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 },
    });
  } catch (error) {
    throw failure(reasonFor(error));
  }
  try {
    const { context, source } = openContext(stream);
    await context.audioWorklet.addModule(WORKLET_URL.href);
    const node = new AudioWorkletNode(context, PROCESSOR, {
      numberOfInputs: 1,
      numberOfOutputs: 0,
      channelCount: 1,
      channelCountMode: "explicit",
      channelInterpretation: "speakers",
    });
    node.port.onmessage = (event) => {
      const { pcm, rms } = /** @type {{pcm: ArrayBuffer, rms: number}} */ (event.data);
      options.onLevel?.(rms);
      options.onFrame(pcm);
    };
    source.connect(node);
    if (context.state === "suspended") await context.resume();
    stream.getAudioTracks()[0]?.addEventListener("ended", () => options.onEnded?.());
    return new Recorder(stream, context, node);
  } catch (error) {
    for (const track of stream.getTracks()) track.stop();
    throw error instanceof RecorderError ? error : failure("failed");
  }
}

/**
 * A context at 16 kHz where the browser can feed the microphone into one (no resampling on our
 * side), else one at the device rate; the worklet low-passes and decimates either way.
 * @param {MediaStream} stream
 * @returns {{context: AudioContext, source: MediaStreamAudioSourceNode}}
 */
function openContext(stream) {
  try {
    const context = new AudioContext({ sampleRate: SAMPLE_RATE, latencyHint: "interactive" });
    try {
      return { context, source: context.createMediaStreamSource(stream) };
    } catch {
      void context.close(); // Firefox: a stream cannot cross sample rates
    }
  } catch {
    // An AudioContext cannot run at 16 kHz here.
  }
  const context = new AudioContext({ latencyHint: "interactive" });
  return { context, source: context.createMediaStreamSource(stream) };
}

/**
 * @param {unknown} error from getUserMedia
 * @returns {RecorderFailure}
 */
function reasonFor(error) {
  const name = error instanceof Error || error instanceof DOMException ? error.name : "";
  if (name === "NotAllowedError" || name === "SecurityError") return "permission-denied";
  if (name === "NotFoundError" || name === "OverconstrainedError") return "no-device";
  if (name === "NotReadableError" || name === "AbortError") return "device-busy";
  if (name === "TypeError") return "unsupported";
  return "failed";
}

/**
 * The error, with its message for the candidate, for one reason.
 * @param {RecorderFailure} reason
 * @returns {RecorderError}
 */
export function failure(reason) {
  return new RecorderError(reason, MESSAGES[reason]);
}
