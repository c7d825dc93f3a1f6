// @ts-check
/** Draws the report's radar and per-question bars with Chart.js, from the page's JSON. */
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
});
