// Renewal's closing stage, for the timer: what the run learnt is kept as actions of a plan —
// the ACME servers' renewal information until their Retry-After, and, when something due was
// not renewed, the expiry report appended to its log and mailed (--mail). With a person at the
// terminal the closing table is the report, so nothing is written unless --mail asks for it.
import type { Action } from '../core/actions.js';
import type { Step } from '../core/step.js';
import type { System } from '../core/system.js';
import { tableLines } from '../core/table-text.js';
import { ariCacheAction, ARI_CACHE_DIR } from '../tls/ari-cache.js';
import { EXPIRY_REPORT, reportLogEntry, reportText, type ReportEntry } from '../tls/expiry-report.js';
import { selfCommand } from '../core/self-command.js';
import { outcomeTable, reportable, type CertOutcome } from './renew-outcome.js';
import type { CertPlan, RenewOptions } from './renew-stages.js';

export interface Closing {
  readonly plans: readonly CertPlan[];
  readonly outcomes: readonly CertOutcome[];
  readonly interactive: boolean;
}

interface ReportFacts {
  readonly log?: string;
}

const entriesOf = (outcomes: readonly CertOutcome[]): ReportEntry[] =>
  reportable(outcomes).map((o) => ({ name: o.name, kind: o.kind, ...(o.notAfter !== undefined ? { notAfter: o.notAfter } : {}), ...(o.daysLeft !== undefined ? { daysLeft: o.daysLeft } : {}), failed: o.outcome === 'failed', message: o.message }));

/** What the closing stage will write; empty when there is nothing to keep. */
export function closingActions(c: Closing, o: RenewOptions, log: string | undefined): Action[] {
  const actions: Action[] = [];
  const kept = c.interactive ? [] : c.plans.flatMap((p) => (p.cert.ari?.toKeep !== undefined ? [[p.cert.name, p.cert.ari.toKeep] as const] : []));
  if (kept.length > 0) actions.push({ kind: 'mkdir', title: `Create ${ARI_CACHE_DIR}`, path: ARI_CACHE_DIR, mode: 0o755 });
  for (const [name, entry] of kept) actions.push(ariCacheAction(name, entry));
  const entries = entriesOf(c.outcomes);
  if (entries.length === 0 || (c.interactive && o.mail === undefined)) return actions;
  const text = reportText(entries, tableLines(outcomeTable(c.plans, c.outcomes), 100));
  actions.push(
    { kind: 'mkdir', title: 'Create /var/log/lockstep (owner only)', path: '/var/log/lockstep', mode: 0o700 },
    { kind: 'write', title: `Add the expiry report to ${EXPIRY_REPORT}`, path: EXPIRY_REPORT, content: `${log ?? ''}${reportLogEntry(text)}`, mode: 0o600 },
  );
  if (o.mail !== undefined) {
    const smtp = o.smtp ?? 'localhost:25';
    actions.push({ kind: 'run', title: `Mail the expiry report to ${o.mail} through ${smtp}`, argv: [...selfCommand(), 'internal', 'mail', '--to', o.mail, '--smtp', smtp, '--subject', text.subject], stdin: text.body });
  }
  return actions;
}

/** The closing step; `closing()` is what the run's stages came to, known when its turn comes. */
export function closingStep(closing: () => Closing | undefined, o: RenewOptions): Step<ReportFacts> {
  const actionsOf = (facts: ReportFacts): Action[] => {
    const c = closing();
    return c === undefined ? [] : closingActions(c, o, facts.log);
  };
  return {
    id: 'renew report',
    title: 'Keep the expiry report and the renewal information',
    description: 'Keeps what the ACME servers said until their Retry-After, and writes (and mails) the expiry report when something due was not renewed.',
    questions: [],
    facts: async (_a, sys: System) => {
      const log = await sys.readText(EXPIRY_REPORT);
      return log !== undefined ? { log } : {};
    },
    plan: (_a, facts) => actionsOf(facts),
    async verify(_a, sys) {
      const c = closing();
      if (c === undefined || entriesOf(c.outcomes).length === 0) return [];
      const log = (await sys.readText(EXPIRY_REPORT)) ?? '';
      const subject = /^== (.*)$/m.exec(reportLogEntry(reportText(entriesOf(c.outcomes), [])))?.[1] ?? '';
      return [{ name: 'the expiry report is in its log', ok: log.includes(subject), evidence: `${EXPIRY_REPORT}: ${log.includes(subject) ? subject : 'no such entry'}` }];
    },
    summary() {
      const c = closing();
      const reported = c !== undefined && entriesOf(c.outcomes).length > 0;
      return [
        ...(reported ? [`Expiry report: ${EXPIRY_REPORT}`] : []),
        ...(reported && o.mail !== undefined ? [`Expiry report mailed to ${o.mail} through ${o.smtp ?? 'localhost:25'}`] : []),
      ];
    },
  };
}
