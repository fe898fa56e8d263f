// What became of each certificate, from how its stages ended: the closing table (the same
// columns as the first one, the last saying what was done), the expiry report's entries, the
// exit code (1 when something due was not renewed) and --json's result document.
import type { StageContext, StageSummary } from '../core/sequence.js';
import type { Table } from '../core/events.js';
import type { System } from '../core/system.js';
import { archivePath, lastArchiveVersion } from '../tls/live-layout.js';
import { csrFingerprint } from '../tls/purchased.js';
import type { CertPlan, RunMode } from './renew-stages.js';

export type Verdict = 'not-due' | 'renewed' | 'previewed' | 'needs-you' | 'failed' | 'not-renewed';

export interface CertOutcome {
  readonly name: string;
  readonly kind: string;
  readonly method: string;
  readonly daysLeft?: number;
  readonly lifetimeDays?: number;
  readonly notAfter?: string;
  readonly due: boolean;
  readonly dueReason?: string;
  /** Due, or asked anyway (--force). */
  readonly acted: boolean;
  readonly outcome: Verdict;
  readonly message: string;
}

const WORD: Record<Verdict, string> = { 'not-due': 'not due', renewed: 'renewed', previewed: 'previewed (dry run)', 'needs-you': 'needs you', failed: 'FAILED', 'not-renewed': 'not renewed' };

export const daysText = (p: CertPlan): string => (p.cert.daysLeft === undefined ? '?' : `${p.cert.daysLeft} of ${p.cert.lifetimeDays ?? '?'}`);
export const dueText = (p: CertPlan): string =>
  p.cert.due ? (p.cert.ari?.due === true ? 'due (ARI)' : p.cert.problem !== undefined ? 'due (unreadable)' : 'due') : p.acts ? 'no (--force)' : 'no';

export function planTable(plans: readonly CertPlan[], mode: RunMode): Table {
  return {
    title: 'Certificates',
    columns: ['certificate', 'kind', 'days left', 'due', 'what will happen'],
    rows: plans.map((p) => [p.cert.name, p.kind, daysText(p), dueText(p), p.what(mode)]),
  };
}

export function outcomeTable(plans: readonly CertPlan[], outcomes: readonly CertOutcome[]): Table {
  return {
    title: 'Renewal',
    columns: ['certificate', 'kind', 'days left', 'due', 'what was done'],
    rows: plans.map((p, i) => {
      const o = outcomes[i]!;
      return [p.cert.name, p.kind, daysText(p), dueText(p), o.outcome === 'not-due' ? o.message : `${WORD[o.outcome]}: ${o.message}`];
    }),
  };
}

/** The newest CSR of a purchased certificate, just made by its stage. */
async function madeCsr(sys: System, name: string): Promise<string> {
  const n = await lastArchiveVersion(sys, name);
  const pem = await sys.readText(archivePath(name, 'csr', n));
  return pem === undefined ? `${archivePath(name, 'csr', n)} is missing` : `${archivePath(name, 'csr', n)} (SHA-256 ${csrFingerprint(pem)})`;
}

async function verdict(p: CertPlan, ctx: StageContext, byId: ReadonlyMap<string, StageSummary>): Promise<{ outcome: Verdict; message: string }> {
  const c = p.cert;
  const advice = p.advice?.(ctx);
  if (p.stages.length === 0) return p.acts ? { outcome: 'needs-you', message: advice ?? p.what(ctx) } : { outcome: 'not-due', message: p.what(ctx) };
  const ends = p.stages.map((s) => byId.get(s.id)).filter((s): s is StageSummary => s !== undefined);
  const failed = ends.find((s) => s.status === 'failed');
  if (failed !== undefined) return { outcome: 'failed', message: `${failed.title}: ${failed.reason ?? 'failed'}` };
  const first = ends[0];
  if (first === undefined || first.status === 'skipped' || first.status === 'not-run') {
    return advice !== undefined && advice !== '' ? { outcome: 'needs-you', message: advice } : { outcome: 'not-renewed', message: first?.reason ?? 'not run' };
  }
  if (first.status === 'declined') return { outcome: 'not-renewed', message: first.reason ?? 'you chose not to' };
  if (ends.some((s) => s.status === 'previewed')) {
    const later = ends.filter((s) => s.status === 'skipped').map((s) => `"${s.title}"`);
    return { outcome: 'previewed', message: `the plan is shown above${later.length > 0 ? `; ${later.join(', ')} follow once it has run` : ''}; nothing was changed` };
  }
  const undone = ends.find((s) => s.status !== 'done');
  if (undone !== undefined) return { outcome: 'not-renewed', message: `${undone.title}: ${undone.reason ?? undone.status}` };
  const reloaded = c.record.deploy !== undefined ? '; nginx reloaded and checked' : '';
  switch (c.record.method) {
    case 'purchased': {
      const names = c.names.length > 0 ? c.names.join(',') : c.name;
      return { outcome: 'needs-you', message: `order its successor from your vendor with the fresh key and CSR: ${await madeCsr(ctx.sys, c.name)}; then lockstep cert install --domain ${names} --cert THEIR-FILE [--chain THEIR-CHAIN]. The live files stay in use until then.` };
    }
    case 'private-ca':
      return { outcome: 'renewed', message: `${c.name} signed again by the private CA${c.liveName !== undefined ? ` and installed in live/${c.liveName}/` : ''}${reloaded}` };
    default:
      return { outcome: 'renewed', message: `${c.name} renewed${reloaded}` };
  }
}

export async function outcomesOf(plans: readonly CertPlan[], ctx: StageContext, stages: readonly StageSummary[]): Promise<CertOutcome[]> {
  const byId = new Map(stages.map((s) => [s.id, s]));
  const out: CertOutcome[] = [];
  for (const p of plans) {
    const c = p.cert;
    const v = await verdict(p, ctx, byId);
    out.push({
      name: c.name, kind: p.kind, method: c.record.method,
      ...(c.daysLeft !== undefined ? { daysLeft: c.daysLeft } : {}),
      ...(c.lifetimeDays !== undefined ? { lifetimeDays: c.lifetimeDays } : {}),
      ...(c.notAfter !== undefined ? { notAfter: c.notAfter } : {}),
      due: c.due, ...(c.dueReason !== undefined ? { dueReason: c.dueReason } : {}),
      acted: p.acts, ...v,
    });
  }
  return out;
}

/** Exit 1 when something due (or asked for with --force) was not renewed; a quiet day is 0. */
export const allWell = (outcomes: readonly CertOutcome[]): boolean =>
  outcomes.every((o) => o.outcome !== 'failed' && o.outcome !== 'needs-you' && !(o.due && o.outcome === 'not-renewed'));

/** What goes into the expiry report: due ones that were not renewed. */
export const reportable = (outcomes: readonly CertOutcome[]): CertOutcome[] =>
  outcomes.filter((o) => o.acted && (o.outcome === 'failed' || o.outcome === 'needs-you' || (o.due && o.outcome === 'not-renewed')));
