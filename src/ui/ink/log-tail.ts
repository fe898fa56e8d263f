// The live log pane keeps only the last few lines of output: a command may print 100,000 lines
// and the run's log file has all of them. Lines are cleaned of terminal control sequences on
// purpose: a child's colours or cursor moves would otherwise break the layout around them.

/** CSI (colours, cursor moves), OSC (titles, links) and the two-byte escape sequences. */
const ESCAPES = /\u001B(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001B]*(?:\u0007|\u001B\\)?|[@-Z\\-_])/g;
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
/** Enough for any terminal width; the pane truncates to the real width. */
const MAX_SHOWN = 1000;

export function cleanLogLine(line: string): string {
  // A progress bar redraws itself with \r: only what it shows last matters.
  const lastDraw = line.split('\r').filter((part) => part.length > 0).pop() ?? '';
  return lastDraw.replace(ESCAPES, '').replace(/\t/g, '    ').replace(CONTROL, '').slice(0, MAX_SHOWN);
}

/**
 * The last `capacity` lines and a count of every line pushed. Output comes a chunk of many lines
 * at a time: only the chunk's last lines are kept (found from its end, never split whole), and
 * they are cleaned when shown, not as they pass. A chunk whose text is decoded on demand
 * (`pushLater`) is decoded only if it still holds some of the last lines when they are shown:
 * between two redraws a million lines pass, and a few chunks of them are read.
 */
export class LogTail {
  #lines: string[] = [];
  #count = 0;
  /** Chunks not decoded yet, the newest last: only as many as hold the last `capacity` lines. */
  #later: { readonly lines: number; readonly text: () => string }[] = [];
  #laterLines = 0;

  constructor(readonly capacity: number) {}

  push(line: string): void {
    this.pushText(line, 1);
  }

  /** `lines` whole lines joined by newlines. */
  pushText(text: string, lines: number): void {
    this.pushLater(lines, () => text);
  }

  /** `lines` whole lines, whose text (joined by newlines) `text()` gives when they are shown. */
  pushLater(lines: number, text: () => string): void {
    this.#count += lines;
    this.#later.push({ lines, text });
    this.#laterLines += lines;
    while (this.#later.length > 1 && this.#laterLines - this.#later[0]!.lines >= this.capacity) this.#laterLines -= this.#later.shift()!.lines;
  }

  #settle(): void {
    for (const chunk of this.#later) this.#keepLast(chunk.text());
    this.#later = [];
    this.#laterLines = 0;
  }

  #keepLast(text: string): void {
    const last: string[] = [];
    let end = text.length;
    while (last.length < this.capacity) {
      const nl = end === 0 ? -1 : text.lastIndexOf('\n', end - 1);
      last.push(text.slice(nl + 1, end));
      if (nl < 0) break;
      end = nl;
    }
    last.reverse();
    this.#lines = last.length >= this.capacity ? last : [...this.#lines, ...last].slice(-this.capacity);
  }

  get count(): number {
    return this.#count;
  }

  lines(): readonly string[] {
    this.#settle();
    return this.#lines.map(cleanLogLine);
  }

  /** A new action starts: its output, not the previous one's, belongs under it. */
  clearLines(): void {
    this.#lines = [];
    this.#later = [];
    this.#laterLines = 0;
  }

  reset(): void {
    this.clearLines();
    this.#count = 0;
  }
}
