// @ts-check
/**
 * The coaching chat on the report page: sends a question, shows the reply as it streams in
 * (always as text, never as HTML), and links each "Q2" it names to that question's section.
 */

const QUESTION_REF = /\bQ(\d{1,3})\b/g;

/**
 * Fills `element` with `text`; each "Qn" naming a question on this page becomes a link to it.
 * @param {HTMLElement} element
 * @param {string} text
 */
function showWithLinks(element, text) {
  /** @type {Node[]} */
  const parts = [];
  let position = 0;
  for (const match of text.matchAll(QUESTION_REF)) {
    const anchor = `question-${match[1]}`;
    if (match.index === undefined || !document.getElementById(anchor)) continue;
    parts.push(document.createTextNode(text.slice(position, match.index)));
    const link = document.createElement("a");
    link.href = `#${anchor}`;
    link.textContent = match[0];
    parts.push(link);
    position = match.index + match[0].length;
  }
  parts.push(document.createTextNode(text.slice(position)));
  element.replaceChildren(...parts);
}

/**
 * The reason a refused request gives ({"detail": ...}), or a plain one.
 * @param {Response} response
 */
async function reasonOf(response) {
  try {
    const body = await response.json();
    if (typeof body.detail === "string") return body.detail;
  } catch {
    // not JSON: fall through to the plain reason
  }
  return `The coach could not answer (HTTP ${response.status}). Reload the page and try again.`;
}

function wireCoach() {
  const panel = document.getElementById("coach");
  const log = document.getElementById("coach-log");
  const form = /** @type {HTMLFormElement | null} */ (document.getElementById("coach-form"));
  const error = document.getElementById("coach-error");
  if (!panel || !log || !form || !error) return;
  const input = /** @type {HTMLTextAreaElement} */ (form.elements.namedItem("message"));
  const csrf = /** @type {HTMLInputElement} */ (form.elements.namedItem("csrf_token"));
  const send = /** @type {HTMLButtonElement} */ (document.getElementById("coach-send"));
  const url = panel.dataset.coachUrl || "";
  let busy = false;

  /** @param {string} message */
  const showError = (message) => {
    error.textContent = message;
    error.hidden = !message;
  };

  /**
   * Adds a message to the conversation and returns the element that holds its text.
   * @param {"candidate" | "coach"} role
   * @param {string} text
   */
  const addMessage = (role, text) => {
    const item = document.createElement("div");
    item.className = `coach-msg coach-msg-${role}`;
    const who = document.createElement("p");
    who.className = "turn-who";
    who.textContent = role === "candidate" ? "You" : "Coach";
    const body = document.createElement("p");
    body.className = "coach-text";
    body.textContent = text;
    item.append(who, body);
    log.append(item);
    log.scrollTop = log.scrollHeight;
    return body;
  };

  /** @param {string} text */
  const ask = async (text) => {
    if (busy || !text) return;
    busy = true;
    send.disabled = true;
    log.setAttribute("aria-busy", "true");
    showError("");
    const question = addMessage("candidate", text);
    input.value = "";
    /** @type {HTMLElement | null} */
    let reply = null;
    try {
      const response = await fetch(url, {
        method: "POST",
        body: new URLSearchParams({ message: text }),
        headers: { "X-CSRF-Token": csrf.value, Accept: "text/plain, application/json" },
      });
      if (!response.ok || !response.body) {
        question.parentElement?.remove();
        input.value = text;
        showError(await reasonOf(response));
        return;
      }
      document.getElementById("coach-empty")?.remove();
      reply = addMessage("coach", "");
      reply.parentElement?.classList.add("coach-streaming");
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let received = "";
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        received += value;
        showWithLinks(reply, received);
        log.scrollTop = log.scrollHeight;
      }
    } catch {
      showError(
        "The connection was lost before the coach finished. Reload the page to see what was kept.",
      );
    } finally {
      reply?.parentElement?.classList.remove("coach-streaming");
      busy = false;
      send.disabled = false;
      log.setAttribute("aria-busy", "false");
      input.focus();
    }
  };

  // HTMX loads the conversation so far: show its latest messages.
  log.addEventListener("htmx:afterSwap", () => {
    log.scrollTop = log.scrollHeight;
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) {
      showError("Type a question for the coach first.");
      return;
    }
    ask(text);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  panel.addEventListener("click", (event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    const suggestion = target.closest("[data-coach-suggestion]");
    if (suggestion) ask((suggestion.textContent || "").trim());
  });
}

wireCoach();
