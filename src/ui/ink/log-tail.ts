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
 * they are cleaned when shown, not as they pass.
 */
export class LogTail {
  #lines: string[] = [];
  #count = 0;

  constructor(readonly capacity: number) {}

  push(line: string): void {
    this.pushText(line, 1);
  }

  /** `lines` whole lines joined by newlines. */
  pushText(text: string, lines: number): void {
    this.#count += lines;
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
    return this.#lines.map(cleanLogLine);
  }

  /** A new action starts: its output, not the previous one's, belongs under it. */
  clearLines(): void {
    this.#lines = [];
  }

  reset(): void {
    this.#lines = [];
    this.#count = 0;
  }
}
