// Reads a CRL with the openssl CLI (node:crypto has no CRL parser): next update, revoked serials.
import type { Check } from '../core/events.js';
import type { System } from '../core/system.js';
import type { CaLayout } from './layout.js';

export interface CrlInfo {
  readonly nextUpdate?: Date;
  readonly revokedSerials: readonly string[];
}

export async function readCrl(sys: System, ca: CaLayout): Promise<CrlInfo | undefined> {
  if ((await sys.stat(ca.crl)) === undefined) return undefined;
  const r = await sys.probe(['openssl', 'crl', '-in', sys.real(ca.crl), '-noout', '-text', '-CAfile', sys.real(ca.cert)]);
  if (r.exitCode !== 0) return undefined;
  const next = /Next Update: (.+)/.exec(r.stdout)?.[1];
  const revokedSerials = [...r.stdout.matchAll(/Serial Number: ([0-9A-Fa-f]+)/g)].map((m) => (m[1] ?? '').toUpperCase());
  return { revokedSerials, ...(next ? { nextUpdate: new Date(next) } : {}) };
}

export async function crlChecks(sys: System, ca: CaLayout, mustList?: string): Promise<Check[]> {
  const crl = await readCrl(sys, ca);
  if (crl === undefined) return [{ name: 'CRL readable and signed by the root', ok: false, evidence: `${ca.crl} missing or not verifiable` }];
  const checks: Check[] = [
    { name: 'CRL signed by the root, next update in the future', ok: (crl.nextUpdate?.getTime() ?? 0) > Date.now(), evidence: `next update ${crl.nextUpdate?.toISOString() ?? 'unknown'}` },
  ];
  if (mustList !== undefined) {
    const want = mustList.toUpperCase().replace(/^0+/, '');
    checks.push({ name: `CRL lists serial ${mustList}`, ok: crl.revokedSerials.some((s) => s.replace(/^0+/, '') === want), evidence: crl.revokedSerials.join(', ') || 'no serials' });
  }
  return checks;
}
