// The line grammar of OpenSSL's CONF library, kept close to crypto/conf/conf_def.c (3.x) so that
// what we call a comment, a continuation, a name or a value is exactly what openssl calls one.
// Nothing here edits: it maps physical lines to statements with the offsets an editor needs.

/** One physical line: its text without the line ending, and the ending itself ('' at EOF). */
export interface PhysicalLine {
  body: string;
  eol: string;
}

interface StatementBase {
  /** First and last physical line (0-based, inclusive); last > first for continued lines. */
  readonly first: number;
  readonly last: number;
  /** The section in force where the statement stands ('default' before any header). */
  readonly section: string;
}

export type Statement =
  | (StatementBase & { readonly kind: 'blank' })
  | (StatementBase & { readonly kind: 'comment' })
  | (StatementBase & { readonly kind: 'section'; readonly name: string })
  | (StatementBase & {
      readonly kind: 'directive';
      readonly directive: 'include' | 'pragma';
      readonly argument: string;
    })
  | (StatementBase & {
      readonly kind: 'assignment';
      /** Where the value goes: `section` unless the line says `other::key = ...`. */
      readonly target: string;
      readonly key: string;
      /** The value as written: no surrounding blanks, no trailing comment, not expanded. */
      readonly value: string;
      /** The joined text of the statement and where the value sits in it. */
      readonly text: string;
      readonly valueStart: number;
      readonly valueEnd: number;
      /** `.pragma dollarid` in force here (changes how `$` expands). */
      readonly dollarid: boolean;
    })
  | (StatementBase & { readonly kind: 'invalid'; readonly reason: string });

export type AssignmentStatement = Extract<Statement, { kind: 'assignment' }>;

// Character classes of conf_def.h's default table (ASCII only: other bytes are in no class).
const ALNUM = 1;
const NAME = 2;
const CLASS = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_') CLASS[c.charCodeAt(0)] = ALNUM | NAME;
for (const c of '!.%&*+,/;?@^~|-') CLASS[c.charCodeAt(0)] = NAME;
const classOf = (c: string | undefined): number => (c === undefined ? 0 : (CLASS[c.charCodeAt(0)] ?? 0));

const isWs = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isQuote = (c: string | undefined): boolean => c === '"' || c === "'" || c === '`';
export const isAlnum = (c: string | undefined): boolean => (classOf(c) & ALNUM) !== 0;
const isNameChar = (c: string | undefined, dollarid: boolean): boolean => (classOf(c) & NAME) !== 0 || (dollarid && c === '$');

/** A key or section name that needs no escaping (what lockstep itself writes). */
export const isPlainName = (name: string): boolean =>
  name.length > 0 && [...name].every((c) => isNameChar(c, false));

export function splitLines(text: string): PhysicalLine[] {
  const lines: PhysicalLine[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const piece = nl === -1 ? text.slice(start) : text.slice(start, nl + 1);
    // openssl drops every trailing \r and \n, so "\r\r\n" is all line ending.
    const bodyEnd = piece.search(/[\r\n]*$/);
    lines.push({ body: piece.slice(0, bodyEnd), eol: piece.slice(bodyEnd) });
    if (nl === -1) break;
    start = nl + 1;
  }
  return lines;
}

function eatWs(t: string, i: number, end: number): number {
  while (i < end && isWs(t[i])) i++;
  return i;
}

function eatName(t: string, i: number, end: number, dollarid: boolean): number {
  for (;;) {
    if (i < end && t[i] === '\\') {
      i = i + 1 >= end ? i + 1 : i + 2;
      continue;
    }
    if (i < end && isNameChar(t[i], dollarid)) i++;
    else return i;
  }
}

function scanQuote(t: string, i: number, end: number): number {
  const q = t[i];
  i++;
  while (i < end && t[i] !== q) {
    if (t[i] === '\\') {
      i++;
      if (i >= end) return i;
    }
    i++;
  }
  return i < end && t[i] === q ? i + 1 : i;
}

/** Where the comment starts (clear_comments): a `#` outside quotes and not escaped. */
export function commentStart(t: string, start: number, end: number): number {
  let i = eatWs(t, start, end);
  while (i < end) {
    const c = t[i];
    if (c === '#') return i;
    if (isQuote(c)) i = scanQuote(t, i, end);
    else if (c === '\\') i = i + 1 >= end ? i + 1 : i + 2;
    else i++;
  }
  return end;
}

function trimEnd(t: string, start: number, end: number): number {
  while (end > start && isWs(t[end - 1])) end--;
  return end;
}

/** Escapes in a section name (it is str_copy'd; `$` and quotes cannot occur in a name). */
function unescapeName(raw: string): string {
  return raw.replace(/\\(.)/g, (_, c: string) => ({ r: '\r', n: '\n', b: '\b', t: '\t' })[c] ?? c);
}

type Classified =
  | { kind: 'blank' | 'comment' }
  | { kind: 'section'; name: string }
  | { kind: 'directive'; directive: 'include' | 'pragma'; argument: string }
  | { kind: 'assignment'; target: string | undefined; key: string; valueStart: number; valueEnd: number }
  | { kind: 'invalid'; reason: string };

/** Classify one logical line, scanning from `start` (past a byte-order mark). */
export function classify(t: string, start: number, dollarid: boolean): Classified {
  const nul = t.indexOf('\0', start);
  const limit = nul === -1 ? t.length : nul;
  const end = commentStart(t, start, limit);
  const s = eatWs(t, start, end);
  if (s === end) return { kind: end < limit ? 'comment' : 'blank' };
  if (t[s] === '[') {
    const nameStart = eatWs(t, s + 1, end);
    for (let ss = nameStart; ; ) {
      const e = eatName(t, ss, end, dollarid);
      const p = eatWs(t, e, end);
      if (p < end && t[p] === ']') return { kind: 'section', name: unescapeName(t.slice(nameStart, e)) };
      if (p < end && ss !== p) ss = p;
      else return { kind: 'invalid', reason: 'missing closing square bracket' };
    }
  }
  let nameStart = s;
  let e = eatName(t, s, end, dollarid);
  let target: string | undefined;
  if (e + 1 < end && t[e] === ':' && t[e + 1] === ':') {
    target = t.slice(s, e);
    nameStart = e + 2;
    e = eatName(t, nameStart, end, dollarid);
  }
  const name = t.slice(nameStart, e);
  let p = eatWs(t, e, end);
  for (const [directive, word] of [['pragma', '.pragma'], ['include', '.include']] as const) {
    if (name.startsWith(word) && (p !== nameStart + word.length || (p < end && t[p] === '='))) {
      if (p < end && t[p] === '=') p = eatWs(t, p + 1, end);
      const argument = t.slice(p, trimEnd(t, p, end));
      if (directive === 'pragma' && !/^[^:]+:./.test(argument)) {
        return { kind: 'invalid', reason: 'invalid pragma (expected keyword:value)' };
      }
      return { kind: 'directive', directive, argument };
    }
  }
  if (!(p < end && t[p] === '=')) return { kind: 'invalid', reason: 'missing equal sign' };
  const valueStart = eatWs(t, p + 1, end);
  return { kind: 'assignment', target, key: name, valueStart, valueEnd: trimEnd(t, valueStart, end) };
}

/** The pragma's effect on `dollarid`, or an error for a bad boolean (as openssl does). */
function applyPragma(argument: string, dollarid: boolean): boolean | string {
  const colon = argument.indexOf(':');
  const keyword = argument.slice(0, colon).replace(/[ \t\r\n]+$/, '');
  const value = argument.slice(colon + 1).replace(/^[ \t\r\n]+/, '');
  if (keyword !== 'dollarid' && keyword !== 'abspath') return dollarid;
  const flag = /^(on|true)$/i.test(value) ? true : /^(off|false)$/i.test(value) ? false : undefined;
  if (flag === undefined) return `invalid pragma value "${value}" (expected on, off, true or false)`;
  return keyword === 'dollarid' ? flag : dollarid;
}

/** A single trailing backslash (not an escaped one) continues the line. */
export const endsWithContinuation = (buffer: string): boolean =>
  buffer.endsWith('\\') && (buffer.length <= 1 || buffer[buffer.length - 2] !== '\\');

export function scanStatements(lines: readonly PhysicalLine[]): Statement[] {
  const statements: Statement[] = [];
  let section = 'default';
  let dollarid = false;
  let first = 0;
  let buffer = '';
  for (let i = 0; i < lines.length; i++) {
    buffer += lines[i]!.body;
    // A trailing backslash joins the next line, even at the end of a comment (conf_def.c
    // checks before it strips comments): "# note \" swallows the line after it.
    if (endsWithContinuation(buffer) && i + 1 < lines.length) {
      buffer = buffer.slice(0, -1);
      continue;
    }
    if (endsWithContinuation(buffer)) buffer = buffer.slice(0, -1);
    const start = first === 0 && buffer.startsWith('\uFEFF') ? 1 : 0;
    const base = { first, last: i, section };
    const c = classify(buffer, start, dollarid);
    if (c.kind === 'section') {
      section = c.name;
      statements.push({ ...base, kind: 'section', name: c.name, section });
    } else if (c.kind === 'assignment') {
      const { target, key, valueStart, valueEnd } = c;
      const value = buffer.slice(valueStart, valueEnd);
      statements.push({ ...base, kind: 'assignment', target: target ?? section, key, value, text: buffer, valueStart, valueEnd, dollarid });
    } else if (c.kind === 'directive' && c.directive === 'pragma') {
      const next = applyPragma(c.argument, dollarid);
      if (typeof next === 'string') statements.push({ ...base, kind: 'invalid', reason: next });
      else {
        dollarid = next;
        statements.push({ ...base, ...c });
      }
    } else {
      statements.push({ ...base, ...c });
    }
    first = i + 1;
    buffer = '';
  }
  return statements;
}
