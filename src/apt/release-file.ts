// The Release / InRelease files apt keeps in its lists folder (R/var/lib/apt/lists): what each
// configured archive says it is (Origin, Label, Suite, Codename), read offline.
import fs from 'node:fs/promises';
import type { System } from '../core/system.js';
import { parseDeb822, stripClearsign, words } from './deb822.js';

export const LISTS_DIR = '/var/lib/apt/lists';

export interface ReleaseFile {
  readonly origin?: string;
  readonly label?: string;
  readonly suite?: string;
  readonly codename?: string;
  readonly version?: string;
  readonly components: readonly string[];
  readonly architectures: readonly string[];
  readonly date?: string;
  readonly validUntil?: string;
  /** Signed inline (InRelease) or beside (Release.gpg present). */
  readonly signed: boolean;
}

export function parseReleaseFile(text: string, signed = text.includes('-----BEGIN PGP SIGNED MESSAGE-----')): ReleaseFile {
  const s = parseDeb822(stripClearsign(text))[0];
  const get = (k: string): string | undefined => s?.get(k);
  const pick = (k: string): Record<string, string> => {
    const v = get(k);
    return v === undefined ? {} : { [k === 'Valid-Until' ? 'validUntil' : k.toLowerCase()]: v };
  };
  return {
    ...pick('Origin'),
    ...pick('Label'),
    ...pick('Suite'),
    ...pick('Codename'),
    ...pick('Version'),
    ...pick('Date'),
    ...pick('Valid-Until'),
    components: words(get('Components')),
    architectures: words(get('Architectures')),
    signed,
  } as ReleaseFile;
}

export interface ListedRelease {
  /** The file's name in the lists folder (apt's escaped URI: "deb.debian.org_debian_dists_bookworm_InRelease"). */
  readonly file: string;
  readonly release: ReleaseFile;
}

/** Every Release/InRelease in the target's lists folder; none when apt-get update never ran. */
export async function readListedReleases(sys: System): Promise<ListedRelease[]> {
  let names: string[];
  try {
    names = await fs.readdir(sys.real(LISTS_DIR));
  } catch {
    return [];
  }
  const out: ListedRelease[] = [];
  for (const file of names.filter((n) => /_(In)?Release$/.test(n)).sort()) {
    const text = await sys.readText(`${LISTS_DIR}/${file}`);
    if (text === undefined) continue;
    const detached = file.endsWith('_Release') && names.includes(`${file}.gpg`);
    out.push({ file, release: parseReleaseFile(text, file.endsWith('_InRelease') || detached) });
  }
  return out;
}
