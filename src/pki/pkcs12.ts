// PKCS#12 (.pfx, .p12) through the openssl CLI: a vendor's or a Windows server's bundle read for
// checking (its key, certificate and chain), the key taken out of it by a plan action, and a
// host's key + certificate + chain put into one. The password goes to openssl on standard input
// or a file descriptor, never argv.
//
// Not node-forge (a dependency nothing used, removed): forge cannot read or write an ECDSA key
// in a PKCS#12 (it returns the key bag undecoded), lockstep signs ec-p256 hosts and vendors sell
// ECDSA certificates; and writing the key in-process would put the key into a plan action's
// content, which is journaled and previewed. openssl reads every algorithm, the modern AES/PBKDF2
// files and, with -legacy, the RC2/3DES ones older Windows exports still make.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { octal, type Action, type Arg } from '../core/actions.js';
import type { Check } from '../core/events.js';
import { spawnChild } from '../core/spawn.js';
import type { System } from '../core/system.js';

export interface PfxContents {
  readonly keyPem: string;
  /** In the order the file holds them (a set: the order means nothing). */
  readonly certs: readonly X509Certificate[];
  /** Needs openssl's legacy provider (RC2-40 or similar, from older Windows exports). */
  readonly legacy: boolean;
}

const LEGACY = ['-legacy'];

/** Reads `file` (a path as given, on this machine) with `password`; throws a readable message. */
export async function readPfx(file: string, password: string, label: string): Promise<PfxContents> {
  let legacy = false;
  for (;;) {
    const r = await spawnChild({
      argv: ['openssl', 'pkcs12', '-in', file, '-noenc', '-passin', 'stdin', ...(legacy ? LEGACY : [])],
      input: `${password}\n`,
      capture: true,
      timeoutMs: 60_000,
    });
    if (r.exitCode === 0) {
      const key = /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC )?PRIVATE KEY-----\n?/.exec(r.stdout)?.[0];
      const certs = [...r.stdout.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map((m) => new X509Certificate(m[0]));
      if (key === undefined) throw new Error(`${label} holds no private key (a .pfx for installing needs the key the certificate was made for)`);
      if (certs.length === 0) throw new Error(`${label} holds no certificate`);
      return { keyPem: key.endsWith('\n') ? key : `${key}\n`, certs, legacy };
    }
    if (r.missing) throw new Error('openssl is not installed');
    const why = r.stderr.trim();
    if (!legacy && /unsupported|RC2|legacy/i.test(why)) {
      legacy = true;
      continue;
    }
    if (/mac verify|maybe wrong password|invalid password/i.test(why)) throw new Error(`${label}: the password does not open it (wrong --pfx-password-file?)`);
    if (/No such file|cannot open|Could not open/i.test(why)) throw new Error(`${label} cannot be read: it does not exist or is not readable`);
    throw new Error(`${label} is not a PKCS#12 file openssl can read (${why.split('\n').find((l) => l.trim() !== '') ?? `exit ${r.exitCode ?? '?'}`})`);
  }
}

/** The plan's action that takes the key out of the .pfx into `to`, 0600 from its creation. */
export function pfxKeyAction(file: string, to: string, legacy: boolean, secret: string): Action {
  return {
    kind: 'run',
    title: `Take the private key out of ${file} into the archive (mode 0600)`,
    // openssl pkey reads a PKCS#12 through its store and writes the bare PKCS#8 key.
    argv: ['openssl', 'pkey', ...(legacy ? ['-provider', 'legacy', '-provider', 'default'] : []), '-in', file, '-passin', 'fd:3'],
    secretFds: [{ fd: 3, secret }],
    stdoutTo: { path: to, mode: 0o600 },
  };
}

/** The plan's action that makes `out` (0600): `key`, `cert` and `chain` in one PKCS#12, named `name`. */
export function pfxExportAction(title: string, paths: { key: Arg; cert: Arg; chain: Arg }, name: string, out: string, secret: string): Action {
  return {
    kind: 'run',
    title,
    argv: ['openssl', 'pkcs12', '-export', '-inkey', paths.key, '-in', paths.cert, '-certfile', paths.chain, '-name', name, '-passout', 'fd:3'],
    secretFds: [{ fd: 3, secret }],
    stdoutTo: { path: out, mode: 0o600 },
  };
}

/** A .p12 lockstep made: 0600, opened by the password, holding the key of `certPem`, it and the chain. */
export async function p12Checks(sys: System, file: string, password: string, certPem: string | undefined, certs: number): Promise<Check[]> {
  const st = await sys.stat(file);
  const checks: Check[] = [{ name: 'PKCS#12 readable by its owner only', ok: st !== undefined && (st.mode & 0o077) === 0, evidence: st ? `${file} has mode ${octal(st.mode)}` : `${file} is missing` }];
  if (st === undefined) return checks;
  const r = await sys.probe(['openssl', 'pkcs12', '-in', sys.real(file), '-noenc', '-passin', 'stdin'], { input: `${password}\n` });
  const inside = [...r.stdout.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map((m) => m[0]);
  const key = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/.exec(r.stdout)?.[0];
  let matches = false;
  try {
    matches = key !== undefined && certPem !== undefined && new X509Certificate(certPem).checkPrivateKey(createPrivateKey(key));
  } catch {
    matches = false;
  }
  checks.push({
    name: `openssl pkcs12 opens it with the password: the key, its certificate and the chain (${certs} certificates)`,
    ok: r.exitCode === 0 && matches && inside.length === certs,
    evidence: r.exitCode === 0 ? `${inside.length} certificate(s), ${key === undefined ? 'no key' : matches ? 'the key of the certificate' : 'a key for another certificate'}` : r.stderr.trim().split('\n')[0] ?? `exit ${r.exitCode}`,
  });
  return checks;
}
