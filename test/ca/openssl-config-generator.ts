// Random openssl.cnf documents for the property tests, from a seeded generator (no dependency).
// Every line is recorded with what it means, so a test can predict what parsing and editing
// must do without asking the parser.

export { seeded as random } from '../helpers.js';

export class Pick {
  constructor(readonly next: () => number) {}
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  one<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

export const SECTIONS = ['ca', 'CA_default', 'v3_ca', 'usr_cert', 'req', 's1', 'default'] as const;
export const KEYS = ['dir', 'certs', 'default_md', 'keyUsage', 'basicConstraints', '0.organizationName', 'nsComment', 'a.b-c', 'x_1'];
const WORDS = ['alpha', 'CA:true', 'critical,CA:FALSE', 'x.y-z', '1000', 'a/b', 'cRLSign, keyCertSign', 'sha256'];
const LITERALS = ['"quoted # hash"', '"with \\" escaped"', "'single # q'", '`tick # tock`', 'not\\#comment', 'back\\\\slash', 'tab\\tchar'];
const COMMENTS = [' plain words', '# doubled', ' with "quotes" and \'q\'', ' [ not a header ]', '', ' trailing blanks  '];
const TRAILING_COMMENTS = [' # c', '\t# tabbed comment', '# glued', '  #'];
const DIRECTIVES = [
  '.include /nonexistent/lockstep/a.cnf',
  '.include = /nonexistent/lockstep/b.cnf',
  '.include\t/nonexistent/lockstep/dir',
  '.pragma abspath:false',
  '.pragma = dollarid:false',
  '.pragma includedir:/nonexistent',
];

export type LineKind = 'blank' | 'comment' | 'commented' | 'header' | 'assign' | 'directive';

export interface GenLine {
  body: string;
  eol: string;
  readonly kind: LineKind;
  /** The section block the line stands in. */
  readonly block: string;
}

export interface GenAssign {
  readonly target: string;
  readonly key: string;
  readonly value: string;
  /** Text before and after the value in the joined statement. */
  readonly prefix: string;
  readonly suffix: string;
  readonly first: number;
  readonly last: number;
  readonly block: string;
}

export interface GenCommented {
  readonly block: string;
  readonly key: string;
  readonly value: string;
  readonly line: number;
  /** The line once uncommented, up to the value. */
  readonly prefix: string;
}

export interface GenDoc {
  readonly lines: GenLine[];
  readonly assigns: GenAssign[];
  readonly commented: GenCommented[];
  readonly headers: { readonly name: string; readonly line: number }[];
  readonly text: string;
}

const isVar = (k: string): boolean => /^[A-Za-z0-9_]+$/.test(k);

export function generate(pick: Pick): GenDoc {
  const lines: GenLine[] = [];
  const assigns: GenAssign[] = [];
  const commented: GenCommented[] = [];
  const headers: { name: string; line: number }[] = [];
  const defined = new Map<string, Set<string>>();
  const mode = pick.one(['lf', 'crlf', 'mixed'] as const);
  const eol = (): string => (mode === 'lf' ? '\n' : mode === 'crlf' ? '\r\n' : pick.one(['\n', '\r\n']));
  let block = 'default';
  const push = (body: string, kind: LineKind): number => lines.push({ body, eol: eol(), kind, block }) - 1;
  const define = (section: string, key: string): void => {
    if (!isVar(key)) return;
    if (!defined.has(section)) defined.set(section, new Set());
    defined.get(section)!.add(key);
  };

  const reference = (): string | undefined => {
    const local = [...(defined.get(block) ?? []), ...(defined.get('default') ?? [])];
    const remote = [...defined].filter(([s]) => isVar(s)).flatMap(([s, keys]) => [...keys].map((k) => [s, k] as const));
    if (local.length > 0 && pick.chance(0.6)) {
      const v = pick.one(local);
      return pick.one([`$${v}/${pick.one(WORDS)}`, `\${${v}}`, `$(${v})`]);
    }
    if (remote.length === 0) return undefined;
    const [s, v] = pick.one(remote);
    return pick.one([`$${s}::${v}/x`, `\${${s}::${v}}`]);
  };
  const value = (): string => {
    if (pick.chance(0.05)) return '';
    const parts: string[] = [];
    for (let n = 1 + pick.int(3); n > 0; n--) {
      const r = pick.next();
      parts.push((r < 0.25 ? reference() : undefined) ?? (r < 0.55 ? pick.one(LITERALS) : pick.one(WORDS)));
    }
    return parts.join(pick.one([' ', '']));
  };
  const assignment = (target: string, key: string, keyText: string, v: string): void => {
    const prefix0 = pick.one(['', '', ' ', '\t']) + keyText + pick.one(['', ' ', '\t', '    ']) + '=' + pick.one(['', ' ', '\t\t']);
    const comment = pick.chance(0.3) ? pick.one(TRAILING_COMMENTS) : '';
    const blanks = comment.startsWith('#') ? '' : pick.one(['', '', '  ', '\t']);
    // openssl's value starts after every blank that follows '=': for an empty value that
    // includes the blanks before the comment.
    const [prefix, suffix] = v === '' ? [prefix0 + blanks + comment.match(/^[ \t]*/)![0], comment.trimStart()] : [prefix0, blanks + comment];
    if (v !== '' && !v.includes('"') && pick.chance(0.15)) {
      const cut = v.indexOf(' ');
      if (cut > 0) {
        const first = push(`${prefix}${v.slice(0, cut)} \\`, 'assign');
        const last = push(`    ${v.slice(cut + 1)}${suffix}`, 'assign');
        assigns.push({ target, key, value: `${v.slice(0, cut)}     ${v.slice(cut + 1)}`, prefix, suffix, first, last, block });
        define(target, key);
        return;
      }
    }
    const at = push(prefix + v + suffix, 'assign');
    assigns.push({ target, key, value: v, prefix, suffix, first: at, last: at, block });
    define(target, key);
  };

  if (pick.chance(0.05)) push('\uFEFF# saved with a byte-order mark', 'comment');
  for (let n = pick.int(26); n > 0; n--) {
    const r = pick.next();
    if (r < 0.1) push(pick.one(['', ' ', '\t', '  \t']), 'blank');
    else if (r < 0.2) push(pick.one(['', ' ', '\t']) + '#' + pick.one(COMMENTS), 'comment');
    else if (r < 0.3) {
      const key = pick.one(KEYS);
      const indent = pick.one(['', ' ', '\t']);
      const after = pick.one(['', ' ', '\t']) + '=' + pick.one(['', ' ']);
      const v = pick.one(WORDS);
      const line = push(indent + pick.one(['#', '##', '#']) + pick.one(['', ' ']) + key + after + v, 'commented');
      commented.push({ block, key, value: v, line, prefix: indent + key + after });
    } else if (r < 0.4) {
      block = pick.one(SECTIONS);
      const line = push(`[${pick.one(['', ' ', '\t', '  '])}${block}${pick.one(['', ' ', '\t'])}]${pick.one(['', ' # about it', '  '])}`, 'header');
      headers.push({ name: block, line });
    } else if (r < 0.45) {
      const target = pick.one(SECTIONS);
      const key = pick.one(KEYS);
      assignment(target, key, `${target}::${key}`, pick.one(WORDS));
    } else if (r < 0.5) push(pick.one(DIRECTIVES), 'directive');
    else if (r < 0.505) push('.pragma dollarid:on', 'directive');
    else {
      const key = pick.one(KEYS);
      assignment(block, key, key, value());
    }
  }
  // A last line without its newline (an empty one would not exist in the text at all).
  const last = lines.at(-1);
  if (last && last.body !== '' && pick.chance(0.3)) last.eol = '';
  return { lines, assigns, commented, headers, text: lines.map((l) => l.body + l.eol).join('') };
}

/** What set(section, key, value) must produce, worked out from the generator's records. */
export function expectedAfterSet(doc: GenDoc, section: string, key: string, value: string): string {
  const lines = doc.lines.map((l) => ({ body: l.body, eol: l.eol }));
  const render = (): string => lines.map((l) => l.body + l.eol).join('');
  const active = doc.assigns.findLast((a) => a.target === section && a.key === key);
  if (active) {
    if (active.value === value) return render();
    const spacer = active.value === '' && active.suffix.startsWith('#') && value !== '' ? ' ' : '';
    lines.splice(active.first, active.last - active.first + 1, {
      body: active.prefix + value + spacer + active.suffix,
      eol: lines[active.last]!.eol,
    });
    return render();
  }
  const candidates = doc.commented.filter((c) => c.block === section && c.key === key);
  const pick = candidates.find((c) => c.value === value) ?? candidates[0];
  if (pick) {
    lines[pick.line]!.body = pick.prefix + value;
    return render();
  }
  let crlf = 0;
  let lf = 0;
  for (const l of lines) {
    if (l.eol.endsWith('\r\n')) crlf++;
    else if (l.eol.endsWith('\n')) lf++;
  }
  const eol = crlf > lf ? '\r\n' : '\n';
  const insert = (at: number, bodies: string[]): string => {
    const added = bodies.map((body) => ({ body, eol }));
    const prev = lines[at - 1];
    if (at === lines.length && prev && !prev.eol.endsWith('\n')) {
      added[added.length - 1]!.eol = prev.eol;
      prev.eol = prev.eol === '' ? eol : `${prev.eol}\n`;
    }
    lines.splice(at, 0, ...added);
    return render();
  };
  const keyLine = value === '' ? `${key} =` : `${key} = ${value}`;
  const lastKey = doc.assigns.filter((a) => a.block === section).at(-1);
  const header = doc.headers.filter((h) => h.name === section).at(-1);
  if (lastKey) return insert(lastKey.last + 1, [keyLine]);
  if (header) return insert(header.line + 1, [keyLine]);
  if (section === 'default') {
    const firstHeader = doc.headers[0];
    if (!firstHeader) return insert(lines.length, [keyLine]);
    let at = firstHeader.line;
    while (at > 0 && ['comment', 'commented'].includes(doc.lines[at - 1]!.kind)) at--;
    return insert(at, [keyLine]);
  }
  const last = lines.at(-1);
  return insert(lines.length, [...(last && last.body.trim() !== '' ? [''] : []), `[ ${section} ]`, keyLine]);
}
