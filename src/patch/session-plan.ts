// What a patch session installs (the choice: all, security only, picked, or an approval file's
// exact versions) and the apt-get command that does it: non-interactive, every conffile question
// answered by keeping the file in place (--force-confdef, --force-confold).
import { aptCommand, type AptTarget } from '../apt/apt-root.js';
import type { RunAction } from '../core/actions.js';
import { UserError } from '../core/errors.js';
import type { Approval, PendingPackage } from './approval.js';
import type { SessionPackage } from './session-spec.js';

/** apt-cache policy's view of an approved package: installed version and every version it can install. */
export interface Availability {
  readonly installed?: string;
  readonly candidate?: string;
  readonly versions: readonly string[];
}

export const CONFFILE_OPTIONS = ['-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold'] as const;
export const NONINTERACTIVE_ENV = { DEBIAN_FRONTEND: 'noninteractive', APT_LISTCHANGES_FRONTEND: 'none', NEEDRESTART_MODE: 'l' } as const;

const asSession = (p: PendingPackage, target: string): SessionPackage => {
  const fix = !p.security && target === p.securityCandidate;
  return { name: p.name, current: p.current, target, candidate: p.candidate, security: p.security || fix, origin: fix ? `the security archive (${p.candidate} from ${p.origin} left)` : p.origin };
};

export function chosenPackages(choice: string, pending: readonly PendingPackage[], picked: readonly string[]): SessionPackage[] {
  if (choice === 'all') return pending.map((p) => asSession(p, p.candidate));
  if (choice === 'security') {
    return pending.flatMap((p) => (p.security ? [asSession(p, p.candidate)] : p.securityCandidate !== undefined ? [asSession(p, p.securityCandidate)] : []));
  }
  if (picked.length === 0) throw new UserError('"the packages I name" needs their names: --packages a,b (the key "packages" in the answers file).', `Pending: ${pending.map((p) => p.name).join(', ') || '(none)'}.`);
  const unknown = picked.filter((n) => !pending.some((p) => p.name === n));
  if (unknown.length > 0) {
    throw new UserError(`--packages: ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not among the pending upgrades.`, `Pending: ${pending.map((p) => p.name).join(', ') || '(none)'}.`);
  }
  return pending.filter((p) => picked.includes(p.name)).map((p) => asSession(p, p.candidate));
}

export interface ApprovedPlan {
  readonly packages: SessionPackage[];
  /** Already at the approved version: nothing to do for them. */
  readonly current: string[];
  /** A newer version than the approved one appeared since: left for the next approval. */
  readonly newer: string[];
}

/** The approval file's versions, each checked against what apt can install now; a version gone is refused (exit 2). */
export function approvedPackages(approval: Approval, available: ReadonlyMap<string, Availability>, pending: readonly PendingPackage[]): ApprovedPlan {
  const packages: SessionPackage[] = [];
  const current: string[] = [];
  const newer: string[] = [];
  const gone: string[] = [];
  for (const a of approval.packages) {
    const have = available.get(a.name);
    if (have?.installed === undefined) {
      gone.push(`${a.name} is not installed here`);
      continue;
    }
    if (have.installed === a.candidate) {
      current.push(`${a.name} ${a.candidate}`);
      continue;
    }
    if (!have.versions.includes(a.candidate)) {
      gone.push(`${a.name} ${a.candidate} is no longer available (apt offers ${have.versions.join(', ') || 'nothing'})`);
      continue;
    }
    if (have.candidate !== undefined && have.candidate !== a.candidate) newer.push(`${a.name} ${have.candidate} (approved: ${a.candidate})`);
    const p = pending.find((x) => x.name === a.name);
    packages.push({ name: a.name, current: have.installed, target: a.candidate, candidate: have.candidate ?? a.candidate, security: a.security, origin: p?.origin ?? a.origin });
  }
  if (gone.length > 0) {
    throw new UserError(
      `The approval file ${approval.file} cannot be applied as approved: ${gone.join('; ')}. Nothing was changed.`,
      'Approve again from what is pending now: lockstep patch pending --json > approved.json (on the staging server).',
    );
  }
  return { packages, current, newer };
}

/** `apt-get upgrade` for all (the seed's command), else `apt-get install --only-upgrade name=version…`. */
export function upgradeCommand(t: AptTarget, choice: string, packages: readonly SessionPackage[]): RunAction {
  const args = choice === 'all' ? ['-y', ...CONFFILE_OPTIONS, 'upgrade'] : ['-y', ...CONFFILE_OPTIONS, 'install', '--only-upgrade', ...packages.map((p) => `${p.name}=${p.target}`)];
  const base = aptCommand(t, 'apt-get', args, 'Upgrade');
  return { ...base, env: { ...base.env, ...NONINTERACTIVE_ENV } };
}
