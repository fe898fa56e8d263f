// What `ca sign` reads before planning: the CA's state, and per host whether it is new, signed
// already (by an interrupted run, or earlier), or holds a certificate that differs from what is
// asked now (key type, lifetime, names) and so could be re-issued.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { Answers } from '../core/questions.js';
import type { SecretReader } from '../core/step.js';
import type { System } from '../core/system.js';
import { checkCertificateFiles } from '../tls/check-certificate.js';
import type { KeyType } from '../pki/key-types.js';
import { caChecks } from './ca-checks.js';
import { readCaConfig, type CaConfigFacts } from './ca-config.js';
import { readDbState, type DbState } from './db-repair.js';
import { parseIndex, type IndexEntry } from './index-db.js';
import { layoutOf, type CaLayout } from './layout.js';
import { sanByHost } from './san.js';

export interface CaSignFacts {
  readonly problems: readonly string[];
  readonly rootPem?: string;
  readonly valid: readonly IndexEntry[];
  readonly existingFiles: readonly string[];
  /** Hosts whose signing was interrupted after openssl recorded it: the certificate is in newcerts/. */
  readonly interrupted: Readonly<Record<string, { readonly serial: string; readonly pem: string }>>;
  /** Hosts whose certificate from this CA is already in place (a rerun after an interruption, or signed before). */
  readonly alreadySigned: readonly string[];
  /** Of those, the ones without the root certificate beside it (killed between the two writes). */
  readonly rootCopyMissing: readonly string[];
  /**
   * Hosts that hold a valid certificate of this CA which differs from what is asked (the checks
   * that fail), or whose valid certificate in index.txt is not the one in their folder: what
   * `--reissue` signs again, revoking `serial` as superseded.
   */
  readonly replaceable: Readonly<Record<string, { readonly serial: string; readonly why: string }>>;
  /** Hosts whose certificate on disk this CA has revoked (signed again now: a CRL follows). */
  readonly revokedOnDisk: readonly string[];
  readonly db: DbState;
  readonly config: CaConfigFacts;
  /** Hosts that have their .p12 already (--p12 makes the missing ones). */
  readonly p12Present: readonly string[];
}

export const hostsOf = (a: Answers): readonly string[] => (a.host as readonly string[] | undefined) ?? [];

/** The extra subjectAltNames of each host (empty when --san does not parse: plan() says why). */
export function sansOf(a: Answers): Map<string, string> {
  const r = sanByHost((a.san as string | undefined) ?? '', hostsOf(a));
  return r instanceof Map ? r : new Map();
}

export const dnsNamesOf = (host: string, san: string | undefined): string[] => [
  host,
  ...(san ?? '').split(',').filter((e) => e.startsWith('DNS:')).map((e) => e.slice(4).toLowerCase()),
];

export function serialOf(pem: string): string | undefined {
  try {
    return new X509Certificate(pem).serialNumber.toUpperCase().replace(/^0+/, '');
  } catch {
    return undefined;
  }
}

function matches(certPem: string, keyPem: string): boolean {
  try {
    return new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}

/** The checks a host's certificate must pass for what is asked now; the same as verify's. */
export function requestedChecks(sys: System, ca: CaLayout, host: string, answers: Answers, exact: boolean) {
  return checkCertificateFiles(sys, {
    certPath: ca.hostFile(host, 'crt'),
    keyPath: ca.hostFile(host, 'key'),
    hosts: exact ? dnsNamesOf(host, sansOf(answers).get(host)) : [host],
    ...(exact ? { days: answers.days as number, keyType: answers.keyType as KeyType } : {}),
  });
}

export async function readCaSignFacts(answers: Answers, sys: System, secrets?: SecretReader): Promise<CaSignFacts> {
  const ca = layoutOf(answers);
  const problems: string[] = [];
  const rootPem = await sys.readText(ca.cert);
  const config = await readCaConfig(sys, ca);
  if (config.text === undefined) problems.push(`${ca.orgConfig} is missing: run "lockstep ca init" first`);
  if (secrets?.has('passphrase')) {
    for (const c of await caChecks(sys, ca, secrets.get('passphrase'))) if (!c.ok) problems.push(`${c.name}: ${c.evidence}`);
  } else if (rootPem === undefined) {
    problems.push(`${ca.cert} is missing: run "lockstep ca init" first`);
  }
  const db = await readDbState(sys, ca);
  const all = parseIndex(db.index ?? '');
  const valid = all.filter((e) => e.status === 'valid');
  const existingFiles: string[] = [];
  const interrupted: Record<string, { serial: string; pem: string }> = {};
  const alreadySigned: string[] = [];
  const rootCopyMissing: string[] = [];
  const replaceable: Record<string, { serial: string; why: string }> = {};
  const revokedOnDisk: string[] = [];
  const rootCopy = (host: string): string => `${ca.hostDir(host)}/${ca.name}.crt`;
  const p12Present: string[] = [];
  for (const host of hostsOf(answers)) {
    if ((await sys.stat(ca.hostFile(host, 'p12'))) !== undefined) p12Present.push(host);
    const entry = valid.find((e) => e.cn === host);
    const crt = await sys.readText(ca.hostFile(host, 'crt'));
    if (crt !== undefined) {
      const serial = serialOf(crt);
      const own = all.find((e) => e.serial.replace(/^0+/, '') === serial);
      if (entry !== undefined && own === entry) {
        alreadySigned.push(host);
        if ((await sys.readText(rootCopy(host))) !== rootPem) rootCopyMissing.push(host);
        const failing = (await requestedChecks(sys, ca, host, answers, true)).filter((c) => !c.ok);
        if (failing.length > 0) replaceable[host] = { serial: entry.serial, why: failing.map((c) => `${c.name.replace(/ as requested$/, '')} fails: ${c.evidence}`).join('; ') };
      } else if (own === undefined || own.status === 'valid') existingFiles.push(ca.hostFile(host, 'crt'));
      else if (own.status === 'revoked') revokedOnDisk.push(host);
      // revoked or expired: signed again, the old files backed up
      if (own === undefined || own.status === 'valid') continue;
    }
    const pem = entry ? await sys.readText(`${ca.dir}/newcerts/${entry.serial}.pem`) : undefined;
    const key = await sys.readText(ca.hostFile(host, 'key'));
    if (entry && pem && key && matches(pem, key)) interrupted[host] = { serial: entry.serial, pem };
    else if (entry !== undefined) replaceable[host] = { serial: entry.serial, why: `index.txt lists serial ${entry.serial} as its valid certificate, which is not the one in ${ca.hostDir(host)}` };
  }
  return {
    problems, valid, existingFiles, interrupted, alreadySigned, rootCopyMissing, replaceable, revokedOnDisk, db, config, p12Present,
    ...(rootPem !== undefined ? { rootPem } : {}),
  };
}
