// Questions as command-line options: each question id is a flag (kebab-case) and an answers-file
// key (camelCase); yes/no questions also get --no-<flag>.
import { Option } from 'commander';
import fs from 'node:fs';
import type { FlagValue } from '../core/answers.js';
import { UserError } from '../core/errors.js';
import { defaultOf, envOf, flagOf, type Question } from '../core/questions.js';

export function optionsFor(q: Question): Option | Option[] {
  const flag = flagOf(q);
  const d = typeof q.default === 'function' ? undefined : defaultOf(q, {});
  const extra = [
    typeof q.help === 'string' ? q.help : undefined,
    d !== undefined && d !== '' && !(Array.isArray(d) && d.length === 0) ? `default: ${Array.isArray(d) ? d.join(',') : String(d)}` : undefined,
    q.kind === 'select' ? `one of: ${q.choices.map((c) => c.value).join(', ')}` : undefined,
    q.kind === 'multiselect' ? `any of: ${q.choices.map((c) => c.value).join(', ')}` : undefined,
    q.kind === 'integer' ? `${q.min} to ${q.max}` : undefined,
    q.kind === 'secret' ? `first line of FILE; or set ${envOf(q)}` : undefined,
    `answers key "${q.kind === 'secret' ? `${q.id}File` : q.id}"`,
  ].filter((s): s is string => s !== undefined);
  const about = q.kind === 'confirm' && q.flags !== undefined ? q.flags.yes : q.message;
  const description = `${about}${extra.length ? ` (${extra.join('; ')})` : ''}`;
  const list = q.kind === 'hostname' || q.kind === 'cidrs' || q.kind === 'multiselect' || (q.kind === 'text' && q.repeatable === true);
  if (list) {
    return new Option(`${flag} <value>`, `${description}; repeat the flag or use commas`).argParser(
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    );
  }
  switch (q.kind) {
    case 'confirm':
      // Written as flags read: what --x does, then what --no-x does (not "answer no to: …?").
      return [new Option(flag, description), new Option(`--no-${flag.slice(2)}`, q.flags?.no ?? `the opposite of ${flag}`)];
    case 'secret':
      return new Option(`${flag} <file>`, description);
    default:
      return new Option(`${flag} <value>`, description);
  }
}

export function flagValues(questions: readonly Question[], opts: Record<string, unknown>): Map<string, FlagValue> {
  const map = new Map<string, FlagValue>();
  for (const q of questions) {
    const value = opts[q.kind === 'secret' ? `${q.id}File` : q.id];
    if (value !== undefined) map.set(q.id, value as FlagValue);
  }
  return map;
}

export async function readHostsFile(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`Cannot read --hosts-file ${file}: ${(error as Error).message}`);
  }
  return text
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter((l) => l !== '');
}

