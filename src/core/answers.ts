// Where answers come from before anybody is asked: a flag, else the answers file, else (for
// secrets) an environment variable. Everything is checked here, and a bad value names both the
// flag and the answers-file key.
// zod (answers-check.ts) is loaded when an answers file is read, not before: the home menu and
// the flags alone do not need it.
import fs from 'node:fs/promises';
import { UserError } from './errors.js';
import {
  envOf,
  fileKeyOf,
  flagOf,
  normaliseAnswer,
  parseAnswer,
  validateAnswer,
  type AnswerValue,
  type Answers,
  type Question,
} from './questions.js';

export type FlagValue = string | boolean | readonly string[];

export interface AnswerSource {
  /** The preset answer for `q`, undefined when there is none; throws UserError when it is bad. */
  lookup(q: Question, answers: Answers): Promise<AnswerValue | undefined>;
}

/**
 * Answers by question id; an object holds one step's answers in a sequence (`"firewall": {...}`
 * for lockstep onboard). Each key and its type are checked against the command's questions by
 * checkAnswersData (answers-check.ts) before anything is asked.
 */
export async function answersFileSchema() {
  const { z } = await import('zod');
  return z.record(z.string(), z.unknown());
}

export async function loadAnswersFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`Cannot read the answers file ${file}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserError(`The answers file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = (await answersFileSchema()).safeParse(data);
  if (!parsed.success) {
    throw new UserError(
      `The answers file ${file} is not usable: it holds ${Array.isArray(data) ? 'a list' : data === null ? 'null' : typeof data}, not an object.`,
      'It must be a JSON object of answers, such as {"host": ["example.org"], "days": 90}.',
    );
  }
  return parsed.data;
}

export async function readSecretFile(file: string, what: string, where?: string): Promise<string> {
  let text: string;
  const named = where !== undefined ? `${where} ${file}` : file;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new UserError(
      `Cannot read ${what.replace(/[?:]\s*$/, '').toLowerCase()} from ${named}: ${why}.`,
      `Give the path of an existing file (mode 0600) whose first line is the secret${where !== undefined ? `, or leave ${where.split(' / ')[0]} out to be asked for it` : ''}.`,
    );
  }
  const line = text.split('\n')[0]?.replace(/\r$/, '') ?? '';
  if (line.length === 0) throw new UserError(`${named} (${what}) is empty.`, 'Its first line must be the secret.');
  return line;
}

const fileKey = fileKeyOf;

export class PresetAnswers implements AnswerSource {
  constructor(
    private readonly flags: ReadonlyMap<string, FlagValue>,
    private readonly file: Readonly<Record<string, unknown>> = {},
    private readonly env: NodeJS.ProcessEnv = process.env,
    /** The answers-file section these answers come from ("firewall"), for messages. */
    private readonly section?: string,
  ) {}

  async lookup(q: Question, answers: Answers): Promise<AnswerValue | undefined> {
    const key = this.section === undefined ? fileKey(q) : `${this.section}.${fileKey(q)}`;
    const where = this.section === undefined ? `${flagOf(q)} / "${key}"` : `answers file key "${key}"`;
    if (q.kind === 'secret') {
      const path = this.flags.get(q.id) ?? this.file[fileKey(q)];
      if (typeof path === 'string') return this.checked(q, await readSecretFile(path, q.message, where), answers, where);
      const value = this.env[envOf(q)];
      if (value === undefined) return undefined;
      if (value === '' && q.optional !== true) {
        throw new UserError(`${envOf(q)} is set but empty (${q.message.toLowerCase()}).`, `Put the secret in it, unset it to be asked for it, or give ${flagOf(q)} FILE.`);
      }
      // From the environment: the message names the variable, not a file nobody gave.
      return this.checked(q, value, answers, `${envOf(q)} (in the environment)`);
    }
    const flag = this.flags.get(q.id);
    if (flag !== undefined) return this.fromText(q, flag, answers, where);
    if (!(fileKey(q) in this.file)) return undefined;
    const raw = this.file[fileKey(q)];
    const { answerSchemaOf, expectedOf } = await import('./answers-check.js');
    if (!answerSchemaOf(q).safeParse(raw).success) {
      throw new UserError(`Answers file key "${key}" has the wrong type: it must be ${expectedOf(q)}.`);
    }
    return this.fromText(q, raw as FlagValue, answers, where);
  }

  private fromText(q: Question, raw: FlagValue | number, answers: Answers, where: string): AnswerValue {
    if (typeof raw === 'boolean' || typeof raw === 'number') return this.checked(q, raw, answers, where);
    const text = Array.isArray(raw) ? raw.join(',') : (raw as string);
    const parsed = parseAnswer(q, text);
    if ('error' in parsed) throw badAnswer(where, parsed.error);
    return this.checked(q, parsed.value, answers, where);
  }

  private checked(q: Question, value: AnswerValue, answers: Answers, where: string): AnswerValue {
    const error = validateAnswer(q, value, answers);
    if (error !== undefined) throw badAnswer(where, error);
    return normaliseAnswer(q, value);
  }
}

function badAnswer(where: string, error: string): UserError {
  return new UserError(`Invalid ${where}: ${error}.`);
}

export function answerNames(q: Question): string {
  return q.kind === 'secret' ? `${flagOf(q)} (or ${envOf(q)})` : flagOf(q);
}
