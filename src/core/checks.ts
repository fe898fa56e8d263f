// The lockdown checklist's core (`lockstep check`): each domain exports its groups of checks, and
// this runner runs the groups concurrently, read-only. A check judges what a step's own
// verification reads (one function for "is this done"), says what it read (evidence), which
// lockstep command fixes it and which seed sentence it checks.
import { z } from 'zod';
import type { System } from './system.js';

export const CHECK_STATUSES = ['pass', 'warn', 'fail', 'skip'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/** The seed a check answers to: its file in seeds/ and the sentence. */
export interface SeedRef {
  readonly file: string;
  readonly sentence: string;
}

export const auditItemSchema = z
  .object({
    id: z.string().regex(/^[a-z]+(\.[a-z0-9][a-z0-9_-]*)+$/, 'a dotted id like ssh.passwords'),
    title: z.string().min(1),
    status: z.enum(CHECK_STATUSES),
    /** Why it was skipped (what could not be read); only with status skip. */
    reason: z.string().min(1).optional(),
    evidence: z.string(),
    fix: z.string(),
    seed: z.object({ file: z.string().min(1), sentence: z.string().min(1) }),
  })
  .strict()
  .refine((i) => (i.status === 'skip') === (i.reason !== undefined), { message: 'a skipped check says why (reason), and only a skipped one' });

export type AuditItem = z.infer<typeof auditItemSchema>;

export const checkSummarySchema = z.object({ pass: z.number().int(), warn: z.number().int(), fail: z.number().int(), skip: z.number().int() }).strict();
export type CheckSummary = z.infer<typeof checkSummarySchema>;

/** `lockstep check --json`: the whole document. */
export const checkDocumentSchema = z.object({ checks: z.array(auditItemSchema), summary: checkSummarySchema }).strict();
export type CheckDocument = z.infer<typeof checkDocumentSchema>;

export interface CheckContext {
  readonly sys: System;
  readonly now: number;
  /** The private CA the ca. checks look at. */
  readonly caDir: string;
  readonly caName: string;
}

/** One group of the checklist (a prefix: os, ssh, firewall...), run as one unit. */
export interface CheckGroup {
  /** The ids' first word: `ssh` for ssh.passwords. */
  readonly prefix: string;
  readonly title: string;
  run(ctx: CheckContext): Promise<readonly AuditItem[]>;
}

type ItemFields = Omit<AuditItem, 'status' | 'reason'>;

/** The item with its fields in the document's order (id, title, status, reason, evidence, fix, seed). */
export const withStatus = (i: ItemFields, status: Exclude<CheckStatus, 'skip'>): AuditItem => ({ id: i.id, title: i.title, status, evidence: i.evidence, fix: i.fix, seed: i.seed });
export const pass = (i: ItemFields): AuditItem => withStatus(i, 'pass');
export const warn = (i: ItemFields): AuditItem => withStatus(i, 'warn');
export const fail = (i: ItemFields): AuditItem => withStatus(i, 'fail');
export const skip = (i: ItemFields, reason: string): AuditItem => ({ id: i.id, title: i.title, status: 'skip', reason, evidence: i.evidence, fix: i.fix, seed: i.seed });
/** pass when `ok`, else `otherwise` (fail by default). */
export const verdict = (ok: boolean, i: ItemFields, otherwise: 'fail' | 'warn' = 'fail'): AuditItem => withStatus(i, ok ? 'pass' : otherwise);

export function summarize(items: readonly AuditItem[]): CheckSummary {
  const s = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const i of items) s[i.status]++;
  return s;
}

/** Exit code: 1 when something fails, else 0 (warnings allowed). */
export const checkExitCode = (items: readonly AuditItem[]): number => (items.some((i) => i.status === 'fail') ? 1 : 0);

/** `--only ssh,tls.example`: an item is kept when its id is one of them or starts with one and a dot. */
export function matchesOnly(id: string, only: readonly string[]): boolean {
  return only.length === 0 || only.some((p) => id === p || id.startsWith(`${p}.`));
}

/** The groups `--only` can reach (an item prefix selects its group). */
export function groupsFor(groups: readonly CheckGroup[], only: readonly string[]): CheckGroup[] {
  return groups.filter((g) => only.length === 0 || only.some((p) => p === g.prefix || p.startsWith(`${g.prefix}.`)));
}

export type CheckProgress =
  | { readonly type: 'group-start'; readonly prefix: string }
  | { readonly type: 'group-done'; readonly prefix: string; readonly items: readonly AuditItem[]; readonly ms: number };

/**
 * Runs the groups concurrently; a group that throws becomes one failing item naming the error (a
 * bug or an unreadable file must not hide the rest of the list). Items come back in group order.
 */
export async function runChecks(
  groups: readonly CheckGroup[],
  ctx: CheckContext,
  o: { readonly only?: readonly string[]; readonly onProgress?: (p: CheckProgress) => void } = {},
): Promise<AuditItem[]> {
  const only = o.only ?? [];
  const chosen = groupsFor(groups, only);
  const results = await Promise.all(
    chosen.map(async (g) => {
      const started = Date.now();
      o.onProgress?.({ type: 'group-start', prefix: g.prefix });
      let items: readonly AuditItem[];
      try {
        items = (await g.run(ctx)).filter((i) => matchesOnly(i.id, only));
      } catch (error) {
        items = [
          fail({
            id: `${g.prefix}.error`,
            title: `${g.title}: the checks could not run`,
            evidence: (error as Error).message,
            fix: 'Report this as a bug in lockstep, with the evidence.',
            seed: { file: 'DESIGN.md', sentence: 'a lockdown checklist (audit) that says what is done and what is not' },
          }),
        ];
      }
      o.onProgress?.({ type: 'group-done', prefix: g.prefix, items, ms: Date.now() - started });
      return items;
    }),
  );
  return results.flat();
}

export function checkDocument(items: readonly AuditItem[]): CheckDocument {
  return { checks: [...items], summary: summarize(items) };
}

/** The seeds (../shared/seeds/) the checks answer to, with the sentences they check. */
export const SEEDS = {
  lockdown: '000_50867a82ad50b133.txt',
  ca: '001_c356887d1ef737f0.txt',
  patch: '002_35cdfa8527bce1f8.txt',
} as const;

export const seed = (file: keyof typeof SEEDS, sentence: string): SeedRef => ({ file: SEEDS[file], sentence });
