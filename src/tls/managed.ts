// The certificates lockstep manages: one renewal record per name in /etc/lockstep/renewal/,
// the certificate itself in live/<name>/cert.pem.
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Answers } from '../core/questions.js';
import type { System } from '../core/system.js';
import type { AriReport } from './ari-status.js';
import { sanDnsNames } from './check-certificate.js';
import { LOCKSTEP_DIR, livePath } from './live-layout.js';
import { daysBetween, isDue, renewAt } from './renewal-window.js';

export interface DeployRecord {
  readonly nginxConf: string;
  readonly host: string;
  readonly httpsPort: number;
  readonly serverName: string;
}

export interface RenewalRecord {
  /** `found`: served by nginx, not made by lockstep (listed so its expiry is watched, never renewed). */
  readonly method: 'letsencrypt' | 'purchased' | 'private-ca' | 'self-signed' | 'found';
  readonly command: string;
  readonly answers: Answers;
  readonly deploy?: DeployRecord;
}

export interface ManagedCert {
  readonly name: string;
  readonly record: RenewalRecord;
  readonly certPath: string;
  readonly names: readonly string[];
  readonly issuer?: string;
  readonly notBefore?: string;
  readonly notAfter?: string;
  readonly daysLeft?: number;
  readonly lifetimeDays?: number;
  readonly renewFrom?: string;
  readonly due: boolean;
  readonly problem?: string;
  /** A private-CA host certificate installed into live/<liveName>/ (cert install). */
  readonly liveName?: string;
  /** The nginx file that names it (method `found`). */
  readonly foundIn?: string;
  /** What the ACME server's renewal information (RFC 9773) said, for ACME certificates. */
  readonly ari?: AriReport;
  /** Why it is due: the lifetime window or ARI's window. */
  readonly dueReason?: string;
}

export function describeCert(pem: string, now = Date.now()) {
  const cert = new X509Certificate(pem);
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  return {
    cert,
    names: sanDnsNames(cert),
    issuer: cert.issuer.replace(/\n/g, ', '),
    notBefore: new Date(from).toISOString(),
    notAfter: new Date(to).toISOString(),
    daysLeft: daysBetween(now, to),
    lifetimeDays: daysBetween(from, to),
    renewFrom: new Date(renewAt(from, to)).toISOString(),
    due: isDue(from, to, now),
  };
}

export async function listManaged(sys: System, now = Date.now()): Promise<ManagedCert[]> {
  const dir = path.join(LOCKSTEP_DIR, 'renewal');
  let files: string[];
  try {
    files = (await fs.readdir(sys.real(dir))).filter((f) => f.endsWith('.json')).sort();
  } catch {
    return [];
  }
  const out: ManagedCert[] = [];
  for (const file of files) {
    const name = file.slice(0, -'.json'.length);
    const certPath = livePath(name, 'cert');
    let record: RenewalRecord;
    try {
      record = JSON.parse((await sys.readText(path.join(dir, file))) ?? '') as RenewalRecord;
    } catch (error) {
      out.push({ name, record: { method: 'self-signed', command: '', answers: {} }, certPath, names: [], due: false, problem: `${path.join(dir, file)} is not valid JSON: ${(error as Error).message}` });
      continue;
    }
    const pem = await sys.readText(certPath);
    if (pem === undefined) {
      // A CSR waiting for the vendor, or an issuance that never finished: nothing to renew yet.
      out.push({ name, record, certPath, names: [], due: record.method !== 'purchased', ...(record.method !== 'purchased' ? { problem: `${certPath} is missing` } : {}) });
      continue;
    }
    try {
      const d = describeCert(pem, now);
      out.push({ name, record, certPath, names: d.names, issuer: d.issuer, notBefore: d.notBefore, notAfter: d.notAfter, daysLeft: d.daysLeft, lifetimeDays: d.lifetimeDays, renewFrom: d.renewFrom, due: d.due });
    } catch (error) {
      out.push({ name, record, certPath, names: [], due: true, problem: `${certPath} cannot be read: ${(error as Error).message}` });
    }
  }
  return out;
}
