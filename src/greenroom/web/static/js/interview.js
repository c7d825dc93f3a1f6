// @ts-check
/**
 * The interview room: the question timer, the time of the first keystroke, drafts saved as
 * the candidate types, a character count, and Ctrl+Enter to send.
 */

const DRAFT_DELAY_MS = 800;

/** @param {number} seconds */
function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function startTimer() {
  const timer = /** @type {HTMLElement | null} */ (document.querySelector("[data-timer]"));
  const value = timer?.querySelector("[data-timer-value]");
  if (!timer || !value) return;
  const startedAt = performance.now() - Number(timer.dataset.elapsed || 0) * 1000;
  const suggested = Number(timer.dataset.suggested || 0);
  const tick = () => {
    const elapsed = (performance.now() - startedAt) / 1000;
    value.textContent = clock(elapsed);
    timer.classList.toggle("timer-over", suggested > 0 && elapsed > suggested);
  };
  tick();
  window.setInterval(tick, 1000);
}

function wireAnswerForm() {
  const form = /** @type {HTMLFormElement | null} */ (document.getElementById("answer-form"));
  if (!form) return;
  const text = /** @type {HTMLTextAreaElement} */ (form.elements.namedItem("text"));
  const firstInput = /** @type {HTMLInputElement} */ (form.elements.namedItem("first_input_at"));
  const csrf = /** @type {HTMLInputElement} */ (form.elements.namedItem("csrf_token"));
  const status = document.querySelector("[data-draft-status]");
  const counter = document.querySelector("[data-count]");
  const max = Number(form.dataset.max || 8000);
  /** @type {number | undefined} */
  let pending;

  const count = () => {
    if (!counter) return;
    const over = text.value.length > max;
    counter.textContent = `${text.value.length.toLocaleString()} / ${max.toLocaleString()} characters`
      + (over ? " — too long: shorten it before sending" : "");
    counter.classList.toggle("warn", over);
  };

  const saveDraft = async () => {
    const body = new URLSearchParams({ text: text.value });
    try {
      const response = await fetch(form.dataset.draftUrl || "", {
        method: "POST", body, headers: { "X-CSRF-Token": csrf.value },
      });
      if (status) status.textContent = response.ok ? "Draft saved." : "Draft not saved: reload the page.";
    } catch {
      if (status) status.textContent = "Offline: your draft is kept in this page until you reconnect.";
    }
  };

  text.addEventListener("input", () => {
    if (!firstInput.value) firstInput.value = new Date().toISOString();
    count();
    if (status) status.textContent = "Saving…";
    window.clearTimeout(pending);
    pending = window.setTimeout(saveDraft, DRAFT_DELAY_MS);
  });
  text.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", (event) => {
    window.clearTimeout(pending);
    // The interviewer may take a few seconds to decide: say so, and stop a double send.
    const sender = /** @type {SubmitEvent} */ (event).submitter;
    if (sender instanceof HTMLButtonElement && !sender.hasAttribute("formaction")) {
      sender.disabled = true;
      sender.textContent = "The interviewer is thinking…";
    }
  });
  count();
  text.focus();
  text.setSelectionRange(text.value.length, text.value.length);
}

function scrollToLatest() {
  document.getElementById("latest")?.scrollIntoView({ block: "nearest" });
}

startTimer();
wireAnswerForm();
scrollToLatest();
