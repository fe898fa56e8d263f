// The session's two follow-ups, each a step of its own (its plan shown, your yes): the chroot
// copies of the upgraded packages' files brought up to date (the seed's /home/cacert), and the
// reviewers' logged root activity — a sudoers drop-in recording root sessions, checked with
// `visudo -cf` before sudo ever reads it.
import path from 'node:path';
import { p, type Action } from '../core/actions.js';
import type { Check } from '../core/events.js';
import type { Answers } from '../core/questions.js';
import type { Step } from '../core/step.js';
import type { System } from '../core/system.js';
import { chrootDifferences } from './after-upgrade.js';
import { packageFiles } from './baseline.js';
import { chrootsOf } from './patch-step.js';
import { lastResult } from './session-log.js';

export interface ChrootFacts {
  /** [chroot, file of the package] whose copy differs. */
  readonly differs: readonly (readonly [string, string])[];
}

/** The chroot copies of the last session's packages' files that differ from the system's. */
export async function chrootFacts(chroots: readonly string[], sys: System): Promise<ChrootFacts> {
  const names = ((await lastResult(sys))?.rows ?? []).map((r) => r.name);
  const files = await packageFiles(sys, names);
  const differs: [string, string][] = [];
  for (const dir of chroots) for (const f of await chrootDifferences(sys, dir, names, files)) differs.push([dir, f]);
  return { differs };
}

export const chrootStep: Step<ChrootFacts> = {
  id: 'patch chroot',
  title: 'Bring the chroot copies up to date',
  description: 'Files of the upgraded packages that a chroot holds a copy of and that now differ: each copied in, the old copy kept beside it (FILE.~1~).',
  questions: [{ kind: 'text', id: 'chroot', message: 'Chroot folders to compare', repeatable: true, default: 'none' }],
  facts: (answers: Answers, sys: System) => chrootFacts(chrootsOf(answers), sys),
  plan: (_a, facts): Action[] =>
    facts.differs.map(([dir, f]) => ({
      kind: 'run',
      title: `Copy ${f} into ${dir} (the old copy kept as ${path.posix.join(dir, f)}.~N~)`,
      argv: ['cp', '--preserve=mode,ownership,timestamps', '--backup=numbered', p(f), p(path.posix.join(dir, f))],
    })),
  async verify(answers, sys): Promise<Check[]> {
    const left = (await chrootFacts(chrootsOf(answers), sys)).differs;
    return chrootsOf(answers).map((dir) => {
      const here = left.filter(([d]) => d === dir).map(([, f]) => f);
      return { name: `${dir} has the upgraded packages' files`, ok: here.length === 0, evidence: here.length === 0 ? 'every copy matches dpkg\'s md5sums' : `still differ: ${here.join(', ')}` };
    });
  },
  table: (_a, facts) => (facts.differs.length === 0 ? undefined : { title: 'Chroot copies that differ from the upgraded packages', columns: ['chroot', 'file'], rows: facts.differs.map(([d, f]) => [d, f]) }),
  summary: (answers) => [`The chroots (${chrootsOf(answers).join(', ')}) carry the upgraded files; the old copies are beside them as FILE.~N~.`],
};

export const SUDOERS_DROPIN = '/etc/sudoers.d/lockstep-log-output';
/** sudo skips files in sudoers.d whose name has a dot: the new file waits there until visudo accepts it. */
const SUDOERS_NEW = `${SUDOERS_DROPIN}.new`;

export const SUDOERS_TEXT = [
  '# Written by lockstep (patch): record what root sessions run through sudo, for the audit trail',
  '# (sudoreplay -l lists them; the recordings are under /var/log/sudo-io).',
  'Defaults log_output',
  'Defaults!/usr/bin/sudoreplay !log_output',
  '',
].join('\n');

export const sudoLogStep: Step<Record<string, never>> = {
  id: 'patch sudo-log',
  title: 'Record root sessions (sudo log_output)',
  description: 'A sudoers drop-in that records the output of every sudo session (sudoreplay shows them), checked by visudo -cf before sudo reads it.',
  questions: [],
  facts: async () => ({}),
  plan: (): Action[] => [
    { kind: 'mkdir', title: 'Create /etc/sudoers.d', path: '/etc/sudoers.d', mode: 0o750 },
    { kind: 'write', title: `Write the drop-in as ${SUDOERS_NEW} (sudo ignores a name with a dot)`, path: SUDOERS_NEW, content: SUDOERS_TEXT, mode: 0o440 },
    { kind: 'run', title: 'Check it with visudo -cf before it is put in place', argv: ['visudo', '-cf', p(SUDOERS_NEW)] },
    { kind: 'move', title: `Put it in place: ${SUDOERS_DROPIN}`, from: SUDOERS_NEW, to: SUDOERS_DROPIN },
  ],
  async verify(_a, sys) {
    const r = await sys.probe(['visudo', '-cf', sys.real(SUDOERS_DROPIN)]);
    const text = (await sys.readText(SUDOERS_DROPIN)) ?? '';
    return [
      { name: 'visudo accepts the drop-in', ok: r.exitCode === 0, evidence: `${r.stdout}${r.stderr}`.trim() || `exit ${r.exitCode}` },
      { name: 'the drop-in records root sessions', ok: /^Defaults log_output$/m.test(text), evidence: `${SUDOERS_DROPIN}: ${text.split('\n').filter((l) => l.startsWith('Defaults')).join('; ') || 'missing'}` },
    ];
  },
  summary: () => [`sudo records every session (${SUDOERS_DROPIN}); "sudoreplay -l" lists them. Ask admins to use sudo for each command rather than a root shell.`],
};
