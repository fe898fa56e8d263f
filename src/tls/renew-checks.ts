// Automatic renewal: a systemd timer or cron file that runs `lockstep renew` (the files `cert
// renew-timer` writes and nextRunBound reads), and its last run (the journal's renew runs).
import { readJournal, summariseRuns } from '../core/journal.js';
import { fail, pass, seed, skip, warn, type AuditItem, type CheckGroup } from '../core/checks.js';
import { listForRenewal } from './renew-list.js';
import { CRON, nextRunBound, TIMER } from './renew-timer.js';

const SEED = seed('lockdown', 'As of Primero v1.1.6, domain-verified, free, and self-updating Let’s Encrypt SSL certificates can be used.');
const FIX = 'lockstep cert renew-timer';

export const renewChecks: CheckGroup = {
  prefix: 'renew',
  title: 'Automatic renewal',
  async run({ sys, caDir, caName, now }) {
    const [next, certs, timer, cron] = await Promise.all([nextRunBound(sys), listForRenewal(sys, caDir, caName, now), sys.readText(TIMER), sys.readText(CRON)]);
    const renewable = certs.filter((c) => c.record.method !== 'found');
    const items: AuditItem[] = [];
    const base = { id: 'renew.scheduled', title: 'A timer or cron job runs lockstep renew', fix: FIX, seed: SEED };
    const service = await sys.readText('/etc/systemd/system/lockstep-renew.service');
    const runsRenew = (text: string | undefined): boolean => text !== undefined && /\brenew --yes\b/.test(text);
    if (next !== undefined && (runsRenew(service) || runsRenew(cron))) {
      items.push(pass({ ...base, evidence: `${next.by}: ${timer !== undefined ? `${sys.real(TIMER)} with ${sys.real('/etc/systemd/system/lockstep-renew.service')} (${/^ExecStart=(.*)$/m.exec(service ?? '')?.[1] ?? '?'})` : `${sys.real(CRON)}: ${(cron ?? '').split('\n').find((l) => /renew/.test(l) && !l.startsWith('#')) ?? ''}`}` }));
    } else if (renewable.length === 0) {
      items.push(skip({ ...base, evidence: `no ${sys.real(TIMER)} or ${sys.real(CRON)}` }, 'no certificate here that lockstep renews'));
    } else {
      items.push(fail({ ...base, evidence: `${renewable.length} certificate(s) to renew (${renewable.map((c) => c.name).join(', ')}) and no ${sys.real(TIMER)} or ${sys.real(CRON)} running lockstep renew` }));
    }
    if (next !== undefined) {
      const runs = summariseRuns(await readJournal(sys)).filter((r) => r.command === 'renew' || r.step.startsWith('renew'));
      const last = runs.at(-1);
      const lastBase = { id: 'renew.last-run', title: 'lockstep renew has run', fix: 'systemctl start lockstep-renew.service (or wait for the timer)', seed: SEED };
      items.push(last === undefined
        ? warn({ ...lastBase, evidence: `the journal (${sys.real('/var/log/lockstep/journal.jsonl')}) records no renew run yet: the timer has not fired since it was installed` })
        : (last.status === 'done' ? pass : warn)({ ...lastBase, evidence: `last renew run ${last.run} started ${last.started}: ${last.status}` }));
    }
    return items;
  },
};
