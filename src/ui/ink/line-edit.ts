// A one-line editor as a pure function of (state, key): what the question screen types into.

export interface LineState {
  readonly text: string;
  readonly cursor: number;
}

/** The subset of Ink's Key the editor reads. */
export interface EditKey {
  readonly leftArrow: boolean;
  readonly rightArrow: boolean;
  readonly upArrow: boolean;
  readonly downArrow: boolean;
  readonly home: boolean;
  readonly end: boolean;
  readonly backspace: boolean;
  readonly delete: boolean;
  readonly ctrl: boolean;
  readonly meta: boolean;
  readonly escape: boolean;
  readonly tab: boolean;
}

export const emptyLine: LineState = { text: '', cursor: 0 };

const CONTROL = /[\u0000-\u001F\u007F]/g;

export function editLine(s: LineState, input: string, key: EditKey): LineState {
  const before = s.text.slice(0, s.cursor);
  const after = s.text.slice(s.cursor);
  if (key.leftArrow) return { ...s, cursor: Math.max(0, s.cursor - 1) };
  if (key.rightArrow) return { ...s, cursor: Math.min(s.text.length, s.cursor + 1) };
  if (key.home || (key.ctrl && input === 'a')) return { ...s, cursor: 0 };
  if (key.end || (key.ctrl && input === 'e')) return { ...s, cursor: s.text.length };
  // Terminals send DEL (0x7f) for the Backspace key, which Ink reports as `delete`.
  if (key.backspace || key.delete) return { text: before.slice(0, -1) + after, cursor: Math.max(0, s.cursor - 1) };
  if (key.ctrl && input === 'u') return { text: after, cursor: 0 };
  if (key.ctrl && input === 'k') return { text: before, cursor: s.cursor };
  if (key.ctrl && input === 'w') {
    const kept = before.replace(/\S+\s*$/, '');
    return { text: kept + after, cursor: kept.length };
  }
  if (key.ctrl || key.meta || key.escape || key.tab || key.upArrow || key.downArrow) return s;
  return typeChunk(s, input);
}

/**
 * Enter may arrive inside a chunk of typed or pasted text ("example.org\r"): the part before the
 * first line break is typed, then the line is submitted. Undefined when there is no line break.
 */
export function splitAtEnter(input: string): { typed: string } | undefined {
  const at = input.search(/[\r\n]/);
  return at === -1 ? undefined : { typed: input.slice(0, at) };
}

/** Text typed (or pasted) at the cursor. */
export function insertText(s: LineState, text: string): LineState {
  const typed = text.replace(CONTROL, '');
  return { text: s.text.slice(0, s.cursor) + typed + s.text.slice(s.cursor), cursor: s.cursor + typed.length };
}

/**
 * Keys typed faster than they are read arrive as one chunk (a held Backspace is "\x7f\x7f\x7f"):
 * each character counts, erasing ones included.
 */
export function typeChunk(s: LineState, chunk: string): LineState {
  let line = s;
  for (const part of chunk.split(/([\u0008\u007F])/)) {
    if (part === '\u0008' || part === '\u007F') {
      line = { text: line.text.slice(0, Math.max(0, line.cursor - 1)) + line.text.slice(line.cursor), cursor: Math.max(0, line.cursor - 1) };
    } else if (part !== '') {
      line = insertText(line, part);
    }
  }
  return line;
}
