// The answers file is checked whole before anything is asked or planned: a key no question of
// the command reads (a typo such as "sshFromm") would otherwise be ignored and its default used
// — for the firewall, SSH open to everyone. Unknown keys, unknown steps and values of the wrong
// type stop the run (exit 2) naming the key, what it should hold and the nearest known key.
import { z } from 'zod';
import { UserError } from './errors.js';
import { fileKeyOf, type Question } from './questions.js';

/** The answers-file key of a question: its id, or `<id>File` for a secret (a path, never the secret). */
export { fileKeyOf };

/** What a command's answers file may hold: keys at the top level and, for `onboard`, one object per step. */
export interface AnswersShape {
  /** The command, for messages ("lockstep firewall"). */
  readonly command: string;
  /** Top-level keys and the questions that read each (several stages may ask the same id). */
  readonly top: ReadonlyMap<string, readonly Question[]>;
  /** Step name → its keys; undefined when the command takes no sections. */
  readonly sections?: ReadonlyMap<string, ReadonlyMap<string, readonly Question[]>>;
}

export function keysOf(questions: readonly Question[]): Map<string, Question[]> {
  const map = new Map<string, Question[]>();
  for (const q of questions) {
    const key = fileKeyOf(q);
    map.set(key, [...(map.get(key) ?? []), q]);
  }
  return map;
}

const list = (item: z.ZodType) => z.union([item, z.array(item)]);
const kindSchema: Record<Question['kind'], z.ZodType> = {
  text: z.string(),
  path: z.string(),
  secret: z.string(),
  select: z.string(),
  confirm: z.boolean(),
  integer: z.number().int(),
  hostname: list(z.string()),
  cidrs: list(z.string()),
  multiselect: list(z.string()),
};

/** The zod schema of one answer in the file (before the question's own rules). */
export function answerSchemaOf(q: Question): z.ZodType {
  return q.kind === 'text' && q.repeatable === true ? list(z.string()) : kindSchema[q.kind];
}

/** What a key should hold, as the operator reads it. */
export function expectedOf(q: Question): string {
  switch (q.kind) {
    case 'text':
      return q.repeatable === true ? 'text or a list of texts, such as ["a", "b"]' : 'text (a JSON string)';
    case 'path':
      return 'an absolute path (a JSON string)';
    case 'secret':
      return 'the path of a file whose first line is the secret (the secret itself never goes in the answers file)';
    case 'select':
      return `one of ${q.choices.map((c) => `"${c.value}"`).join(', ')}`;
    case 'confirm':
      return 'true or false';
    case 'integer':
      return `a whole number from ${q.min} to ${q.max}`;
    case 'hostname':
      return q.multiple === true ? 'a list of host names, such as ["example.org", "www.example.org"]' : 'a host name, such as "example.org"';
    case 'cidrs':
      return 'a list of addresses or ranges, such as ["192.0.2.0/24", "2001:db8::/32"]';
    case 'multiselect':
      return `a list of any of ${q.choices.map((c) => `"${c.value}"`).join(', ')}`;
  }
}

function describeValue(v: unknown): string {
  const json = JSON.stringify(v);
  const shown = json === undefined ? String(v) : json.length > 40 ? `${json.slice(0, 37)}...` : json;
  const kind = v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : typeof v === 'number' ? 'a number' : typeof v === 'boolean' ? 'true/false' : 'text';
  return `${kind} (${shown})`;
}

/** Optimal string alignment distance, case-insensitive: "sshFromm" is 1 from "sshFrom". */
export function distance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => [i, ...Array<number>(t.length).fill(0)]);
  for (let j = 0; j <= t.length; j++) d[0]![j] = j;
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[s.length]![t.length]!;
}

/** The known name closest to `name`, when it is close enough to be a slip of the keyboard. */
const squash = (s: string): string => s.toLowerCase().replace(/[-_ ]/g, '');

export function nearest(name: string, known: Iterable<string>): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const k of known) {
    // "ssh-from" or "ssh_from" for sshFrom: the flag's spelling, not a typo.
    const d = squash(k) === squash(name) ? 0 : distance(name, k);
    if (best === undefined || d < best.d) best = { name: k, d };
  }
  if (best === undefined) return undefined;
  return best.d <= Math.max(2, Math.floor(name.length / 4)) ? best.name : undefined;
}

function unknownKey(key: string, where: string, known: ReadonlyMap<string, readonly Question[]>, command: string): UserError {
  const secret = known.get(`${key}File`)?.find((q) => q.kind === 'secret');
  if (secret !== undefined) {
    return new UserError(
      `The answers file's key "${where}${key}" would hold a secret, and secrets never go in the answers file.`,
      `Write the secret into a file of its own (mode 0600) and give that file's path as "${where}${key}File".`,
    );
  }
  const near = nearest(key, known.keys());
  const all = [...known.keys()].sort();
  const spelling = near !== undefined && squash(near) === squash(key) ? ' (answers-file keys are the flags in camelCase)' : '';
  return new UserError(
    `The answers file has a key "${where}${key}" that lockstep ${command} does not read${near !== undefined ? `: did you mean "${where}${near}"${spelling}?` : '.'}`,
    all.length === 0 ? 'This command takes no answers.' : `Its keys: ${all.join(', ')}. Nothing was changed.`,
  );
}

function checkKeys(data: Readonly<Record<string, unknown>>, known: ReadonlyMap<string, readonly Question[]>, command: string, where: string, skip: (key: string) => boolean): void {
  for (const [key, value] of Object.entries(data)) {
    if (skip(key)) continue;
    const questions = known.get(key);
    if (questions === undefined) throw unknownKey(key, where, known, command);
    if (questions.some((q) => answerSchemaOf(q).safeParse(value).success)) continue;
    const q = questions[0]!;
    throw new UserError(`The answers file's key "${where}${key}" must be ${expectedOf(q)}; it is ${describeValue(value)}.`, `It answers: ${q.message}`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Throws a UserError naming the first key that the command does not read or whose value has the wrong type. */
export function checkAnswersData(data: Readonly<Record<string, unknown>>, shape: AnswersShape): void {
  const sections = shape.sections;
  for (const [key, value] of Object.entries(data)) {
    if (!isObject(value) || shape.top.has(key)) continue;
    if (sections === undefined) {
      throw new UserError(
        `The answers file's key "${key}" holds an object, but lockstep ${shape.command} reads plain answers.`,
        'Objects keyed by a step name are for lockstep onboard; give this command its answers at the top level.',
      );
    }
    const keys = sections.get(key);
    if (keys === undefined) {
      const near = nearest(key, sections.keys());
      throw new UserError(
        `The answers file names a step "${key}" that lockstep ${shape.command} does not have${near !== undefined ? `: did you mean "${near}"?` : '.'}`,
        `Its steps: ${[...sections.keys()].join(', ')}.`,
      );
    }
    checkKeys(value, keys, shape.command, `${key}.`, () => false);
  }
  checkKeys(data, shape.top, shape.command, '', (key) => sections?.has(key) === true && isObject(data[key]));
}
