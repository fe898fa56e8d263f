// How one `set(section, key, value)` becomes new lines: the smallest change that makes openssl
// read `value` for that key, described in words for the plan preview.

import { UserError } from '../core/errors.js';
import { classify, endsWithContinuation, isPlainName, type PhysicalLine, type Statement } from './openssl-config-syntax.js';

export type EditKind = 'replaced' | 'uncommented' | 'added' | 'section-added' | 'unchanged';

export interface ConfigEdit {
  readonly section: string;
  readonly key: string;
  readonly kind: EditKind;
  /** The raw value before the edit (replaced, unchanged) or in the commented-out line. */
  readonly before?: string;
  readonly value: string;
  /** 1-based line of the key after the edit. */
  readonly line: number;
  /** For the preview, e.g. "[ CA_default ] dir: ./demoCA → /etc/pki/CA". */
  readonly description: string;
}

function checkInput(section: string, key: string, value: string): void {
  const where = `[ ${section} ] ${key}`;
  if (!isPlainName(section) || !isPlainName(key)) {
    throw new UserError(
      `"${where}" is not a section and key openssl can read.`,
      'Names use letters, digits and _ . , ; ! % & * + / ? @ ^ ~ | - only.',
    );
  }
  if (/[\r\n\0]/.test(value)) {
    throw new UserError(
      `The value for ${where} contains a line break.`,
      'A line break would end the setting and start a new line of the file, which could add or change other settings. Remove it.',
    );
  }
  const probe = classify(`k = ${value}`, 0, false);
  const readBack = probe.kind === 'assignment' ? `k = ${value}`.slice(probe.valueStart, probe.valueEnd) : undefined;
  if (readBack === value && !endsWithContinuation(value)) return;
  const reason = endsWithContinuation(value)
    ? 'it ends with a backslash, which would join the next line to it'
    : value.trim() !== value
      ? 'openssl drops blanks at the start and end of a value'
      : "a # outside quotes starts a comment, so the rest would be lost";
  throw new UserError(`The value for ${where} would not be read back as written: ${reason}.`, 'Quote the value.');
}

function dominantEol(lines: readonly PhysicalLine[]): string {
  let crlf = 0;
  let lf = 0;
  for (const l of lines) {
    if (l.eol.endsWith('\r\n')) crlf++;
    else if (l.eol.endsWith('\n')) lf++;
  }
  return crlf > lf ? '\r\n' : '\n';
}

/** Insert whole lines before index `at`, keeping a missing final newline missing. */
function insertLines(lines: readonly PhysicalLine[], at: number, bodies: string[]): PhysicalLine[] {
  const eol = dominantEol(lines);
  const out = lines.map((l) => ({ ...l }));
  const prev = out[at - 1];
  if (at === out.length && prev && endsWithContinuation(prev.body)) bodies.unshift('');
  const added = bodies.map((body) => ({ body, eol }));
  if (at === out.length && prev && !prev.eol.endsWith('\n')) {
    added[added.length - 1]!.eol = prev.eol;
    prev.eol = prev.eol === '' ? eol : `${prev.eol}\n`;
  }
  out.splice(at, 0, ...added);
  return out;
}

function replaceValue(text: string, valueStart: number, valueEnd: number, value: string): string {
  // "secret = # disable PBM" has its blank before the '#' eaten as leading space of an empty value.
  const spacer = valueStart === valueEnd && text[valueEnd] === '#' && value !== '' ? ' ' : '';
  return text.slice(0, valueStart) + value + spacer + text.slice(valueEnd);
}

function newLine(key: string, value: string): string {
  return value === '' ? `${key} =` : `${key} = ${value}`;
}

export function planSet(
  lines: readonly PhysicalLine[],
  statements: readonly Statement[],
  section: string,
  key: string,
  value: string,
): { lines: PhysicalLine[]; edit: ConfigEdit } {
  checkInput(section, key, value);
  const label = `[ ${section} ] ${key}`;
  const edit = (kind: EditKind, line: number, description: string, before?: string): ConfigEdit => ({
    section, key, kind, value, line: line + 1, description, ...(before === undefined ? {} : { before }),
  });

  const active = statements.findLast((s) => s.kind === 'assignment' && s.target === section && s.key === key);
  if (active?.kind === 'assignment') {
    if (active.value === value) {
      return { lines: [...lines], edit: edit('unchanged', active.first, `${label}: already ${value}`, value) };
    }
    const body = replaceValue(active.text, active.valueStart, active.valueEnd, value);
    const out = [...lines];
    out.splice(active.first, active.last - active.first + 1, { body, eol: lines[active.last]!.eol });
    const joined = active.last > active.first ? ` (its ${active.last - active.first + 1} continued lines joined into one)` : '';
    const description = `${label}: ${active.value === '' ? '(empty)' : active.value} → ${value}${joined}`;
    return { lines: out, edit: edit('replaced', active.first, description, active.value) };
  }

  const candidates = statements.flatMap((s) => {
    if (s.kind !== 'comment' || s.section !== section || s.first !== s.last) return [];
    const m = /^([ \t]*)#+[ \t]*(.*)$/.exec(lines[s.first]!.body);
    if (!m) return [];
    const text = m[1]! + m[2]!;
    const c = classify(text, 0, false);
    if (c.kind !== 'assignment' || c.target !== undefined || c.key !== key || endsWithContinuation(text)) return [];
    return [{ line: s.first, text, c, commented: text.slice(c.valueStart, c.valueEnd) }];
  });
  const pick = candidates.find((x) => x.commented === value) ?? candidates[0];
  if (pick) {
    const out = [...lines];
    out[pick.line] = { body: replaceValue(pick.text, pick.c.valueStart, pick.c.valueEnd, value), eol: lines[pick.line]!.eol };
    return { lines: out, edit: edit('uncommented', pick.line, `${label}: uncommented and set to ${value}`, pick.commented) };
  }

  const inSection = statements.filter((s) => s.section === section);
  const lastKey = inSection.findLast((s) => s.kind === 'assignment');
  const header = inSection.findLast((s) => s.kind === 'section');
  let at: number | undefined = (lastKey ?? header)?.last;
  if (at !== undefined) at += 1;
  else if (section === 'default') {
    // Before the first header, and before the comment block that introduces it.
    let i = statements.findIndex((s) => s.kind === 'section');
    if (i === -1) at = lines.length;
    else {
      while (i > 0 && statements[i - 1]!.kind === 'comment') i--;
      at = statements[i]!.first;
    }
  }
  if (at !== undefined) {
    const out = insertLines(lines, at, [newLine(key, value)]);
    return { lines: out, edit: edit('added', at, `${label}: added, set to ${value}`) };
  }

  const bodies = [`[ ${section} ]`, newLine(key, value)];
  const last = lines[lines.length - 1];
  if (last && last.body.trim() !== '') bodies.unshift('');
  const out = insertLines(lines, lines.length, bodies);
  const description = `[ ${section} ]: new section at the end, with ${newLine(key, value)}`;
  return { lines: out, edit: edit('section-added', out.length - 1, description) };
}
