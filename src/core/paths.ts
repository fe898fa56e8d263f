// Which a path is, and where it is on this machine: the one place that decides (DESIGN.md,
// "--root"). A path lockstep manages (/etc, /var, /run, the CA, live/) is the target system's
// and is taken under --root; a path the operator brings (a vendor's certificate, an ACME CA
// file, a trust store, a FILE argument) is read as given, on the machine lockstep runs on,
// relative to the working directory when it is relative. An operator question's default is
// lockstep's own (the key cert purchased made, the system's trust store): on the target.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Arg } from './actions.js';
import { p } from './actions.js';
import { defaultOf, type Answers, type Question } from './questions.js';
import type { System } from './system.js';

export type PathOwner = 'managed' | 'operator';

/** What --help and the prompt say under an operator's path question. */
export const OPERATOR_FILE = 'A file of yours, read as given, not under --root.';

/**
 * Whose the answer to a path question is: the operator's when the question says so and the
 * value is not the question's default; every other path is lockstep's own.
 */
export function ownerOf(q: Question, answers: Answers, facts?: unknown): PathOwner {
  if (q.kind !== 'path' || q.operator !== true) return 'managed';
  const value = answers[q.id];
  return typeof value === 'string' && value === defaultOf(q, answers, facts) ? 'managed' : 'operator';
}

/** Where the answer to a path question is on this machine. */
export function answerPlace(sys: System, q: Question, answers: Answers, facts?: unknown): string {
  return placeOf(sys, String(answers[q.id]), ownerOf(q, answers, facts));
}

/** An operator's path as this machine names it (absolute, never under --root). */
export function operatorPath(value: string): string {
  return path.resolve(value);
}

/** Where `value` is on this machine. */
export function placeOf(sys: System, value: string, owner: PathOwner): string {
  return owner === 'operator' ? operatorPath(value) : sys.real(value);
}

/** The argument a plan's command gets: a managed path is mapped when it runs, an operator's is as given. */
export function pathArg(value: string, owner: PathOwner): Arg {
  return owner === 'operator' ? operatorPath(value) : p(value);
}

/** Reads an operator's file (as given). */
export function readOperatorFile(value: string): Promise<Buffer> {
  return fs.readFile(operatorPath(value));
}

/** Whether an operator's file exists (as given). */
export async function operatorFileExists(value: string): Promise<boolean> {
  return fs.stat(operatorPath(value)).then(
    () => true,
    () => false,
  );
}

/** Where a write or edit action's file is on this machine: an operator's as given, lockstep's under --root. */
export function actionFile(sys: System, action: { readonly path: string; readonly operator?: boolean }): string {
  return placeOf(sys, action.path, action.operator === true ? 'operator' : 'managed');
}
