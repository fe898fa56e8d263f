// What renewal works on: the certificates of /etc/lockstep/renewal/ and the private CA's host
// certificates, one entry per certificate (a CA-signed one installed into live/ is one), each
// with its line of status. Shared by `lockstep renew` and the renewal walk in the TUI.
import { X509Certificate } from 'node:crypto';
import type { System } from '../core/system.js';
import { listManaged, type ManagedCert } from './managed.js';
import { listPrivateCa } from './managed-ca.js';
import { findInNginx } from './found-in-nginx.js';

export function statusLine(c: ManagedCert): string {
  const when = c.daysLeft === undefined ? (c.problem ?? 'no certificate yet') : `${c.daysLeft} of ${c.lifetimeDays} days left, renew from ${c.renewFrom?.slice(0, 10)}`;
  const how =
    c.record.method !== 'found' ? c.record.method : c.certPath.startsWith('/etc/ssl/lockstep/') ? `self-signed, served by ${c.foundIn ?? 'nginx'}` : `found in ${c.foundIn ?? 'nginx'}, not managed by lockstep`;
  return `${c.name} (${how}): ${when}${c.due ? ` — due${c.dueReason !== undefined ? ` (${c.dueReason})` : ''}` : ''}`;
}

/**
 * A private-CA host certificate installed into live/ (cert install records it as "purchased")
 * is one certificate, renewed through the CA: the two listings become one entry that knows its
 * live folder and how nginx serves it.
 */
async function mergeInstalled(managed: readonly ManagedCert[], ca: readonly ManagedCert[], sys: System): Promise<ManagedCert[]> {
  const print = async (file: string): Promise<string | undefined> => {
    const pem = await sys.readText(file);
    try {
      return pem === undefined ? undefined : new X509Certificate(pem).fingerprint256;
    } catch {
      return undefined;
    }
  };
  const prints = new Map<string, string | undefined>();
  for (const m of managed) prints.set(m.name, await print(m.certPath));
  const merged: ManagedCert[] = [];
  for (const c of ca) {
    const own = await print(c.certPath);
    const live = own === undefined ? undefined : managed.find((m) => prints.get(m.name) === own);
    if (live === undefined) {
      merged.push(c);
      continue;
    }
    const record = { ...c.record, answers: live.record.answers, ...(live.record.deploy !== undefined ? { deploy: live.record.deploy } : {}) };
    merged.push({ ...c, record, certPath: live.certPath, liveName: live.name });
  }
  const taken = new Set(merged.map((c) => c.liveName).filter((n) => n !== undefined));
  return [...managed.filter((m) => !taken.has(m.name)), ...merged];
}

/** Lockstep's own certificates, then those nginx serves that lockstep does not manage. */
export async function listForRenewal(sys: System, caDir: string, caName: string): Promise<ManagedCert[]> {
  const own = await mergeInstalled(await listManaged(sys), await listPrivateCa(sys, caDir, caName), sys);
  return [...own, ...(await findInNginx(sys, own))];
}
