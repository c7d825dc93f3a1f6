// @ts-check
/**
 * Page-wide behaviour: ask before destructive actions.
 * A form with data-confirm="question" is only submitted once the person agrees.
 */
document.addEventListener("submit", (event) => {
  const form = /** @type {HTMLFormElement} */ (event.target);
  const question = form.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
