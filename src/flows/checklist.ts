// The checklist's groups in the order the list shows them, and a run of them; onboard's view of
// it: which of its parts the checklist already finds done, and the before → after counts.
import { caAuditChecks } from '../ca/ca-checks.js';
import { DEFAULT_CA_DIR, DEFAULT_CA_NAME } from '../ca/layout.js';
import { runChecks, summarize, type AuditItem, type CheckGroup, type CheckProgress } from '../core/checks.js';
import type { Table } from '../core/events.js';
import type { Step } from '../core/step.js';
import type { System } from '../core/system.js';
import { firewallChecks, portsChecks } from '../firewall/firewall-checks.js';
import { patchChecks } from '../patch/patch-checks.js';
import { osChecks } from '../platform/os-checks.js';
import { sshChecks } from '../ssh/ssh-checks.js';
import { renewChecks } from '../tls/renew-checks.js';
import { tlsChecks } from '../tls/tls-checks.js';
import { updatesChecks } from '../updates/updates-checks.js';
import { webChecks } from '../web/web-checks.js';

/** The system, then the lockdown, then certificates and the site. */
export const CHECK_GROUPS: readonly CheckGroup[] = [osChecks, updatesChecks, patchChecks, sshChecks, firewallChecks, portsChecks, tlsChecks, webChecks, caAuditChecks, renewChecks];
export const CHECK_PREFIXES = CHECK_GROUPS.map((g) => g.prefix);

export interface ChecklistOptions {
  readonly only?: readonly string[];
  readonly caDir?: string;
  readonly caName?: string;
  readonly onProgress?: (p: CheckProgress) => void;
  readonly now?: number;
}

export function runChecklist(sys: System, o: ChecklistOptions = {}): Promise<AuditItem[]> {
  return runChecks(CHECK_GROUPS, { sys, now: o.now ?? Date.now(), caDir: o.caDir ?? DEFAULT_CA_DIR, caName: o.caName ?? DEFAULT_CA_NAME }, {
    ...(o.only !== undefined ? { only: o.only } : {}),
    ...(o.onProgress !== undefined ? { onProgress: o.onProgress } : {}),
  });
}

/** `--only` words that name no group (nor an item under one): exit 2 naming them. */
export function unknownPrefixes(only: readonly string[]): string[] {
  return only.filter((p) => !CHECK_PREFIXES.some((g) => p === g || p.startsWith(`${g}.`)));
}

/**
 * The home menu's "Lockdown checklist": the command line opens the checklist screen for it
 * (Flow.screen). Run as a step (it never is from the menu), it is the list as a table.
 */
export const checklistStep: Step<{ readonly items: readonly AuditItem[] }> = {
  id: 'check',
  title: 'Lockdown checklist',
  description: 'lockstep check: every point of the seeds, pass or fail with the evidence it judged; Enter on a failing item runs the lockstep command that fixes it. Read-only.',
  questions: [],
  advisory: true,
  facts: async (_a, sys) => ({ items: await runChecklist(sys) }),
  plan: () => [],
  table: (_a, facts) => ({ title: 'The checklist (lockstep check)', columns: ['id', 'status', 'evidence'], rows: facts.items.map((i) => [i.id, i.status, i.evidence]) }),
  verify: async () => [],
  summary: () => ['lockstep check --report FILE.html keeps the list with its evidence.'],
};

/** onboard's parts and the groups that judge them (the apt simulation of patch. is not among them: it is slow). */
export const PART_CHECKS: Readonly<Record<string, readonly string[]>> = {
  cert: ['tls'], https: ['web'], renewal: ['renew'], firewall: ['firewall'], ssh: ['ssh'], updates: ['updates'],
};

const ONBOARD_GROUPS = [...new Set(Object.values(PART_CHECKS).flat())];

/** A part is done when its groups said something and all of it passes. */
export function donePart(items: readonly AuditItem[], part: string): boolean {
  const mine = items.filter((i) => (PART_CHECKS[part] ?? []).includes(i.id.split('.')[0]!));
  return mine.length > 0 && mine.every((i) => i.status === 'pass');
}

// What the checklist said when onboard started, per run (its System), for the closing counts.
const before = new WeakMap<System, Promise<AuditItem[]>>();

export function onboardChecklist(sys: System): Promise<AuditItem[]> {
  let r = before.get(sys);
  if (r === undefined) before.set(sys, (r = runChecklist(sys, { only: ONBOARD_GROUPS })));
  return r;
}

const counts = (items: readonly AuditItem[]): string => {
  const s = summarize(items);
  return `${s.pass} pass, ${s.warn} warn, ${s.fail} fail, ${s.skip} skip`;
};

/** The closing table: per part, what the checklist said at the start and says now. */
export async function beforeAfter(sys: System, labels: Readonly<Record<string, string>>): Promise<{ table: Table; after: AuditItem[] }> {
  const start = await onboardChecklist(sys);
  const after = await runChecklist(sys, { only: ONBOARD_GROUPS });
  const of = (items: readonly AuditItem[], part: string) => items.filter((i) => (PART_CHECKS[part] ?? []).includes(i.id.split('.')[0]!));
  const rows = Object.keys(PART_CHECKS).map((part) => [labels[part] ?? part, counts(of(start, part)), counts(of(after, part))]);
  rows.push(['all', counts(start), counts(after)]);
  return { table: { title: 'The checklist (lockstep check), before → after', columns: ['part', 'before', 'after'], rows }, after };
}

/** onboard's closing stage: the checklist again, with the counts it had when onboard started. */
export function checklistAfterStep(labels: Readonly<Record<string, string>>): Step<{ readonly table: Table; readonly after: readonly AuditItem[] }> {
  return {
    id: 'check',
    title: 'The checklist again',
    description: 'lockstep check over the parts of onboard: what passed before this run, and what passes now.',
    questions: [],
    advisory: true,
    facts: async (_a, sys) => beforeAfter(sys, labels),
    plan: () => [],
    table: (_a, facts) => facts.table,
    verify: async () => [],
    summary: () => ['lockstep check shows every item with its evidence; lockstep check --report FILE.html keeps it.'],
  };
}
