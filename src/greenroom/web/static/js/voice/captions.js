// @ts-check
/**
 * Live captions of both speakers. Consecutive captions of one speaker form one line: final text
 * is appended to it and stays; interim text (a guess that may still change) is shown after it
 * and replaced by the next caption. Text is only ever set as textContent.
 */

/** @typedef {"candidate" | "interviewer"} Speaker */
/** @typedef {{speaker: Speaker, text: string, final: boolean}} Caption */

/** @type {Record<Speaker, string>} */
const WHO = { candidate: "You", interviewer: "Interviewer" };

export class Captions {
  /**
   * @param {HTMLElement} element the caption area; given role="log" and aria-live="polite"
   * @param {{maxLines?: number}} [options] older lines beyond this are removed
   */
  constructor(element, options = {}) {
    this.element = element;
    this.maxLines = options.maxLines ?? 200;
    /** @type {{speaker: Speaker, final: HTMLElement, interim: HTMLElement} | null} */
    this.line = null;
    element.setAttribute("role", "log");
    element.setAttribute("aria-live", "polite");
    // Follow the conversation unless the candidate scrolled up to reread something.
    this.following = true;
    element.addEventListener("scroll", () => {
      this.following = element.scrollHeight - element.scrollTop - element.clientHeight < 48;
    });
  }

  /** @param {Caption} caption */
  show(caption) {
    const text = String(caption.text ?? "").trim();
    const speaker = caption.speaker === "interviewer" ? "interviewer" : "candidate";
    if (!text) {
      if (caption.final && this.line?.speaker === speaker) this.dropGuess(this.line);
      return;
    }
    const line = this.line?.speaker === speaker ? this.line : this.startLine(speaker);
    if (caption.final) {
      line.final.textContent = joined(line.final.textContent ?? "", text);
      line.interim.textContent = "";
    } else {
      line.interim.textContent = line.final.textContent ? ` ${text}` : text;
    }
    this.keepLatestVisible();
  }

  /** Ends the current line, so the next caption starts a new one (a new turn). */
  breakLine() {
    if (this.line) this.dropGuess(this.line);
    this.line = null;
  }

  /**
   * Clears a line's interim text; a line that only ever had a guess goes away with it.
   * @param {{final: HTMLElement, interim: HTMLElement}} line
   */
  dropGuess(line) {
    line.interim.textContent = "";
    if (!line.final.textContent) {
      line.final.parentElement?.remove();
      if (this.line?.final === line.final) this.line = null;
    }
  }

  /**
   * Marks the interviewer's latest line as withdrawn (struck through; a screen reader hears
   * "withdrawn"): the candidate went on and the interviewer took that reply back.
   */
  withdrawLast() {
    const rows = this.element.querySelectorAll(".caption-interviewer:not(.caption-withdrawn)");
    const row = rows[rows.length - 1];
    if (!row) return;
    row.classList.add("caption-withdrawn");
    const said = document.createElement("span");
    said.className = "visually-hidden";
    said.textContent = " (withdrawn)";
    row.append(said);
  }

  /**
   * A line from the page itself ("Reconnected."), not from either speaker.
   * @param {string} text
   */
  note(text) {
    this.breakLine();
    const line = document.createElement("p");
    line.className = "caption caption-note";
    line.textContent = text;
    this.element.append(line);
    this.keepLatestVisible();
  }

  /**
   * @param {Speaker} speaker
   * @returns {{speaker: Speaker, final: HTMLElement, interim: HTMLElement}}
   */
  startLine(speaker) {
    this.breakLine();
    const row = document.createElement("p");
    row.className = `caption caption-${speaker}`;
    const who = document.createElement("span");
    who.className = "caption-who";
    who.textContent = WHO[speaker];
    const final = document.createElement("span");
    final.className = "caption-final";
    const interim = document.createElement("span");
    interim.className = "caption-interim";
    // A guess read aloud and then corrected is noise to a screen reader: it hears final text only.
    interim.setAttribute("aria-hidden", "true");
    row.append(who, " ", final, interim);
    this.element.append(row);
    this.line = { speaker, final, interim };
    return this.line;
  }

  keepLatestVisible() {
    this.element.classList.remove("captions-empty");
    const rows = this.element.querySelectorAll(".caption");
    for (let i = 0; i < rows.length - this.maxLines; i++) rows[i].remove();
    if (this.following) this.element.scrollTop = this.element.scrollHeight;
  }
}

/**
 * @param {string} before
 * @param {string} after
 */
function joined(before, after) {
  return before ? `${before} ${after}` : after;
}
