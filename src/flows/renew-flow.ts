// Certificate renewal, the one engine for every front end: on a terminal a walk (the TUI, or
// --plain), with --yes the timer's unattended run, with --dry-run the exact plan. The first
// stage shows every certificate in one table (kind, days left, due or not, what will happen);
// each certificate to renew is then the stages that made it, run again (renew-stages.ts), each
// previewed, journaled and verified, nginx reloaded and checked as a `web reload` step; a
// certificate's failure ends only that certificate. The closing stage keeps the ACME servers'
// renewal information and the expiry report (renew-report.ts); the closing table says what was
// done, and the run exits 1 when something due was not renewed.
import type { Sequence, Stage, StageContext, StageSummary } from '../core/sequence.js';
import type { Step } from '../core/step.js';
import type { System } from '../core/system.js';
import { ariLine } from '../tls/ari-status.js';
import { renewalFacts } from '../tls/renew-list.js';
import { allWell, outcomesOf, outcomeTable, planTable, reportable, type CertOutcome } from './renew-outcome.js';
import { closingActions, closingStep, type Closing } from './renew-report.js';
import { planFor, type CertPlan, type RenewOptions, type RunMode } from './renew-stages.js';
import { flow, type Flow } from './flow.js';

export type { RenewOptions } from './renew-stages.js';

/** One run's state: what was read of the machine once, and what its stages came to. */
interface RunState {
  readonly plans: readonly CertPlan[];
  readonly nextRun?: { readonly ms: number; readonly by: string };
  mode: RunMode;
  closing?: Closing;
}

function overviewStep(run: RunState | undefined, o: Pick<RenewOptions, 'force'>): Step<Record<string, never>> {
  const plans = run?.plans ?? [];
  const acting = plans.filter((p) => p.acts && p.stages.length > 0);
  return {
    id: 'renew',
    title: 'Certificate renewal',
    description: 'Every certificate with its days left, and each one inside its renewal window renewed the way it was made, its plan shown first.',
    questions: [],
    advisory: true,
    facts: async () => ({}),
    plan: () => [],
    verify: async () => [],
    table: () => (run === undefined || plans.length === 0 ? undefined : planTable(plans, run.mode)),
    notes: () => [
      ...(plans.length === 0 ? ['lockstep manages no certificates yet (none in /etc/lockstep/renewal/, none self-signed in /etc/ssl/lockstep/, none signed by the private CA, none in nginx).'] : []),
      ...plans.flatMap((p) => (p.cert.ari !== undefined ? [`${p.cert.name}: ${ariLine(p.cert.ari)}`] : [])),
      ...(run?.nextRun !== undefined ? [`The next scheduled run (${run.nextRun.by}) is at most ${run.nextRun.ms / 3_600_000} h away: an ARI moment before it is renewed now.`] : []),
    ],
    summary: () =>
      acting.length === 0
        ? [`Nothing to renew now${plans.some((p) => p.acts) ? ' by lockstep: the table says what needs you' : ': every certificate is outside its renewal window (a third of its lifetime left; --force renews anyway)'}.`]
        : [`${acting.length} of ${plans.length} to renew: ${acting.map((p) => p.cert.name).join(', ')}.${run?.mode.interactive === true ? ' Each is asked about in turn.' : ''}`],
  };
}

/** The command's own step, for its title and flags: the listing itself is made when the walk starts. */
export const renewOverview: Step = overviewStep(undefined, { force: false }) as Step;

const modeOf = (ctx: StageContext): RunMode => ({ interactive: ctx.interactive, yes: ctx.yes, dryRun: ctx.dryRun });

export function renewSequence(o: RenewOptions): Sequence {
  // The run whose stages were made last: result() and the closing stage read it.
  let current: RunState | undefined;
  const outcomes = async (ctx: StageContext, stages: readonly StageSummary[]): Promise<CertOutcome[]> => outcomesOf(current?.plans ?? [], ctx, stages);
  return {
    answers: 'flat',
    partsIndependent: true,
    async stages(sys: System): Promise<readonly Stage[]> {
      // Read once: the listing, every record, the CA's host files, ARI and the timer.
      const facts = await renewalFacts(sys, o.caDir, o.caName);
      const plans = await Promise.all(facts.certs.map((c) => planFor(c, sys, o)));
      const run: RunState = { plans, ...(facts.nextRun !== undefined ? { nextRun: facts.nextRun } : {}), mode: { interactive: false, yes: false, dryRun: false } };
      current = run;
      const overview: Stage = {
        id: 'renew',
        step: overviewStep(run, o) as Step,
        part: '',
        when: (ctx) => {
          run.mode = modeOf(ctx);
          return true;
        },
      };
      const closing: Stage = {
        id: 'renew report',
        step: closingStep(() => run.closing, o) as Step,
        part: 'report',
        // On a terminal the closing table is the report: nothing to write unless --mail asks.
        chosen: (ctx) => (ctx.interactive && o.mail === undefined ? 'on a terminal the closing table is the report' : true),
        async when(ctx) {
          run.closing = { plans, outcomes: await outcomes(ctx, ctx.stages), interactive: ctx.interactive };
          if (!ctx.interactive && !ctx.yes && !ctx.dryRun) return 'without --yes nothing is written';
          if (closingActions(run.closing, o, undefined).length > 0) return true;
          return 'nothing to report: no certificate due was left unrenewed';
        },
      };
      // A quiet day (nothing inside its window, no ACME answer to keep) has nothing to close.
      const mayKeep = plans.some((p) => p.acts || p.cert.ari?.toKeep !== undefined);
      return [overview, ...plans.flatMap((p) => p.stages), ...(mayKeep ? [closing] : [])];
    },
    async result(ctx, stages) {
      const list = await outcomes(ctx, stages);
      const plans = current?.plans ?? [];
      const report = stages.find((s) => s.id === 'renew report');
      const left = reportable(list);
      return {
        ok: allWell(list),
        ...(left.length > 0
          ? { failure: { title: `Not renewed: ${left.map((r) => `${r.name} (${r.outcome === 'failed' ? 'failed' : r.outcome === 'needs-you' ? 'needs you' : 'not renewed'})`).join(', ')}.`, lines: ['The table above says what each one needs; renew exits 1 until it is renewed.'] } }
          : {}),
        // The first table said it all when nothing was to be done.
        ...(plans.some((p) => p.acts) ? { table: outcomeTable(plans, list) } : {}),
        data: {
          certificates: list.map((r, i) => {
            const c = plans[i]?.cert;
            const ari = c?.ari === undefined ? undefined : (({ toKeep: _kept, ...rest }) => rest)(c.ari);
            return { ...r, names: c?.names ?? [], certPath: c?.certPath, renewFrom: c?.renewFrom, ...(ari !== undefined ? { ari } : {}) };
          }),
          ...(report !== undefined && report.status === 'failed' ? { reportFailed: report.reason ?? 'failed' } : {}),
        },
      };
    },
  };
}

/** `lockstep renew` on a terminal, and the home menu's renewal: a walk through the certificates. */
export function renewFlow(o: RenewOptions): Flow {
  return { ...flow(renewOverview, renewSequence(o)), menuOnly: true };
}
