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
