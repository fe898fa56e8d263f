// Typed questions. The id is stable: `--kebab-id` on the command line, `camelId` in the answers
// file, and the key of the answers object a step plans from.
import path from 'node:path';
import { checkAbsolutePath, checkCidr, checkHostName, checkInteger, checkOperatorPath } from './validate.js';

export type AnswerValue = string | number | boolean | readonly string[];
export type Answers = Readonly<Record<string, AnswerValue | undefined>>;

export interface Choice {
  readonly value: string;
  readonly label: string;
  readonly hint?: string;
}

interface Base<K extends string, V> {
  readonly kind: K;
  readonly id: string;
  /** The question as a person reads it. */
  readonly message: string;
  /** One or two lines of why it matters, shown under the question and in --help (when it is text, not drawn from earlier answers). */
  readonly help?: string | ((answers: Answers) => string | undefined);
  /** A value, or one computed from earlier answers and the step's facts (an existing config, say). */
  readonly default?: V | ((answers: Answers, facts: unknown) => V | undefined);
  /** Asked only when this returns true (facts are the step's reading of the machine so far). */
  readonly when?: (answers: Answers, facts: unknown) => boolean;
  /** May stay unanswered when nobody can be asked (no default, no flag). */
  readonly optional?: boolean;
  /**
   * Never prompted for, even on a terminal: only a flag or the answers file sets it. For what
   * another command hands a step (renew's RFC 9773 `replaces`), which a person has no reason to type.
   */
  readonly unasked?: boolean;
  /**
   * The flag, when the rule of flagOf does not give the one people know (`--p12`, not `--p-12`);
   * its camelCase must still be the id (commander's attribute name), `<id>File` for a secret.
   */
  readonly flag?: string;
  /** Extra check after the kind's own; returns a message or undefined. */
  readonly validate?: (value: V, answers: Answers) => string | undefined;
}

export interface TextQuestion extends Base<'text', string> {
  /** The flag may be repeated; its values arrive joined by commas (so items hold no comma). */
  readonly repeatable?: boolean;
}
export interface PathQuestion extends Base<'path', string> {
  /**
   * A file the operator brings (a vendor's certificate, an ACME CA file): read as given, never
   * under --root, and it may be relative. Without it the path is lockstep's own (core/paths.ts).
   */
  readonly operator?: boolean;
}
export type ConfirmQuestion = Base<'confirm', boolean>;
export interface SecretQuestion extends Base<'secret', string> {
  /** Ask twice and compare (new passphrases). */
  readonly repeat?: boolean;
  readonly minLength?: number;
  /**
   * For a secret that must open something already there (the CA's root key): why this one does
   * not, read from the machine (`read` gives a file's text under --root). A person typing it is
   * asked again, three tries in all; then the run stops before anything changed.
   */
  readonly opens?: (value: string, answers: Answers, read: (file: string) => Promise<string | undefined>) => Promise<string | undefined>;
}

/** How many times a person may type a secret that does not open what it must. */
export const SECRET_TRIES = 3;
export interface SelectQuestion extends Base<'select', string> {
  readonly choices: readonly Choice[];
}
export interface MultiSelectQuestion extends Base<'multiselect', readonly string[]> {
  readonly choices: readonly Choice[];
}
export interface HostNameQuestion extends Base<'hostname', readonly string[]> {
  /** Several names (repeatable flag, comma list at a prompt). */
  readonly multiple?: boolean;
}
export type CidrListQuestion = Base<'cidrs', readonly string[]>;
export interface IntegerQuestion extends Base<'integer', number> {
  readonly min: number;
  readonly max: number;
  readonly unit?: string;
}

export type Question =
  | TextQuestion
  | PathQuestion
  | ConfirmQuestion
  | SecretQuestion
  | SelectQuestion
  | MultiSelectQuestion
  | HostNameQuestion
  | CidrListQuestion
  | IntegerQuestion;

export function flagOf(q: Question): string {
  if (q.flag !== undefined) return q.flag;
  // A digit run is a word of its own, as commander reads it back: http01Port is --http-01-port.
  const kebab = q.id.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`).replace(/([a-z])([0-9])/g, '$1-$2');
  return q.kind === 'secret' ? `--${kebab}-file` : `--${kebab}`;
}

export function envOf(q: SecretQuestion): string {
  return `LOCKSTEP_${q.id.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

export function helpOf(q: Question, answers: Answers): string | undefined {
  return typeof q.help === 'function' ? q.help(answers) : q.help;
}

export function defaultOf(q: Question, answers: Answers, facts?: unknown): AnswerValue | undefined {
  const d = q.default;
  return typeof d === 'function' ? (d as (a: Answers, f: unknown) => AnswerValue | undefined)(answers, facts) : d;
}

/**
 * Commas separate; spaces around them are dropped. Whitespace inside an item stays, so the
 * validator refuses "a b.example" instead of it silently becoming two host names.
 */
export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * Turns text (a flag, a prompt line) into the question's value, or a message naming what is
 * wrong. Values from an answers file arrive typed and go through `validateAnswer` instead.
 */
export function parseAnswer(q: Question, text: string): { value: AnswerValue } | { error: string } {
  switch (q.kind) {
    case 'integer': {
      const trimmed = text.trim();
      if (!/^-?[0-9]+$/.test(trimmed)) return { error: `"${text}" is not a whole number` };
      return validated(q, Number(trimmed));
    }
    case 'confirm': {
      const t = text.trim().toLowerCase();
      if (['y', 'yes', 'true', '1'].includes(t)) return { value: true };
      if (['n', 'no', 'false', '0'].includes(t)) return { value: false };
      return { error: `"${text}" is not yes or no` };
    }
    case 'hostname':
    case 'cidrs':
    case 'multiselect':
      return validated(q, splitList(text));
    default:
      return validated(q, q.kind === 'secret' ? text : text.trim());
  }
}

function validated(q: Question, value: AnswerValue): { value: AnswerValue } | { error: string } {
  const error = validateAnswer(q, value, {});
  return error === undefined ? { value: normalise(q, value) } : { error };
}

function normalise(q: Question, value: AnswerValue): AnswerValue {
  if (q.kind === 'hostname' && Array.isArray(value)) return value.map((h: string) => h.toLowerCase().replace(/\.$/, ''));
  // An operator's relative path is resolved once, where it was typed (core/paths.ts says whose a path is).
  if (q.kind === 'path' && q.operator === true && typeof value === 'string' && value !== '') return path.resolve(value);
  return value;
}

export function normaliseAnswer(q: Question, value: AnswerValue): AnswerValue {
  return normalise(q, value);
}

/** The kind's own rule, then the question's extra rule. Returns a message or undefined. */
export function validateAnswer(q: Question, value: AnswerValue, answers: Answers): string | undefined {
  if (q.optional === true && value === '') return undefined; // left empty: no answer
  const own = kindCheck(q, value);
  if (own !== undefined) return own;
  const extra = q.validate as ((v: AnswerValue, a: Answers) => string | undefined) | undefined;
  return extra?.(value, answers);
}

function kindCheck(q: Question, value: AnswerValue): string | undefined {
  switch (q.kind) {
    case 'text':
      return typeof value !== 'string' ? 'must be text' : /[\r\n\0]/.test(value) ? 'must be a single line' : undefined;
    case 'path':
      if (typeof value !== 'string') return 'must be a path';
      return q.operator === true ? checkOperatorPath(value) : checkAbsolutePath(value);
    case 'secret':
      if (typeof value !== 'string') return 'must be text';
      if (value.length === 0) return q.optional === true ? undefined : 'is empty';
      if (q.minLength !== undefined && value.length < q.minLength) {
        return `is ${value.length} characters long; use at least ${q.minLength} so it cannot be guessed offline`;
      }
      return /[\r\n\0]/.test(value) ? 'must be a single line' : undefined;
    case 'confirm':
      return typeof value === 'boolean' ? undefined : 'must be yes or no (true or false)';
    case 'integer':
      return typeof value === 'number' ? checkInteger(value, q.min, q.max) : 'must be a whole number';
    case 'select':
      if (typeof value !== 'string') return 'must be one of the choices';
      return q.choices.some((c) => c.value === value) ? undefined : `"${value}" is not one of: ${q.choices.map((c) => c.value).join(', ')}`;
    case 'multiselect': {
      if (!isStringList(value)) return 'must be a list';
      const bad = value.find((v) => !q.choices.some((c) => c.value === v));
      return bad === undefined ? undefined : `"${bad}" is not one of: ${q.choices.map((c) => c.value).join(', ')}`;
    }
    case 'hostname': {
      if (!isStringList(value)) return 'must be a list of host names';
      if (value.length === 0) return 'needs at least one host name';
      if (q.multiple !== true && value.length > 1) return 'takes one host name';
      for (const h of value) {
        const error = checkHostName(h);
        if (error !== undefined) return error;
      }
      return undefined;
    }
    case 'cidrs': {
      if (!isStringList(value)) return 'must be a list of addresses or ranges';
      if (value.length === 0) return 'needs at least one address or range';
      for (const c of value) {
        const error = checkCidr(c);
        if (error !== undefined) return error;
      }
      return undefined;
    }
  }
}

function isStringList(value: AnswerValue): value is readonly string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}
