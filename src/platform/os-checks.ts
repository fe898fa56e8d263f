// The operating system's own state: a release that still gets security updates (lifecycle.ts's
// dates, the verdict every step's notes use) and a reboot an upgrade left pending.
import { seed, verdict, withStatus, type AuditItem, type CheckGroup } from '../core/checks.js';
import { readPlatform } from './distribution.js';
import { supportStatus } from './lifecycle.js';

const RELEASE_SEED = seed('lockdown', 'It is assumed that Primero will be running on Linux Ubuntu 16.04. This is an LTS release which will be maintained for system-level security until the end of the year 2020.');
const REBOOT_SEED = seed('lockdown', 'Maintaining the latest security packages.');

export const osChecks: CheckGroup = {
  prefix: 'os',
  title: 'Operating system',
  async run({ sys, now }) {
    const platform = await readPlatform(sys);
    const verdictOf = supportStatus(platform, new Date(now));
    const base = { id: 'os.release', title: 'The release still gets security updates', evidence: platform.known ? `${sys.real('/etc/os-release')}: ${platform.prettyName}. ${verdictOf.sentence}` : `${sys.real('/etc/os-release')} is missing: ${verdictOf.sentence}`, fix: 'Upgrade to a supported release (Debian 12/13, Ubuntu 22.04/24.04 LTS)', seed: RELEASE_SEED };
    const release: AuditItem = withStatus(base, verdictOf.status === 'supported' ? 'pass' : verdictOf.status === 'end-of-life' ? 'fail' : 'warn');
    const [flag, pkgs] = await Promise.all([sys.readText('/run/reboot-required').then((t) => t ?? sys.readText('/var/run/reboot-required')), sys.readText('/run/reboot-required.pkgs').then((t) => t ?? sys.readText('/var/run/reboot-required.pkgs'))]);
    const names = (pkgs ?? '').split('\n').filter((l) => l.trim() !== '');
    const reboot = verdict(flag === undefined, {
      id: 'os.reboot',
      title: 'No reboot is pending after an upgrade',
      evidence: flag === undefined ? `no ${sys.real('/run/reboot-required')}` : `${sys.real('/run/reboot-required')} exists${names.length > 0 ? `, for ${[...new Set(names)].join(', ')}` : ''}: the fixed code runs only after a reboot`,
      fix: 'Reboot at a quiet moment (or lockstep updates --reboot-time 04:30)',
      seed: REBOOT_SEED,
    }, 'warn');
    return [release, reboot];
  },
};
