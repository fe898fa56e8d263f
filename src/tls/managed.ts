// The certificates renewal works on, as one shape: lockstep's own (a renewal record per name in
// /etc/lockstep/renewal/, the certificate in live/<name>/cert.pem), the self-signed ones of
// lockstep cert self-signed (/etc/ssl/lockstep/<host>/cert.pem), the private CA's host
// certificates and those nginx serves from elsewhere.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Answers } from '../core/questions.js';
import type { System } from '../core/system.js';
import { describeCert, type CertDates } from '../pki/x509.js';
import type { AriReport } from './ari-status.js';
import { LOCKSTEP_DIR, livePath } from './live-layout.js';
import { readRenewalRecord, type DeployRecord, type StoredRenewalRecord } from './renewal-record.js';

export type { DeployRecord } from './renewal-record.js';

/** `found`: served by nginx, not made by lockstep (listed so its expiry is watched, never renewed). */
export type RenewalRecord = StoredRenewalRecord | { readonly method: 'found'; readonly command: string; readonly answers: Answers; readonly deploy?: DeployRecord };

export interface ManagedCert extends Partial<Omit<CertDates, 'names' | 'due'>> {
  readonly name: string;
  readonly record: RenewalRecord;
  readonly certPath: string;
  readonly names: readonly string[];
  readonly due: boolean;
  readonly problem?: string;
  /** The private CA that signed it: its host files, and the key that signs it again. */
  readonly ca?: { readonly dir: string; readonly name: string };
  /** A private-CA host certificate installed into live/<liveName>/ (cert install). */
  readonly liveName?: string;
  /** The nginx file that names it (method `found`). */
  readonly foundIn?: string;
  /** What the ACME server's renewal information (RFC 9773) said, for ACME certificates. */
  readonly ari?: AriReport;
  /** Why it is due: the lifetime window or ARI's window. */
  readonly dueReason?: string;
}

/** The certificate's dates and names, or why it cannot be read (a problem makes it due: somebody must look). */
export function datesOf(pem: string | undefined, file: string, now: number): Pick<ManagedCert, 'due' | 'names' | 'problem'> & Partial<CertDates> {
  if (pem === undefined) return { names: [], due: true, problem: `${file} is missing` };
  try {
    const { cert: _cert, ...d } = describeCert(pem, now);
    return d;
  } catch (error) {
    return { names: [], due: true, problem: `${file} cannot be read: ${(error as Error).message}` };
  }
}

async function listDir(sys: System, dir: string): Promise<string[]> {
  return (await fs.readdir(sys.real(dir)).catch(() => [] as string[])).sort();
}

export async function listManaged(sys: System, now = Date.now()): Promise<ManagedCert[]> {
  const out: ManagedCert[] = [];
  for (const file of (await listDir(sys, path.join(LOCKSTEP_DIR, 'renewal'))).filter((f) => f.endsWith('.json'))) {
    const name = file.slice(0, -'.json'.length);
    const certPath = livePath(name, 'cert');
    const read = await readRenewalRecord(sys, name);
    if (read === undefined) continue;
    if (!('record' in read)) {
      out.push({ name, record: { method: 'found', command: '', answers: {} }, certPath, names: [], due: true, problem: read.problem });
      continue;
    }
    const pem = await sys.readText(certPath);
    // A CSR waiting for the vendor: nothing to renew yet.
    if (pem === undefined && read.record.method === 'purchased') {
      out.push({ name, record: read.record, certPath, names: [], due: false });
      continue;
    }
    out.push({ name, record: read.record, certPath, ...datesOf(pem, certPath, now) });
  }
  return out;
}

export const SELF_SIGNED_DIR = '/etc/ssl/lockstep';

/** What lockstep cert self-signed made in its default folders: they expire too. */
export async function listSelfSigned(sys: System, now = Date.now()): Promise<ManagedCert[]> {
  const out: ManagedCert[] = [];
  for (const host of await listDir(sys, SELF_SIGNED_DIR)) {
    const certPath = path.posix.join(SELF_SIGNED_DIR, host, 'cert.pem');
    const pem = await sys.readText(certPath);
    if (pem === undefined) continue;
    const d = datesOf(pem, certPath, now);
    const names = d.names.length > 0 ? d.names : [host];
    out.push({ name: host, record: { method: 'self-signed', command: 'cert self-signed', answers: { host: [...names], outDir: path.posix.dirname(certPath) } }, certPath, ...d, names });
  }
  return out;
}
