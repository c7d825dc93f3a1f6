// @ts-check
/** Draws the report's radar, per-question bars and, for spoken answers, the delivery timeline
 * with Chart.js, from the page's JSON. */

/**
 * @typedef {{start: number, end: number, wpm: number, words: number}} PaceWindow
 * @typedef {{t: number, text: string, weight: number}} Filler
 * @typedef {{label: string, offset_s: number, duration_s: number, windows: PaceWindow[],
 *   pauses: number[][], fillers: Filler[]}} SpokenAnswer
 * @typedef {{x: number, y: number | null, note?: string}} Point
 */

const COMFORTABLE = [130, 175]; // words per minute, as in docs/scoring.md
const PAUSE_ROW = 15; // where pauses and fillers sit under the pace line
const FILLER_ROW = 35;

/**
 * The timeline's series: answers back to back on one time axis, a gap (null) between them.
 * @param {SpokenAnswer[]} answers
 * @returns {{pace: Point[], pauses: Point[], fillers: Point[], end: number}}
 */
function deliverySeries(answers) {
  /** @type {Point[]} */ const pace = [];
  /** @type {Point[]} */ const pauses = [];
  /** @type {Point[]} */ const fillers = [];
  let end = 0;
  for (const a of answers) {
    for (const w of a.windows) {
      pace.push({ x: a.offset_s + (w.start + w.end) / 2, y: w.wpm,
        note: `${a.label}: ${Math.round(w.wpm)} words a minute` });
    }
    for (const [start, stop] of a.pauses) {
      const note = `${a.label}: ${(stop - start).toFixed(1)} s pause`;
      pauses.push({ x: a.offset_s + start, y: PAUSE_ROW, note }, { x: a.offset_s + stop, y: PAUSE_ROW, note },
        { x: a.offset_s + stop, y: null });
    }
    for (const f of a.fillers) {
      fillers.push({ x: a.offset_s + f.t, y: FILLER_ROW, note: `${a.label}: “${f.text}”` });
    }
    end = a.offset_s + a.duration_s;
    pace.push({ x: end, y: null });
  }
  return { pace, pauses, fillers, end };
}

/**
 * @param {any} Chart the Chart.js constructor
 * @param {HTMLElement} canvas
 * @param {SpokenAnswer[]} answers
 */
function drawDelivery(Chart, canvas, answers) {
  const { pace, pauses, fillers, end } = deliverySeries(answers);
  /** @param {number} y */
  const band = (y) => [{ x: 0, y, note: `${y} words a minute` }, { x: end, y, note: `${y} words a minute` }];
  new Chart(canvas, {
    type: "line",
    data: { datasets: [
      { label: "Words per minute", data: pace, borderColor: "rgba(31, 122, 77, 0.9)", tension: 0.2 },
      { label: "Pauses", data: pauses, borderColor: "rgba(110, 80, 170, 0.8)", borderWidth: 6,
        pointRadius: 0 },
      { label: "Fillers", data: fillers, showLine: false, pointStyle: "crossRot", pointRadius: 6,
        borderColor: "rgba(138, 83, 0, 0.9)" },
      { label: "Comfortable pace", data: band(COMFORTABLE[0]), borderDash: [4, 4], pointRadius: 0,
        borderColor: "rgba(79, 90, 100, 0.5)" },
      { label: "", data: band(COMFORTABLE[1]), borderDash: [4, 4], pointRadius: 0,
        borderColor: "rgba(79, 90, 100, 0.5)" },
    ] },
    options: {
      animation: false,
      parsing: { xAxisKey: "x", yAxisKey: "y" },
      scales: {
        x: { type: "linear", min: 0, max: end, title: { display: true, text: "seconds, answers back to back" } },
        y: { min: 0, suggestedMax: 220, title: { display: true, text: "words per minute" } },
      },
      plugins: {
        legend: { labels: { filter: (/** @type {{text: string}} */ item) => item.text !== "" } },
        tooltip: { callbacks: { label: (/** @type {{raw: Point}} */ ctx) => ctx.raw.note || "" } },
      },
    },
  });
}

window.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("report-data");
  // @ts-ignore -- Chart is the global from the vendored Chart.js bundle.
  const Chart = window.Chart;
  if (!source || !Chart) return;
  const data = JSON.parse(source.textContent || "{}");
  const labels = Object.keys(data.radar).map((k) => k.replaceAll("_", " "));
  const green = "rgba(31, 122, 77, 0.8)";
  const radar = document.getElementById("radar-chart");
  if (radar) {
    new Chart(radar, {
      type: "radar",
      data: { labels, datasets: [{ label: "This interview", data: Object.values(data.radar),
        backgroundColor: "rgba(31, 122, 77, 0.2)", borderColor: green }] },
      options: { scales: { r: { min: 0, max: 100 } }, animation: false },
    });
  }
  const bars = document.getElementById("questions-chart");
  if (bars) {
    new Chart(bars, {
      type: "bar",
      data: { labels: data.questions.map((_s, i) => `Q${i + 1}`),
        datasets: [{ label: "Score", data: data.questions, backgroundColor: green }] },
      options: { scales: { y: { min: 0, max: 100 } }, animation: false },
    });
  }
  const delivery = document.getElementById("delivery-data");
  const timeline = document.getElementById("delivery-chart");
  if (delivery && timeline) drawDelivery(Chart, timeline, JSON.parse(delivery.textContent || "[]"));
});
