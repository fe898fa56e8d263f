// What openssl makes of the values: quotes and escapes removed, `$var`, `${var}`, `$(var)`,
// `$section::var` and `$ENV::NAME` expanded while the file is read (str_copy in conf_def.c).
// Expansion happens line by line, so a variable must be defined above its first use and a later
// redefinition does not change values already read: we evaluate in file order for that reason.

import { isAlnum, type Statement } from './openssl-config-syntax.js';

/** Something that makes openssl refuse the whole file. */
export interface ConfigProblem {
  /** 1-based line where the statement starts. */
  readonly line: number;
  /** The section in force there, and the key when the line is an assignment ('' otherwise). */
  readonly section: string;
  readonly key: string;
  readonly message: string;
}

export interface ConfigValues {
  /** Expanded values by section, then key; the last definition wins, as in openssl. */
  readonly sections: ReadonlyMap<string, ReadonlyMap<string, string>>;
  readonly problems: readonly ConfigProblem[];
}

export type Environment = Readonly<Record<string, string | undefined>>;

type Lookup = (section: string, name: string) => string | undefined;

const ESCAPES: Record<string, string> = { r: '\r', n: '\n', b: '\b', t: '\t' };

/** Expand one raw value the way str_copy does; a string result is the error message. */
export function expandValue(raw: string, section: string, dollarid: boolean, lookup: Lookup): { value: string } | string {
  let out = '';
  let i = 0;
  const isNamePart = (c: string | undefined): boolean => isAlnum(c) || (dollarid && c === '$');
  while (i < raw.length) {
    const c = raw[i]!;
    if (c === '"' || c === "'" || c === '`') {
      i++;
      while (i < raw.length && raw[i] !== c) {
        if (raw[i] === '\\') {
          i++;
          if (i >= raw.length) break;
        }
        out += raw[i++];
      }
      if (raw[i] === c) i++;
    } else if (c === '\\') {
      const v = raw[i + 1];
      i += 2;
      if (v === undefined) break;
      out += ESCAPES[v] ?? v;
    } else if (c === '$' && (!dollarid || raw[i + 1] === '{' || raw[i + 1] === '(')) {
      const open = raw[i + 1];
      const close = open === '{' ? '}' : open === '(' ? ')' : undefined;
      let e = close ? i + 2 : i + 1;
      let from = section;
      let nameStart = e;
      while (isNamePart(raw[e])) e++;
      if (raw[e] === ':' && raw[e + 1] === ':') {
        from = raw.slice(nameStart, e);
        e += 2;
        nameStart = e;
        while (isNamePart(raw[e])) e++;
      }
      const name = raw.slice(nameStart, e);
      if (close) {
        if (raw[e] !== close) return `missing closing brace in a reference to "${name}"`;
        e++;
      }
      const value = lookup(from, name);
      if (value === undefined) {
        const where = from === section ? name : `${from}::${name}`;
        return `"$${where}" is used before it has a value`;
      }
      out += value;
      i = e;
    } else {
      out += c;
      i++;
    }
  }
  return { value: out };
}

/** Evaluate the statements in order, as NCONF_load would. Includes are not followed. */
export function evaluate(statements: readonly Statement[], env: Environment): ConfigValues {
  const sections = new Map<string, Map<string, string>>([['default', new Map()]]);
  const problems: ConfigProblem[] = [];
  const lookup: Lookup = (section, name) => {
    const own = sections.get(section)?.get(name);
    if (own !== undefined) return own;
    if (section === 'ENV' && env[name] !== undefined) return env[name];
    return sections.get('default')?.get(name);
  };
  for (const st of statements) {
    if (st.kind === 'section' && !sections.has(st.name)) sections.set(st.name, new Map());
    if (st.kind === 'invalid') problems.push({ line: st.first + 1, section: st.section, key: '', message: st.reason });
    if (st.kind !== 'assignment') continue;
    const result = expandValue(st.value, st.target, st.dollarid, lookup);
    if (typeof result === 'string') {
      problems.push({ line: st.first + 1, section: st.target, key: st.key, message: result });
      continue;
    }
    let target = sections.get(st.target);
    if (!target) sections.set(st.target, (target = new Map()));
    target.set(st.key, result.value);
  }
  return { sections, problems };
}

/** NCONF_get_string: the named section, then ENV, then the default section. */
export function lookupValue(values: ConfigValues, env: Environment, section: string, key: string): string | undefined {
  const own = values.sections.get(section)?.get(key);
  if (own !== undefined) return own;
  if (section === 'ENV' && env[key] !== undefined) return env[key];
  return values.sections.get('default')?.get(key);
}
