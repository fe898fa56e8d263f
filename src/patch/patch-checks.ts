// The patch procedure's checklist (002_*): what security updates are pending now (the same list
// as `lockstep patch pending`: src/apt's pendingUpgrades) and whether the session logs kept in
// /var/log are read-only, as the seed's `chmod a-wx ${LOG}` leaves them.
import fs from 'node:fs/promises';
import { pendingUpgrades } from '../apt/security.js';
import { octal } from '../core/actions.js';
import { fail, pass, seed, skip, verdict, type AuditItem, type CheckGroup } from '../core/checks.js';
import type { System } from '../core/system.js';
import { readPlatform } from '../platform/distribution.js';

const PENDING_SEED = seed('patch', 'Relevant security patches should be applied at the earliest convenient moment.');
const LOG_SEED = seed('patch', 'A log should be kept of the output of the patch process');

/** Package lists apt has downloaded under the root; none means nothing pending can be known. */
async function haveLists(sys: System): Promise<boolean> {
  const names = await fs.readdir(sys.real('/var/lib/apt/lists')).catch(() => [] as string[]);
  return names.some((n) => /_Packages(\.(lz4|gz|xz))?$/.test(n));
}

async function pendingItem(sys: System): Promise<AuditItem> {
  const base = { id: 'patch.pending', title: 'No security update is pending', fix: 'lockstep patch (a logged upgrade session), or let unattended-upgrades run', seed: PENDING_SEED };
  if (!(await haveLists(sys))) return skip({ ...base, evidence: `${sys.real('/var/lib/apt/lists')} holds no Packages lists` }, 'no apt lists under the root (apt-get update has not run)');
  try {
    const { upgrades } = await pendingUpgrades(sys, await readPlatform(sys));
    const security = upgrades.filter((u) => u.security);
    const list = security.map((u) => `${u.name} ${u.current} → ${u.securityCandidate ?? u.candidate} (${u.from})`);
    return verdict(security.length === 0, { ...base, evidence: `apt-get -s -V upgrade: ${upgrades.length} upgrade(s), ${security.length} from a security archive${list.length > 0 ? `: ${list.slice(0, 20).join('; ')}${list.length > 20 ? `; and ${list.length - 20} more` : ''}` : ''}` });
  } catch (error) {
    return skip({ ...base, evidence: (error as Error).message }, 'apt could not simulate the upgrade here');
  }
}

async function logsItem(sys: System): Promise<AuditItem> {
  const base = { id: 'patch.logs', title: 'Patch session logs in /var/log are read-only', fix: 'chmod a-wx /var/log/OSPATCH-*.log (lockstep patch leaves them so)', seed: LOG_SEED };
  const names = (await fs.readdir(sys.real('/var/log')).catch(() => [] as string[])).filter((n) => /^OSPATCH-.*\.log$/.test(n)).sort();
  if (names.length === 0) return skip({ ...base, evidence: `no OSPATCH-*.log in ${sys.real('/var/log')}` }, 'no patch session has been logged here yet');
  const modes = await Promise.all(names.map(async (n) => ({ n, st: await sys.stat(`/var/log/${n}`) })));
  const writable = modes.filter(({ st }) => st !== undefined && (st.mode & 0o333) !== 0);
  const said = modes.map(({ n, st }) => `${n} ${st !== undefined ? octal(st.mode) : '?'}`).join(', ');
  return (writable.length === 0 ? pass : fail)({ ...base, evidence: writable.length === 0 ? `${names.length} log(s), none writable or executable: ${said}` : `writable or executable: ${writable.map(({ n, st }) => `${n} ${octal(st!.mode)}`).join(', ')}` });
}

export const patchChecks: CheckGroup = {
  prefix: 'patch',
  title: 'Security patches',
  run: async ({ sys }) => Promise.all([pendingItem(sys), logsItem(sys)]),
};
