// `lockstep patch`: the seed's logged patch session as one step. The plan writes the session's
// spec and the head of its log (the pending list, the repository report, what will run), then
// lockstep's session helpers (session-helpers.ts) keep the old .debs and the checksums, run the
// upgrade with every line into the log, re-check the versions with dpkg-query, write the
// old → new table, close the log read-only and mail the summary.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import { aptPrepareActions, aptTarget, probeApt, type AptTarget } from '../apt/apt-root.js';
import { parsePackagePolicies } from '../apt/policy.js';
import { p, type Action, type Arg } from '../core/actions.js';
import { commandLine } from '../core/describe.js';
import type { Answers, Question } from '../core/questions.js';
import type { Step } from '../core/step.js';
import { System } from '../core/system.js';
import { isNone, mailQuestion, mailTarget, smtpQuestion } from '../mail/questions.js';
import { selfCommand } from '../core/self-command.js';
import { loadApproval, type Approval, type PendingPackage } from './approval.js';
import { changedSinceBaseline, readBaseline } from './baseline.js';
import { readPending } from './pending.js';
import { lastResult, logHead, resultChecks } from './session-log.js';
import { readRepoReport, type RepoReport } from './repo-report.js';
import { approvedPackages, chosenPackages, upgradeCommand, type ApprovedPlan, type Availability } from './session-plan.js';
import { DEB_KEEP_DIR, LOG_DIR, headPath, nextLogName, PATCH_STATE_DIR, specPath, stampOf, statusWord, type SessionPackage, type SessionResult, type SessionSpec } from './session-spec.js';

export interface PatchFacts {
  readonly apt: AptTarget;
  readonly host: string;
  readonly now: string;
  readonly log: string;
  readonly pending: readonly PendingPackage[];
  readonly repo: RepoReport;
  readonly changedSinceBaseline: readonly string[];
  readonly baselineTaken?: string;
  readonly approval?: Approval & { readonly sha256: string; readonly available: ReadonlyMap<string, Availability> };
}

const list = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : typeof v === 'string' && v !== '' ? v.split(',').map((s) => s.trim()).filter((s) => s !== '') : []);
export const chrootsOf = (a: Answers): string[] => list(a.chroot).filter((d) => !isNone(d));

export const patchQuestions: readonly Question[] = [
  {
    kind: 'text',
    id: 'approved',
    message: 'Apply exactly the versions of this approval file (made by "lockstep patch pending --json")',
    help: 'Staged approval: newer versions published since are mentioned and left; a version no longer available stops the session before anything changes',
    optional: true,
    unasked: true,
  },
  {
    // From a flag or the answers file only; naming packages means "pick" (never silently "all").
    kind: 'text',
    id: 'packages',
    message: 'Upgrade only these pending packages (names, comma-separated; implies --upgrade pick)',
    repeatable: true,
    optional: true,
    unasked: true,
    when: (a) => typeof a.approved !== 'string' || a.approved === '',
  },
  {
    kind: 'select',
    id: 'upgrade',
    message: 'What to upgrade',
    default: (a) => (a.packages !== undefined ? 'pick' : 'all'),
    validate: (v, a) => (a.packages !== undefined && v !== 'pick' ? `--packages names the packages to upgrade, so --upgrade must be pick (or left out), not ${v}` : undefined),
    when: (a) => typeof a.approved !== 'string' || a.approved === '',
    choices: [
      { value: 'all', label: 'everything pending', hint: 'apt-get upgrade, as the seed does' },
      { value: 'security', label: 'security updates only', hint: 'from the security archive; the others wait' },
      { value: 'pick', label: 'the packages I name', hint: '--packages a,b' },
    ],
  },
  mailQuestion({ message: 'Mail the old → new summary to (an address, or "none")', help: 'The subject says ok, FAILED or nothing to do; the body has the table and the log\'s sha256' }),
  smtpQuestion({ allowNone: true, default: 'none', message: 'Mail server for the summary (HOST:PORT, or "none" for /usr/sbin/sendmail)' }),
  {
    kind: 'text',
    id: 'chroot',
    message: 'Chroot folders that carry copies of system files, to compare after the upgrade (none: no chroot)',
    help: 'As the seed\'s web server chroot under /home/cacert: files of the upgraded packages that differ there are listed, then offered to be copied in',
    repeatable: true,
    default: 'none',
  },
  {
    kind: 'confirm',
    id: 'sudoLog',
    message: 'Also record root sessions: a sudoers drop-in with Defaults log_output (checked by visudo)?',
    help: 'The reviewers\' logged root activity: every sudo session recorded, sudoreplay to read them. its own step, shown before it is written',
    default: false,
  },
];

/** On a terminal, "the packages I name" is a list to tick, made from what is pending now (after `upgrade`). */
export function packagesChoice(pending: readonly PendingPackage[]): Question {
  return {
    kind: 'multiselect',
    id: 'packages',
    message: 'Packages to upgrade (Space ticks, Enter goes on)',
    choices: pending.map((x) => ({ value: x.name, label: `${x.name} ${x.current} → ${x.candidate}`, hint: x.security ? 'SECURITY' : x.securityCandidate !== undefined ? `security fix ${x.securityCandidate} below it` : x.origin })),
    default: [],
    when: (a) => a.upgrade === 'pick' && a.packages === undefined,
    validate: (v) => (v.length === 0 ? 'tick at least one package, or choose another answer to "What to upgrade"' : undefined),
  };
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

async function availability(sys: System, names: readonly string[]): Promise<Map<string, Availability>> {
  if (names.length === 0) return new Map();
  const r = await probeApt(sys, 'apt-cache', ['policy', ...names]);
  return new Map(parsePackagePolicies(r.stdout).map((pol) => [pol.name, { ...(pol.installed !== undefined ? { installed: pol.installed } : {}), ...(pol.candidate !== undefined ? { candidate: pol.candidate } : {}), versions: pol.versions.map((v) => v.version) }]));
}

async function existingLogs(sys: System): Promise<Set<string>> {
  try {
    return new Set((await fs.readdir(sys.real(LOG_DIR))).filter((n) => n.startsWith('OSPATCH-')));
  } catch {
    return new Set();
  }
}

export async function patchFacts(answers: Answers, sys: System): Promise<PatchFacts> {
  const now = new Date();
  const baseline = await readBaseline(sys);
  let approval: PatchFacts['approval'];
  if (typeof answers.approved === 'string' && answers.approved !== '') {
    const a = await loadApproval(answers.approved);
    approval = { ...a, sha256: sha256(await fs.readFile(answers.approved, 'utf8')), available: await availability(sys, a.packages.map((x) => x.name)) };
  }
  return {
    apt: aptTarget(sys),
    host: os.hostname(),
    now: now.toISOString(),
    log: nextLogName(now, await existingLogs(sys)),
    pending: await readPending(sys),
    repo: await readRepoReport(sys),
    changedSinceBaseline: await changedSinceBaseline(sys, baseline),
    ...(baseline !== undefined ? { baselineTaken: baseline.taken } : {}),
    ...(approval !== undefined ? { approval } : {}),
  };
}

export interface Chosen {
  readonly choice: string;
  readonly packages: readonly SessionPackage[];
  readonly approved?: ApprovedPlan;
}

function choose(answers: Answers, facts: PatchFacts): Chosen {
  if (facts.approval !== undefined) {
    const approved = approvedPackages(facts.approval, facts.approval.available, facts.pending);
    return { choice: 'approved', packages: approved.packages, approved };
  }
  const choice = typeof answers.upgrade === 'string' ? answers.upgrade : 'all';
  return { choice, packages: chosenPackages(choice, facts.pending, list(answers.packages)) };
}

export function specOf(answers: Answers, facts: PatchFacts, chosen: Chosen = choose(answers, facts)): SessionSpec {
  const mail = mailTarget(answers);
  const smtp = typeof answers.smtp === 'string' && !isNone(answers.smtp) ? answers.smtp : undefined;
  return {
    stamp: stampOf(new Date(facts.now)),
    log: facts.log,
    host: facts.host,
    choice: chosen.choice,
    packages: [...chosen.packages],
    ...(mail !== undefined ? { mail: { to: mail.to, ...(smtp !== undefined ? { smtp } : {}) } } : {}),
    chroots: chrootsOf(answers),
    ...(facts.approval !== undefined ? { approved: { file: facts.approval.file, sha256: facts.approval.sha256, ...(facts.approval.generated !== undefined ? { generated: facts.approval.generated } : {}), ...(facts.approval.host !== undefined ? { host: facts.approval.host } : {}) } } : {}),
  };
}

const internal = (what: string, stamp: string): Arg[] => [...selfCommand(), 'internal', 'patch', what, '--root', p('/'), '--session', stamp];

export function patchPlan(answers: Answers, facts: PatchFacts): Action[] {
  const chosen = choose(answers, facts);
  const spec = specOf(answers, facts, chosen);
  const sys = new System(facts.apt.root);
  const upgrade = spec.packages.length > 0 ? upgradeCommand(facts.apt, spec.choice, spec.packages) : undefined;
  const upgradeLine = upgrade === undefined ? undefined : `${Object.entries(upgrade.env ?? {}).map(([k, v]) => `${k}=${typeof v === 'string' ? v : sys.real(v.path)} `).join('')}${commandLine(upgrade.argv, sys)}`;
  const actions: Action[] = [
    ...(upgrade !== undefined ? aptPrepareActions(facts.apt) : []),
    { kind: 'mkdir', title: `Create ${LOG_DIR}`, path: LOG_DIR, mode: 0o755 },
    { kind: 'mkdir', title: `Create ${PATCH_STATE_DIR} (the sessions' records and the checksum baseline; root only)`, path: PATCH_STATE_DIR, mode: 0o700 },
    { kind: 'write', title: 'Write the session\'s plan (read by the steps below)', path: specPath(spec.stamp), content: `${JSON.stringify(spec, null, 2)}\n`, mode: 0o600 },
    { kind: 'write', title: 'Write the head of the session\'s log (the pending list, the repositories, what will run)', path: headPath(spec.stamp), content: logHead(spec, facts, upgradeLine, chosen), mode: 0o600 },
    // A hard link is made only where no file is: a log that appeared since the preview is never replaced.
    { kind: 'run', title: `Open the session's log ${spec.log} (a new file; an existing log is never touched)`, argv: internal('open', spec.stamp) },
  ];
  if (upgrade !== undefined) {
    actions.push(
      { kind: 'mkdir', title: `Create ${DEB_KEEP_DIR} (the old .debs, for a downgrade)`, path: DEB_KEEP_DIR, mode: 0o700 },
      { kind: 'run', title: `Keep the old versions' .debs in ${DEB_KEEP_DIR} and the files' checksums before the upgrade`, argv: internal('prepare', spec.stamp) },
      {
        kind: 'run',
        title: `Upgrade ${spec.packages.length} package${spec.packages.length === 1 ? '' : 's'}, every line into the log (a failure is recorded, the log still closed and mailed; stopped, the log is closed at once)`,
        argv: [...internal('run', spec.stamp), '--', ...upgrade.argv],
        ...(upgrade.env !== undefined ? { env: upgrade.env } : {}),
      },
    );
  }
  actions.push({ kind: 'run', title: 'Re-check the versions with dpkg-query, write the old → new table, close the log read-only (chmod a-wx, chattr +i)', argv: internal('close', spec.stamp) });
  if (spec.mail !== undefined) {
    actions.push({ kind: 'run', title: `Mail the summary to ${spec.mail.to} ${spec.mail.smtp !== undefined ? `through ${spec.mail.smtp}` : 'through /usr/sbin/sendmail'}`, argv: internal('mail', spec.stamp) });
  }
  return actions;
}

/** What the last verify read: the summary says it (a step's summary sees only its answers). */
let verified: SessionResult | undefined;

export const patchStep: Step<PatchFacts> = {
  id: 'patch',
  title: 'Security patches: a logged upgrade session',
  description: 'The seed\'s patch procedure: what is pending (security marked), your choice, apt-get upgrade with every line in /var/log/OSPATCH-YYYYMMDD.log (then read-only), the old → new table re-checked with dpkg-query and mailed.',
  questions: patchQuestions,
  facts: patchFacts,
  plan: patchPlan,
  async verify(_answers, sys) {
    verified = await lastResult(sys);
    return resultChecks(verified);
  },
  notes(answers, facts) {
    const chosen = choose(answers, facts);
    return [
      ...(chosen.approved?.newer ?? []).map((n) => `Published since the approval and left for the next one: ${n}.`),
      ...(facts.changedSinceBaseline.length > 0 ? [`${facts.changedSinceBaseline.length} file(s) of earlier upgraded packages changed outside an upgrade since the baseline of ${facts.baselineTaken ?? '?'}: ${facts.changedSinceBaseline.slice(0, 5).join('; ')}${facts.changedSinceBaseline.length > 5 ? '; …' : ''} (all in the log).`] : []),
      ...(chosen.packages.length > 0 ? ['apt-get runs non-interactively; a configuration file you changed is kept as it is (--force-confold), the package\'s version left beside it as .dpkg-dist.'] : []),
    ];
  },
  recap(answers, facts) {
    const chosen = choose(answers, facts);
    return [`${chosen.packages.length} package(s) to upgrade: ${chosen.packages.map((x) => `${x.name} ${x.current}→${x.target}`).join(', ') || 'none'}; the log: ${facts.log}.`];
  },
  summary() {
    const r = verified;
    if (r === undefined) return [];
    return [
      ...r.rows.map((x) => `${x.name} ${x.old} → ${x.new}${x.security ? ' (security)' : ''}: ${x.note}`),
      `${r.status === 'nothing' ? 'Nothing to do' : r.status === 'ok' ? 'Upgraded' : statusWord(r.status)}: the session's log is ${r.log} (read-only, sha256 ${r.logSha256}).`,
      `Reboot: ${r.reboot}.${r.restarts.length > 0 ? ` Services to restart: ${r.restarts.join(', ')}.` : ''}`,
      ...r.downgrades.map((d) => `To go back: ${d}`),
      ...(r.mail !== undefined ? [r.mail.sent ? `Summary ${r.mail.detail}.` : `The summary mail was not sent: ${r.mail.detail}`] : []),
    ];
  },
};

