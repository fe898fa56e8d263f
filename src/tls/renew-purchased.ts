// Renewal of a purchased certificate: only a person can order from the vendor, so renewal makes
// what the order needs — a fresh key and CSR through `cert purchased`'s own step, with the names,
// organisation fields and key type of the certificate in use. The live files stay in use until
// `cert install` puts the vendor's answer there. A CSR still waiting for its certificate is
// shown again rather than replaced (the timer runs twice a day).
import { X509Certificate } from 'node:crypto';
import type { System } from '../core/system.js';
import { keyTypeOf, subjectFields } from '../pki/x509.js';
import { archivePath, lastArchiveVersion } from './live-layout.js';
import type { ManagedCert } from './managed.js';

/** The subject's C, ST, L and O of the certificate in use, as cert purchased's answers. */
function subjectAnswers(cert: X509Certificate): Record<string, string> {
  const fields = subjectFields(cert);
  const ids: Record<string, string> = { C: 'country', ST: 'state', L: 'locality', O: 'org' };
  return Object.fromEntries(Object.entries(ids).flatMap(([k, id]) => (fields[k] !== undefined ? [[id, fields[k]]] : [])));
}

/** A CSR made earlier whose certificate has not come back yet (the newest archive version has no cert). */
export async function waitingCsr(sys: System, name: string): Promise<{ readonly path: string; readonly pem: string } | undefined> {
  const version = await lastArchiveVersion(sys, name);
  if (version === 0 || (await sys.stat(archivePath(name, 'cert', version))) !== undefined) return undefined;
  const pem = await sys.readText(archivePath(name, 'csr', version));
  return pem === undefined ? undefined : { path: archivePath(name, 'csr', version), pem };
}

/** cert purchased's answers for ordering `c` again: the record's, filled in from the certificate in use. */
export async function reorderAnswers(c: ManagedCert, sys: System): Promise<Record<string, unknown>> {
  const livePem = await sys.readText(c.certPath);
  let cert: X509Certificate | undefined;
  try {
    cert = livePem === undefined ? undefined : new X509Certificate(livePem);
  } catch {
    cert = undefined;
  }
  const recorded = c.record.answers as Record<string, unknown>;
  return {
    ...(cert !== undefined ? { ...subjectAnswers(cert), keyType: keyTypeOf(cert) } : {}),
    ...recorded,
    domain: (recorded.domain as readonly string[] | undefined) ?? (c.names.length > 0 ? c.names : [c.name]),
  };
}
