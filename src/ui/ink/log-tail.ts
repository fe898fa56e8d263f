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

/** A ring of the last `capacity` lines and a count of every line pushed. */
export class LogTail {
  #lines: string[] = [];
  #count = 0;

  constructor(readonly capacity: number) {}

  push(line: string): void {
    this.#count++;
    this.#lines.push(cleanLogLine(line));
    if (this.#lines.length > this.capacity) this.#lines.shift();
  }

  get count(): number {
    return this.#count;
  }

  lines(): readonly string[] {
    return [...this.#lines];
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
