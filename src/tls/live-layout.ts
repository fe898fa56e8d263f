// Where lockstep keeps application certificates, in the layout operators know from certbot:
// live/<name>/ holds what servers point at, archive/<name>/ every version ever issued.
import path from 'node:path';
import type { System } from '../core/system.js';

export const LOCKSTEP_DIR = '/etc/lockstep';
export const liveDir = (name: string): string => path.join(LOCKSTEP_DIR, 'live', name);
export const archiveDir = (name: string): string => path.join(LOCKSTEP_DIR, 'archive', name);
export const renewalFile = (name: string): string => path.join(LOCKSTEP_DIR, 'renewal', `${name}.json`);

export const LIVE_FILES = ['privkey', 'cert', 'chain', 'fullchain'] as const;
export type LiveFile = (typeof LIVE_FILES)[number];

export const livePath = (name: string, file: LiveFile): string => path.join(liveDir(name), `${file}.pem`);
export const archivePath = (name: string, file: LiveFile | 'csr', version: number): string =>
  path.join(archiveDir(name), `${file}${version}.pem`);

/** One account per ACME directory, named by its host and path so staging and production differ. */
export function accountKeyPath(directoryUrl: string): string {
  const url = new URL(directoryUrl);
  const name = `${url.host}${url.pathname}`.replace(/[^A-Za-z0-9.-]+/g, '_').replace(/_+$/, '');
  return path.join(LOCKSTEP_DIR, 'accounts', name, 'account-key.pem');
}

/** The highest N of archive/<name>/certN.pem (0 when none). */
export async function lastArchiveVersion(sys: System, name: string): Promise<number> {
  const fs = await import('node:fs/promises');
  let names: string[];
  try {
    names = await fs.readdir(sys.real(archiveDir(name)));
  } catch {
    return 0;
  }
  return names.reduce((max, n) => {
    const m = /^(?:privkey|cert|csr)([0-9]+)\.pem$/.exec(n);
    return m ? Math.max(max, Number(m[1])) : max;
  }, 0);
}

/** The certificate and chain blocks of a PEM bundle, in file order. */
export function pemBlocks(text: string): string[] {
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map((m) => `${m[0]}\n`);
}
