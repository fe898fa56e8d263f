// Where the CA keeps things: the seed's names (/etc/pki/CA, private/<name>.pem,
// certs/<name>.cert, config.cnf), plus a folder per host for what `ca sign` makes.
import path from 'node:path';
import type { Answers } from '../core/questions.js';

export const DEFAULT_CA_DIR = '/etc/pki/CA';
export const DEFAULT_CA_NAME = 'couch_ca';
export const DEFAULT_OPENSSL_CNF = '/etc/ssl/openssl.cnf';

export interface CaLayout {
  readonly dir: string;
  readonly name: string;
  readonly key: string;
  readonly cert: string;
  /** The organisation's config for host CSRs and `openssl ca` (the seed's config.cnf). */
  readonly orgConfig: string;
  /** The dedicated copy of openssl.cnf, when the operator chose one over the system file. */
  readonly dedicatedCnf: string;
  readonly index: string;
  readonly serial: string;
  readonly crlNumber: string;
  readonly crl: string;
  readonly subdirs: readonly string[];
  hostDir(host: string): string;
  hostFile(host: string, ext: 'key' | 'csr' | 'crt' | 'ext' | 'p12'): string;
}

export function caLayout(dir: string, name: string): CaLayout {
  const at = (...parts: string[]): string => path.posix.join(dir, ...parts);
  return {
    dir,
    name,
    key: at('private', `${name}.pem`),
    cert: at('certs', `${name}.cert`),
    orgConfig: at('config.cnf'),
    dedicatedCnf: at('openssl.cnf'),
    index: at('index.txt'),
    serial: at('serial'),
    crlNumber: at('crlnumber'),
    crl: at('crl', `${name}.crl`),
    subdirs: ['certs', 'crl', 'newcerts', 'private', 'hosts'],
    hostDir: (host) => at('hosts', hostFolder(host)),
    hostFile: (host, ext) => at('hosts', hostFolder(host), `${hostFolder(host)}.${ext}`),
  };
}

/**
 * The folder (and file) name of a host: the name itself, but a wildcard `*.example.org` becomes
 * `_wildcard.example.org` (a `*` in a path is a glob in every shell; `_` is in no host name).
 */
export function hostFolder(host: string): string {
  return host.startsWith('*.') ? `_wildcard.${host.slice(2)}` : host;
}

export function layoutOf(answers: Answers): CaLayout {
  return caLayout((answers.caDir as string | undefined) ?? DEFAULT_CA_DIR, (answers.caName as string | undefined) ?? DEFAULT_CA_NAME);
}

/** CA names become file and section names: keep them to letters, digits, dot, dash, underscore. */
export function checkCaName(name: string): string | undefined {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) {
    return `"${name}" must be letters, digits, ".", "-" or "_" (it names files and a config section)`;
  }
  return undefined;
}
