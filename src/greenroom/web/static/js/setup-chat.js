// @ts-check
/**
 * Set up by chat: keeps the latest message in view, shows the candidate's message at once while
 * the reply is on its way, and gives the focus back to the message box after each turn.
 * Enter sends (the box is a single-line input inside the form), with or without this script.
 */

function settle() {
  const log = document.getElementById("chat-log");
  if (log) log.scrollTop = log.scrollHeight;
  const box = /** @type {HTMLInputElement | null} */ (document.getElementById("chat-message"));
  box?.focus();
}

/** @param {Event} event */
function showPending(event) {
  const form = /** @type {HTMLElement} */ (event.target);
  if (form.id !== "chat-form") return;
  const box = /** @type {HTMLInputElement | null} */ (document.getElementById("chat-message"));
  const log = document.getElementById("chat-log");
  if (!box || !log || !box.value.trim()) return;
  const item = document.createElement("li");
  item.className = "turn turn-candidate turn-pending";
  const who = document.createElement("p");
  who.className = "turn-who";
  who.textContent = "You";
  const text = document.createElement("p");
  text.className = "turn-text";
  text.textContent = box.value;
  item.append(who, text);
  log.append(item);
  log.scrollTop = log.scrollHeight;
}

document.body.addEventListener("htmx:beforeRequest", showPending);
document.body.addEventListener("htmx:afterSettle", settle);
settle();
