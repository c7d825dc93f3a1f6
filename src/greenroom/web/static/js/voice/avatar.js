// @ts-check
/**
 * The interviewer's face: head and shoulders drawn as SVG by this module (no images). The mouth
 * opens with the level of the interviewer's voice, the eyes blink now and then, and the pose
 * shows whether the interviewer is listening, thinking, speaking or waiting. The poses are CSS
 * (app.css, "Voice room"); with prefers-reduced-motion there is no blinking and little movement.
 */

const SVG = "http://www.w3.org/2000/svg";
/** @typedef {"idle" | "listening" | "thinking" | "speaking" | "waiting"} AvatarState */
/** @type {AvatarState[]} */
const STATES = ["idle", "listening", "thinking", "speaking", "waiting"];
/** @type {Record<AvatarState, string>} */
const LABELS = {
  idle: "The interviewer",
  listening: "The interviewer, listening",
  thinking: "The interviewer, thinking",
  speaking: "The interviewer, speaking",
  waiting: "The interviewer, waiting for you",
};
const BLINK_MIN_MS = 3000;
const BLINK_MAX_MS = 6000;
const BLINK_MS = 140;
/** How fast the mouth follows the voice: opening quickly, closing a little slower, as lips do. */
const OPEN_MS = 30;
const CLOSE_MS = 80;
const MOUTH_X = 120;
const MOUTH_Y = 135;

let instances = 0;

export class Avatar {
  /**
   * @param {HTMLElement} container emptied and given the drawing
   * @param {{persona?: string, level?: () => number}} [options] level: the voice's RMS, 0–1
   */
  constructor(container, options = {}) {
    this.level = options.level ?? (() => 0);
    this.openness = 0;
    /** @type {AvatarState} */
    this.state = "idle";
    this.reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
    this.svg = draw(`avatar-${++instances}`);
    const persona = ["friendly", "neutral", "tough"].includes(options.persona ?? "")
      ? options.persona : "neutral";
    this.svg.classList.add(`avatar-${persona}`);
    this.mouth = /** @type {SVGPathElement} */ (this.svg.querySelector(".avatar-mouth"));
    container.replaceChildren(this.svg);
    this.setState("idle");

    /** @type {number | undefined} */
    this.blinkTimer = undefined;
    this.frame = 0;
    this.lastFrameAt = performance.now();
    this.onMotionChange = () => this.scheduleBlink();
    this.reducedMotion.addEventListener("change", this.onMotionChange);
    this.scheduleBlink();
    this.animate();
  }

  /** @param {AvatarState} state */
  setState(state) {
    if (!STATES.includes(state)) return;
    for (const name of STATES) this.svg.classList.toggle(`avatar-${name}`, name === state);
    this.state = state;
    this.svg.setAttribute("aria-label", LABELS[state]);
  }

  destroy() {
    cancelAnimationFrame(this.frame);
    window.clearTimeout(this.blinkTimer);
    this.reducedMotion.removeEventListener("change", this.onMotionChange);
    this.svg.remove();
  }

  animate() {
    const now = performance.now();
    const elapsed = Math.min(100, now - this.lastFrameAt);
    this.lastFrameAt = now;
    const target = Math.min(1, Math.max(0, (this.level() - 0.01) * 5));
    const pace = target > this.openness ? OPEN_MS : CLOSE_MS;
    this.openness += (target - this.openness) * (1 - Math.exp(-elapsed / pace));
    // Reduced motion: a smaller mouth movement, in a few steps.
    const shown = this.reducedMotion.matches
      ? Math.round(this.openness * 2) / 4
      : Math.round(this.openness * 20) / 20;
    const d = mouthPath(shown);
    if (this.mouth.getAttribute("d") !== d) this.mouth.setAttribute("d", d);
    this.frame = requestAnimationFrame(() => this.animate());
  }

  scheduleBlink() {
    window.clearTimeout(this.blinkTimer);
    if (this.reducedMotion.matches) return;
    const wait = BLINK_MIN_MS + Math.random() * (BLINK_MAX_MS - BLINK_MIN_MS);
    this.blinkTimer = window.setTimeout(() => {
      this.svg.classList.add("avatar-blink");
      window.setTimeout(() => this.svg.classList.remove("avatar-blink"), BLINK_MS);
      this.scheduleBlink();
    }, wait);
  }
}

/**
 * A smile that opens into a rounded mouth.
 * @param {number} open 0 (closed) to 1 (wide open)
 * @returns {string}
 */
export function mouthPath(open) {
  const half = 12 - 2.5 * open;
  const upper = (MOUTH_Y + 2.5 - 3 * open).toFixed(1);
  const lower = (MOUTH_Y + 4 + 13 * open).toFixed(1);
  const left = MOUTH_X - half;
  const right = MOUTH_X + half;
  const inset = (/** @type {number} */ x, /** @type {number} */ by) => (x + by).toFixed(1);
  return `M${left.toFixed(1)} ${MOUTH_Y}Q${MOUTH_X} ${upper} ${right.toFixed(1)} ${MOUTH_Y}`
    + `C${inset(right, -2)} ${lower} ${inset(left, 2)} ${lower} ${left.toFixed(1)} ${MOUTH_Y}Z`;
}

/**
 * @param {string} tag
 * @param {Record<string, string | number>} attributes
 * @param {Element[]} [children]
 * @returns {SVGElement}
 */
function el(tag, attributes, children = []) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  node.append(...children);
  return node;
}

/**
 * The drawing, in a 240×240 box: a portrait disc, shoulders, neck, and a head whose parts are
 * grouped so CSS can move them (lean, gaze, brows, blink).
 * @param {string} id unique per page, for the clip path
 * @returns {SVGSVGElement}
 */
function draw(id) {
  const eye = (/** @type {number} */ x) => el("ellipse", { class: "avatar-eye", cx: x, cy: 108, rx: 4.6, ry: 5.6 });
  const head = el("g", { class: "avatar-head" }, [
    el("ellipse", { class: "avatar-skin", cx: 73, cy: 112, rx: 8, ry: 12 }),
    el("ellipse", { class: "avatar-skin", cx: 167, cy: 112, rx: 8, ry: 12 }),
    el("ellipse", { class: "avatar-skin", cx: 120, cy: 110, rx: 47, ry: 55 }),
    el("path", {
      class: "avatar-hair",
      d: "M72 108C66 66 90 48 121 48C153 48 176 68 168 108C163 90 152 78 134 76"
        + "C118 86 96 84 86 80C79 88 75 96 72 108Z",
    }),
    el("g", { class: "avatar-brows" }, [
      el("path", { class: "avatar-brow", d: "M91 94Q100 89 109 92" }),
      el("path", { class: "avatar-brow", d: "M131 92Q140 89 149 94" }),
    ]),
    el("g", { class: "avatar-eyes" }, [eye(100), eye(140)]),
    el("ellipse", { class: "avatar-cheek", cx: 91, cy: 127, rx: 8, ry: 5 }),
    el("ellipse", { class: "avatar-cheek", cx: 149, cy: 127, rx: 8, ry: 5 }),
    el("path", { class: "avatar-nose", d: "M121 112Q115 123 122 125" }),
    el("path", { class: "avatar-mouth", d: mouthPath(0) }),
  ]);
  const body = el("g", { transform: "translate(120 244) scale(1.1) translate(-120 -240)" }, [
    el("path", { class: "avatar-shirt", d: "M30 240C32 196 70 176 120 176C170 176 208 196 210 240Z" }),
    el("path", { class: "avatar-collar", d: "M100 178L120 204L140 178Z" }),
    el("rect", { class: "avatar-neck", x: 105, y: 148, width: 30, height: 36, rx: 12 }),
    head,
  ]);
  // The clip is on an outer group: the breathing animation moves the inner one.
  const figure = el("g", { "clip-path": `url(#${id}-clip)` }, [el("g", { class: "avatar-figure" }, [body])]);
  const dots = el("g", { class: "avatar-dots" }, [
    el("circle", { cx: 186, cy: 52, r: 5 }),
    el("circle", { cx: 201, cy: 52, r: 5 }),
    el("circle", { cx: 216, cy: 52, r: 5 }),
  ]);
  const svg = /** @type {SVGSVGElement} */ (el("svg", {
    class: "avatar", viewBox: "0 0 240 240", role: "img", focusable: "false",
  }, [
    el("defs", {}, [el("clipPath", { id: `${id}-clip` }, [el("circle", { cx: 120, cy: 120, r: 110 })])]),
    el("circle", { class: "avatar-ring", cx: 120, cy: 120, r: 116 }),
    el("circle", { class: "avatar-bg", cx: 120, cy: 120, r: 110 }),
    figure,
    dots,
  ]));
  return svg;
}
