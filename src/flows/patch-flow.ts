// `lockstep patch` as a sequence: the overview (what is pending, the repositories), the session,
// then the chroot copies and, when asked, the sudoers drop-in — each its own previewed step.
import type { Sequence, Stage, StageContext } from '../core/sequence.js';
import type { Step } from '../core/step.js';
import type { System } from '../core/system.js';
import { chrootFacts, chrootStep, sudoLogStep } from '../patch/extra-stages.js';
import type { PendingPackage } from '../patch/approval.js';
import { countLine, pendingTable, readPending } from '../patch/pending.js';
import { chrootsOf, packagesChoice, patchStep } from '../patch/patch-step.js';
import { lastResult } from '../patch/session-log.js';
import { oldNewTable } from '../patch/session-spec.js';
import { readRepoReport, repoWarnings } from '../patch/repo-report.js';

async function overview(pending: readonly PendingPackage[], sys: System): Promise<Step> {
  const repo = await readRepoReport(sys);
  return {
    id: 'patch overview',
    title: 'What is pending',
    description: 'The pending upgrades (security marked) and the repositories they come from.',
    questions: [],
    advisory: true,
    facts: async () => ({}),
    plan: () => [],
    verify: async () => [],
    table: () => (pending.length > 0 ? pendingTable(pending) : undefined),
    notes: () => [...repoWarnings(repo).map((w) => `WARNING: ${w}`), 'The package lists are used as they are: "lockstep patch pending" refreshes them (apt-get update).'],
    summary: () => [countLine(pending)],
  };
}

const sessionRan = (ctx: StageContext): true | string => {
  const s = ctx.status.get('patch');
  return s === 'done' ? true : s === 'previewed' ? 'it compares after the upgrade, which this dry run did not do' : 'the session did not run';
};

export const patchSequence: Sequence = {
  answers: 'flat',
  async stages(sys): Promise<readonly Stage[]> {
    const pending = await readPending(sys);
    // The list to tick goes right after "What to upgrade"; --packages (a flag, the answers file) comes before it.
    const at = patchStep.questions.findIndex((q) => q.id === 'upgrade') + 1;
    const session = { ...patchStep, questions: [...patchStep.questions.slice(0, at), packagesChoice(pending), ...patchStep.questions.slice(at)] };
    return [
      { id: 'patch overview', step: await overview(pending, sys), part: 'Pending' },
      { id: 'patch', step: session as unknown as Step, part: 'Upgrade session' },
      {
        id: 'patch chroot',
        step: chrootStep as unknown as Step,
        part: 'Chroots',
        given: (ctx) => ({ chroot: ctx.answers.get('patch')?.chroot ?? 'none' }),
        async when(ctx) {
          const chroots = chrootsOf(ctx.answers.get('patch') ?? {});
          if (chroots.length === 0) return 'no chroot named: --chroot DIR compares one';
          const ran = sessionRan(ctx);
          if (ran !== true) return ran;
          return (await chrootFacts(chroots, ctx.sys)).differs.length > 0 ? true : `every copy in ${chroots.join(', ')} matches the upgraded packages`;
        },
      },
      {
        id: 'patch sudo-log',
        step: sudoLogStep as unknown as Step,
        part: 'Root activity',
        when: (ctx) => ((ctx.answers.get('patch') ?? {}).sudoLog === true ? true : 'not asked for: --sudo-log adds it'),
      },
    ];
  },
  /** --json's result document: the session's log, its sha256, the old → new rows and the mail. */
  async result(ctx) {
    const r = ctx.status.get('patch') === 'done' || ctx.status.get('patch') === 'failed' ? await lastResult(ctx.sys) : undefined;
    return {
      ok: true,
      ...(r !== undefined && r.rows.length > 0 ? { table: { title: `Old → new, re-checked with dpkg-query (${r.log})`, ...oldNewTable(r.rows) } } : {}),
      data: r === undefined ? {} : { session: { log: r.log, status: r.status, logSha256: r.logSha256, packages: r.rows, reboot: r.reboot, ...(r.mail !== undefined ? { mail: r.mail } : {}) } },
    };
  },
};
