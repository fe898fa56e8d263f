// Which distribution and release the target runs, from its os-release: the facts every step
// that follows a distribution's conventions (updates, firewall, patch, the checklist) starts from.
import type { System } from '../core/system.js';
import { readOsRelease, type OsRelease } from './os-release.js';

export type DistroId = 'debian' | 'ubuntu' | 'other';

export interface Platform {
  readonly distro: DistroId;
  /** os-release's ID as written ("debian", "ubuntu", "raspbian"...); "unknown" without the file. */
  readonly id: string;
  /** ID_LIKE's words: a derivative says what it follows. */
  readonly like: readonly string[];
  /** VERSION_ID ("12", "24.04"); undefined on Debian testing/unstable. */
  readonly release?: string;
  readonly codename?: string;
  /** For the operator: PRETTY_NAME, or "an unknown system" when os-release is missing. */
  readonly prettyName: string;
  /** False when os-release could not be read at all. */
  readonly known: boolean;
}

export function platformOf(osRelease: OsRelease | undefined): Platform {
  if (osRelease === undefined) return { distro: 'other', id: 'unknown', like: [], prettyName: 'an unknown system (no /etc/os-release)', known: false };
  const id = osRelease.ID;
  const distro: DistroId = id === 'debian' || id === 'ubuntu' ? id : 'other';
  // Debian's VERSION="12 (bookworm)" names the codename where older files lack VERSION_CODENAME.
  const codename = osRelease.VERSION_CODENAME ?? osRelease.UBUNTU_CODENAME ?? /\(([a-z]+)\)/.exec(osRelease.VERSION ?? '')?.[1];
  return {
    distro,
    id,
    like: (osRelease.ID_LIKE ?? '').split(/\s+/).filter((w) => w !== ''),
    ...(osRelease.VERSION_ID !== undefined ? { release: osRelease.VERSION_ID } : {}),
    ...(codename !== undefined ? { codename } : {}),
    prettyName: osRelease.PRETTY_NAME,
    known: true,
  };
}

/** The platform of the target (under --root). */
export async function readPlatform(sys: System): Promise<Platform> {
  return platformOf(await readOsRelease(sys));
}

/** "Debian" / "Ubuntu": the name unattended-upgrades calls ${distro_id} (lsb_release -i). */
export function distroName(platform: Platform): string {
  if (platform.distro === 'debian') return 'Debian';
  if (platform.distro === 'ubuntu') return 'Ubuntu';
  return platform.id.charAt(0).toUpperCase() + platform.id.slice(1);
}
