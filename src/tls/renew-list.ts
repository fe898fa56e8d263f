// What renewal works on, read once per run: the certificates of /etc/lockstep/renewal/, the
// private CA's host certificates (a CA-signed one installed into live/ is one entry), the
// self-signed ones, those nginx serves from elsewhere — each with what its ACME server's renewal
// information says (RFC 9773) and when the renewal timer runs next.
import { DEFAULT_CA_NAME } from '../ca/layout.js';
import type { System } from '../core/system.js';
import { fingerprintOf } from '../pki/x509.js';
import { withAri } from './ari-status.js';
import type { DirectoryAnswer } from './ari.js';
import { findInNginx } from './found-in-nginx.js';
import { listManaged, listSelfSigned, type ManagedCert } from './managed.js';
import { listPrivateCa } from './managed-ca.js';
import { nextRunBound } from './renew-timer.js';

/**
 * A private-CA host certificate installed into live/ (recorded as "private-ca"; before, cert
 * install recorded it as "purchased") is one certificate, renewed through the CA: the two
 * listings become one entry that knows its live folder and how nginx serves it.
 */
async function mergeInstalled(managed: readonly ManagedCert[], ca: readonly ManagedCert[], sys: System): Promise<ManagedCert[]> {
  const prints = new Map<string, string | undefined>();
  for (const m of managed) prints.set(m.name, fingerprintOf(await sys.readText(m.certPath)));
  const merged: ManagedCert[] = [];
  for (const c of ca) {
    const own = fingerprintOf(await sys.readText(c.certPath));
    // Its copy in live/, or an older certificate of the same CA for the host there (a renewal
    // killed after the CA signed the new one and before cert install put it in live/).
    const live = own === undefined ? undefined : (managed.find((m) => prints.get(m.name) === own) ?? managed.find((m) => m.name === c.name && m.issuer === c.issuer && m.record.method !== 'letsencrypt'));
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

/** Lockstep's own certificates, the self-signed ones, then those nginx serves that lockstep does not manage. */
export async function listForRenewal(sys: System, caDir: string, caName: string, now = Date.now()): Promise<ManagedCert[]> {
  const managed = await listManaged(sys, now);
  // The CA asked for, and any other one a private-CA record names (onboard's CA in another folder).
  const cas = new Map<string, [string, string]>([[`${caDir}\u0000${caName}`, [caDir, caName]]]);
  for (const m of managed) {
    const a = m.record.answers;
    if (m.record.method !== 'private-ca' || typeof a.caDir !== 'string') continue;
    const name = typeof a.caName === 'string' ? a.caName : DEFAULT_CA_NAME;
    cas.set(`${a.caDir}\u0000${name}`, [a.caDir, name]);
  }
  const signed = (await Promise.all([...cas.values()].map(([dir, name]) => listPrivateCa(sys, dir, name, now)))).flat();
  const own = await mergeInstalled(managed, signed, sys);
  const selfSigned = await listSelfSigned(sys, now);
  const listed = [...own, ...selfSigned];
  return [...listed, ...(await findInNginx(sys, listed, now))];
}

export interface RenewalFacts {
  readonly certs: readonly ManagedCert[];
  /** The renewal timer's next run at the latest, when one is installed. */
  readonly nextRun?: { readonly ms: number; readonly by: string };
}

/** Everything renewal reads of the machine before it plans: once per run. */
export async function renewalFacts(sys: System, caDir: string, caName: string): Promise<RenewalFacts> {
  const nextRun = await nextRunBound(sys);
  // Several certificates of one CA ask its directory once; an unreachable CA costs one timeout.
  const directories = new Map<string, Promise<DirectoryAnswer>>();
  const certs = await Promise.all((await listForRenewal(sys, caDir, caName)).map((c) => withAri(c, sys, { directories, ...(nextRun !== undefined ? { nextRun } : {}) })));
  return { certs, ...(nextRun !== undefined ? { nextRun } : {}) };
}
