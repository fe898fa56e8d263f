// The home menu's first frame, written straight to the terminal before Ink, React and the rest
// of lockstep are loaded (cli/early-home.ts): the same lines HomeMenu draws (home-lines.ts), so
// that when the App comes (run-tui.tsx) it erases them and draws the same screen in their place.
// The terminal is put in raw mode at once and nothing reads it meanwhile: keys typed before the
// App listens wait in the terminal, unechoed, and reach it in order. No React and no Ink here.
import type { MenuEntry } from '../../flows/flow.js';
import { homeItems } from './home-items.js';
import { homeFrame, homeLines, lineWidth } from './home-lines.js';

const HIDE_CURSOR = '\u001B[?25l';
const SHOW_CURSOR = '\u001B[?25h';

/** What Ink's log-update writes to erase `count` lines it wrote (ansi-escapes' eraseLines). */
export function eraseLines(count: number): string {
  return count === 0 ? '' : `${'\u001B[2K\u001B[1A'.repeat(count - 1)}\u001B[2K\u001B[G`;
}

/** ansi-escapes' clearTerminal, as Ink writes it before a frame as tall as the terminal. */
const CLEAR_TERMINAL = '\u001B[2J\u001B[3J\u001B[H';

interface Drawn {
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
  /** What erases the frame before the App draws it again. */
  readonly erase: string;
}

let drawn: Drawn | undefined;

/**
 * The frame for a `columns` × `rows` terminal as Ink's first render writes it, and what erases it
 * before the App's first render; undefined when a line is wider than the terminal (Ink would wrap it).
 * A frame shorter than the terminal ends with a newline and is erased line by line (log-update);
 * one as tall or taller has none, and Ink clears the terminal before drawing it again, so it is
 * cleared the same way here.
 */
export function earlyFrame(menu: readonly MenuEntry[], columns: number, rows: number): { readonly text: string; readonly erase: string } | undefined {
  const lines = homeLines(homeItems(menu, undefined), 0, columns);
  if (lines.some((l) => lineWidth(l) > columns)) return undefined;
  const frame = homeFrame(lines);
  return lines.length >= rows ? { text: frame, erase: CLEAR_TERMINAL } : { text: `${frame}\n`, erase: eraseLines(lines.length + 1) };
}

/** Writes the frame when it fits the terminal's width; true when it did. */
export function drawEarlyFrame(menu: readonly MenuEntry[], stdout: NodeJS.WriteStream = process.stdout, stdin: NodeJS.ReadStream = process.stdin): boolean {
  const frame = earlyFrame(menu, stdout.columns, stdout.rows);
  if (frame === undefined) return false;
  stdin.setRawMode(true);
  stdout.write(`${HIDE_CURSOR}${frame.text}`);
  drawn = { stdin, stdout, erase: frame.erase };
  return true;
}

/**
 * The App is about to draw: the frame is erased in the same write as the App's first frame (the
 * first write with a line in it; Ink's escape codes before it pass as they are), so that the
 * terminal never shows the screen empty in between. Once.
 */
export function takeEarlyFrame(): void {
  const d = drawn;
  drawn = undefined;
  if (d === undefined) return;
  const { stdout } = d;
  const write = stdout.write;
  stdout.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString() : String(chunk);
    if (!text.includes('\n')) return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
    stdout.write = write;
    return (write as (...a: unknown[]) => boolean).call(this, d.erase + text, ...rest);
  } as typeof stdout.write;
}

/** No App took the frame over (the run failed first): the terminal as it was, the frame left above what follows. */
export function releaseEarlyFrame(): void {
  const d = drawn;
  drawn = undefined;
  if (d === undefined) return;
  d.stdin.setRawMode(false);
  d.stdout.write(`\n${SHOW_CURSOR}`);
}
