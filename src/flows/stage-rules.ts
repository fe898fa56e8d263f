// The small rules stages are built from: "runs after that stage did", "only for this choice".
import type { Answers } from '../core/questions.js';
import type { StageContext } from '../core/sequence.js';

/** True when `id` ran and passed; else why a stage that needs its result cannot run. */
export function after(ctx: StageContext, id: string, what: string): true | string {
  const status = ctx.status.get(id);
  if (status === 'done') return true;
  if (status === 'previewed') return `it needs ${what} from "${id}", which a dry run does not make`;
  return `it needs ${what} from "${id}", which did not run`;
}

/** The first of several stages that ran and passed, if any. */
export const firstDone = (ctx: StageContext, ids: readonly string[]): string | undefined => ids.find((id) => ctx.status.get(id) === 'done');

export const answersOf = (ctx: StageContext, id: string): Answers => ctx.answers.get(id) ?? {};

export const listOf = (a: Answers, id: string): readonly string[] => (Array.isArray(a[id]) ? (a[id] as readonly string[]) : []);
