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
  /**
   * Per host, its valid certificates in index.txt older than the one in its folder (or the one an
   * interrupted run signed): left by a renewal or re-issue killed after the new one was signed and
   * before the old one was revoked; revoked as superseded once the new one is in place.
   */
  readonly superseded: Readonly<Record<string, readonly string[]>>;
  /** Per already signed host, the serial of the certificate in its folder (what --sign-again supersedes). */
  readonly current: Readonly<Record<string, string>>;
  /** index.txt.attr allows a second valid certificate with the same subject (a new one before the old is revoked). */
  readonly subjectsMayRepeat: boolean;
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
  const superseded: Record<string, string[]> = {};
  const current: Record<string, string> = {};
  for (const host of hostsOf(answers)) {
    if ((await sys.stat(ca.hostFile(host, 'p12'))) !== undefined) p12Present.push(host);
    const validFor = valid.filter((e) => e.cn === host);
    // The newest valid one: a renewal signs the new certificate before it revokes the old.
    const entry = validFor.at(-1);
    const crt = await sys.readText(ca.hostFile(host, 'crt'));
    const key = await sys.readText(ca.hostFile(host, 'key'));
    const serial = crt !== undefined ? serialOf(crt) : undefined;
    const own = crt !== undefined ? all.find((e) => e.serial.replace(/^0+/, '') === serial) : undefined;
    // Only those before it: a newer one this CA signed elsewhere for the host is not lockstep's to revoke.
    const others = (keep: IndexEntry): void => {
      const rest = validFor.filter((e) => e !== keep && BigInt(`0x${e.serial}`) < BigInt(`0x${keep.serial}`)).map((e) => e.serial);
      if (rest.length > 0) superseded[host] = rest;
    };
    // Killed after openssl recorded the newest one and before its file was written (the key is the new one).
    const pem = entry !== undefined && entry !== own ? await sys.readText(`${ca.dir}/newcerts/${entry.serial}.pem`) : undefined;
    if (entry !== undefined && pem !== undefined && key !== undefined && matches(pem, key)) {
      interrupted[host] = { serial: entry.serial, pem };
      others(entry);
      continue;
    }
    if (crt !== undefined) {
      if (own !== undefined && own.status === 'valid' && validFor.includes(own)) {
        alreadySigned.push(host);
        current[host] = own.serial;
        others(own);
        if ((await sys.readText(rootCopy(host))) !== rootPem) rootCopyMissing.push(host);
        const failing = (await requestedChecks(sys, ca, host, answers, true)).filter((c) => !c.ok);
        if (failing.length > 0) replaceable[host] = { serial: own.serial, why: failing.map((c) => `${c.name.replace(/ as requested$/, '')} fails: ${c.evidence}`).join('; ') };
        continue;
      }
      if (own === undefined || own.status === 'valid') {
        existingFiles.push(ca.hostFile(host, 'crt'));
        continue;
      }
      // revoked or expired: signed again, the old files backed up
      if (own.status === 'revoked') revokedOnDisk.push(host);
    }
    if (entry !== undefined) replaceable[host] = { serial: entry.serial, why: `index.txt lists serial ${entry.serial} as its valid certificate, which is not the one in ${ca.hostDir(host)}` };
  }
  const attr = await sys.readText(`${ca.index}.attr`);
  const subjectsMayRepeat = attr !== undefined && /^\s*unique_subject\s*=\s*no\s*$/m.test(attr);
  return {
    problems, valid, existingFiles, interrupted, alreadySigned, rootCopyMissing, replaceable, superseded, current, subjectsMayRepeat, revokedOnDisk, db, config, p12Present,
    ...(rootPem !== undefined ? { rootPem } : {}),
  };
}
