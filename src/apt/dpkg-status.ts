// dpkg's database (R/var/lib/dpkg/status): which packages are installed, in which version and
// state. Read from the file itself: dpkg-query gives the same, without a child process.
import type { System } from '../core/system.js';
import { DPKG_STATUS } from './apt-root.js';
import { parseDeb822, words } from './deb822.js';

/** dpkg's three status words: what is wanted, whether something is wrong, the current state. */
export interface DpkgStatus {
  readonly want: 'unknown' | 'install' | 'hold' | 'deinstall' | 'purge' | string;
  readonly flag: 'ok' | 'reinstreq' | string;
  /** installed, config-files (removed, conffiles left), half-configured, unpacked, half-installed... */
  readonly state: string;
}

export interface DpkgPackage {
  readonly name: string;
  readonly version: string;
  readonly architecture: string;
  readonly status: DpkgStatus;
  /** Fully installed and configured ("install ok installed", or held). */
  readonly installed: boolean;
  /** Source package name (the binary's own name when the field is missing). */
  readonly source: string;
  /** Conffiles: path → md5 dpkg recorded ("newconffile" and "obsolete" marks kept in `flags`). */
  readonly conffiles: readonly { readonly path: string; readonly md5: string; readonly flags: readonly string[] }[];
}

export function parseStatusWords(value: string | undefined): DpkgStatus {
  const [want = 'unknown', flag = 'ok', state = 'not-installed'] = words(value);
  return { want, flag, state };
}

export function parseDpkgStatus(text: string): DpkgPackage[] {
  return parseDeb822(text).flatMap((s) => {
    const name = s.get('Package');
    const version = s.get('Version');
    if (name === undefined) return [];
    const status = parseStatusWords(s.get('Status'));
    const conffiles = (s.get('Conffiles') ?? '')
      .split('\n')
      .map((l) => words(l))
      .filter((w) => w.length >= 2)
      .map(([file, md5, ...flags]) => ({ path: file!, md5: md5!, flags }));
    return [{
      name,
      version: version ?? '',
      architecture: s.get('Architecture') ?? '',
      status,
      installed: status.state === 'installed' && status.flag === 'ok' && (status.want === 'install' || status.want === 'hold'),
      source: words(s.get('Source'))[0] ?? name,
      conffiles,
    }];
  });
}

/** The target's dpkg database (empty when the file is missing: a bare root). */
export async function readDpkgStatus(sys: System): Promise<DpkgPackage[]> {
  return parseDpkgStatus((await sys.readText(DPKG_STATUS)) ?? '');
}

/** name → installed version (name:arch for Multi-Arch: same packages installed for several architectures). */
export function installedVersions(packages: readonly DpkgPackage[]): Map<string, string> {
  const installed = packages.filter((p) => p.installed);
  const count = new Map<string, number>();
  for (const p of installed) count.set(p.name, (count.get(p.name) ?? 0) + 1);
  return new Map(installed.map((p) => [(count.get(p.name) ?? 0) > 1 ? `${p.name}:${p.architecture}` : p.name, p.version]));
}
