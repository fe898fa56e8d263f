// An openssl.cnf you can read and edit without disturbing it: every line keeps its original text
// (spacing, comments, CRLF or LF, a missing final newline) and an edit rewrites only the lines it
// must. Used for the seed's openssl.cnf edits and to read defaults from an org config.cnf.

import { UserError } from '../core/errors.js';
import { planSet, type ConfigEdit } from './openssl-config-edit.js';
import { evaluate, lookupValue, type ConfigProblem, type ConfigValues, type Environment } from './openssl-config-resolve.js';
import { scanStatements, splitLines, type PhysicalLine, type Statement } from './openssl-config-syntax.js';

export type { ConfigEdit, EditKind } from './openssl-config-edit.js';
export type { ConfigProblem, Environment } from './openssl-config-resolve.js';

/** The name openssl gives to what comes before the first `[ header ]`. */
export const DEFAULT_SECTION = 'default';

export interface ConfigEntry {
  /** The value as written (no trailing comment), before `$var` expansion. */
  readonly raw: string;
  /** 1-based line where the defining statement starts. */
  readonly line: number;
}

export interface ParseOptions {
  /** Values for `$ENV::NAME`; process.env unless given (openssl reads the real environment). */
  readonly env?: Environment;
}

export class OpensslConfig {
  #lines: PhysicalLine[];
  #statements: Statement[] | undefined;
  #values: ConfigValues | undefined;
  readonly #env: Environment;
  readonly #edits: ConfigEdit[] = [];

  constructor(text: string, options: ParseOptions = {}) {
    this.#lines = splitLines(text);
    this.#env = options.env ?? process.env;
  }

  /** Section names in order of first appearance, `default` first. */
  sections(): string[] {
    const names = new Set([DEFAULT_SECTION]);
    for (const st of this.#scan()) {
      if (st.kind === 'section') names.add(st.name);
      if (st.kind === 'assignment') names.add(st.target);
    }
    return [...names];
  }

  /** Keys defined in a section, in order of first definition. */
  keys(section: string): string[] {
    const keys = new Set<string>();
    for (const st of this.#scan()) if (st.kind === 'assignment' && st.target === section) keys.add(st.key);
    return [...keys];
  }

  /** The raw value of the effective (last) definition of `key` in `section` itself. */
  get(section: string, key: string): string | undefined {
    return this.entry(section, key)?.raw;
  }

  entry(section: string, key: string): ConfigEntry | undefined {
    const st = this.#scan().findLast((s) => s.kind === 'assignment' && s.target === section && s.key === key);
    return st?.kind === 'assignment' ? { raw: st.value, line: st.first + 1 } : undefined;
  }

  /**
   * The value openssl sees: expanded, unquoted, unescaped, looked up the way NCONF_get_string
   * does (the section, then the default section). Undefined when unset or when its line fails.
   */
  resolve(section: string, key: string): string | undefined {
    this.#values ??= evaluate(this.#scan(), this.#env);
    return lookupValue(this.#values, this.#env, section, key);
  }

  /** What would make openssl refuse the file, in file order (openssl stops at the first). */
  problems(): readonly ConfigProblem[] {
    this.#values ??= evaluate(this.#scan(), this.#env);
    return this.#values.problems;
  }

  /** `.include` directives as written (not followed: their paths are on the target machine). */
  includes(): { readonly line: number; readonly path: string }[] {
    return this.#scan().flatMap((st) =>
      st.kind === 'directive' && st.directive === 'include' ? [{ line: st.first + 1, path: st.argument }] : [],
    );
  }

  /**
   * Set `key` in `section` to `value` (written as-is, so quote it yourself if it needs quotes):
   * replace the effective definition keeping its spacing and comment, else uncomment a
   * commented-out `# key = ...` of that section, else add a line after the section's last key,
   * else append the section. Throws a UserError for a value openssl would not read back intact.
   */
  set(section: string, key: string, value: string): ConfigEdit {
    const plan = planSet(this.#lines, this.#scan(), section, key, value);
    const before = this.#lines;
    this.#lines = plan.lines;
    this.#invalidate();
    if (this.get(section, key) !== value) {
      this.#lines = before;
      this.#invalidate();
      // checkInput reads the value alone; on the line itself an unbalanced quote or escape can
      // also take the line's trailing comment. That is the value's fault, not lockstep's.
      throw new UserError(
        `The value for [ ${section} ] ${key} would not be read back as written on line ${plan.edit.line}: ${JSON.stringify(value)}.`,
        'Quote the value (an unbalanced quote or a trailing backslash takes the rest of the line with it). Nothing was changed.',
      );
    }
    this.#edits.push(plan.edit);
    return plan.edit;
  }

  /** Every edit made so far, in order (unchanged ones included, so a preview can say so). */
  get edits(): readonly ConfigEdit[] {
    return this.#edits;
  }

  toString(): string {
    return this.#lines.map((l) => l.body + l.eol).join('');
  }

  #scan(): Statement[] {
    return (this.#statements ??= scanStatements(this.#lines));
  }

  #invalidate(): void {
    this.#statements = undefined;
    this.#values = undefined;
  }
}

export function parseOpensslConfig(text: string, options?: ParseOptions): OpensslConfig {
  return new OpensslConfig(text, options);
}

/** Quote a literal so openssl reads it back unchanged (no `$` expansion, `#` kept). */
export function quoteConfigValue(literal: string): string {
  if (/[\r\n\0]/.test(literal)) {
    throw new UserError('A configuration value cannot contain a line break.', 'Remove the line break and try again.');
  }
  return `"${literal.replace(/["\\]/g, '\\$&')}"`;
}
