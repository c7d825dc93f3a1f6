// @ts-check
/**
 * Page-wide behaviour: ask before destructive actions.
 * A form with data-confirm="question", or a submit button with data-confirm-click="question",
 * is only submitted once the person agrees.
 */
document.addEventListener("submit", (event) => {
  const form = /** @type {HTMLFormElement} */ (event.target);
  const submitter = /** @type {HTMLElement | null} */ (/** @type {SubmitEvent} */ (event).submitter);
  const question = submitter?.dataset.confirmClick || form.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

/**
 * A submit button with data-busy-label="…" shows that text, and cannot be pressed twice, while
 * a slow request (planning, writing questions) runs.
 */
document.addEventListener("submit", (event) => {
  if (event.defaultPrevented) return;
  const submitter = /** @type {SubmitEvent} */ (event).submitter;
  if (submitter instanceof HTMLButtonElement && submitter.dataset.busyLabel) {
    window.setTimeout(() => {
      submitter.disabled = true;
      submitter.textContent = submitter.dataset.busyLabel || "";
    });
  }
});
