// How long each release gets security updates, as data: the end of the distribution's regular
// security support and the end of its extended support (Debian LTS, Ubuntu Pro's ESM), checked
// against the dates the projects published. A date "YYYY-MM" covers that whole month (Canonical
// publishes months); "YYYY-MM-DD" that day.
import type { Platform } from './distribution.js';

export interface ReleaseLifecycle {
  readonly distro: 'debian' | 'ubuntu';
  /** VERSION_ID as os-release says it. */
  readonly version: string;
  readonly codename: string;
  /** For sentences: "Debian 12 (bookworm)", "Ubuntu 24.04 LTS (noble)". */
  readonly name: string;
  /** Last day of regular security support (Debian's security team; Ubuntu's standard support). */
  readonly standardUntil: string;
  /** Last day of extended support (Debian LTS; Ubuntu Pro / ESM). */
  readonly extendedUntil: string;
  readonly extendedName: string;
}

const DEBIAN_LTS = 'Debian LTS (a subset of packages, amd64/arm64/i386/armhf only)';
const UBUNTU_ESM = 'Ubuntu Pro\'s Expanded Security Maintenance (ESM; needs "pro attach")';

export const RELEASES: readonly ReleaseLifecycle[] = [
  // Debian: https://wiki.debian.org/LTS (schedule table) and the LTS announcements
  // (debian-lts-announce): three years of the security team, then LTS to the end given.
  // buster: security team until 2022-06-30, LTS until 2024-06-30 (LTS EOL announcement, June 2024).
  { distro: 'debian', version: '10', codename: 'buster', name: 'Debian 10 (buster)', standardUntil: '2022-06-30', extendedUntil: '2024-06-30', extendedName: DEBIAN_LTS },
  // bullseye: LTS took over on 2024-08-15 and runs until 2026-08-31 (LTS announcement, 2024-08).
  { distro: 'debian', version: '11', codename: 'bullseye', name: 'Debian 11 (bullseye)', standardUntil: '2024-08-14', extendedUntil: '2026-08-31', extendedName: DEBIAN_LTS },
  // bookworm: regular support until 2026-06-10, LTS until 2028-06-30 (wiki.debian.org/LTS; the
  // bullseye-LTS announcement gives both; one listing says the last DSA came in July 2026).
  { distro: 'debian', version: '12', codename: 'bookworm', name: 'Debian 12 (bookworm)', standardUntil: '2026-06-10', extendedUntil: '2028-06-30', extendedName: DEBIAN_LTS },
  // trixie: released 2025-08-09; security team for three years (to 2028-08-09), LTS to 2030-06-30
  // (wiki.debian.org/LTS schedule).
  { distro: 'debian', version: '13', codename: 'trixie', name: 'Debian 13 (trixie)', standardUntil: '2028-08-09', extendedUntil: '2030-06-30', extendedName: DEBIAN_LTS },
  // Ubuntu: https://ubuntu.com/about/release-cycle (End of Standard Support, End of Ubuntu Pro
  // Support). Where listings disagree on a future month (some say June), the earlier is kept.
  { distro: 'ubuntu', version: '16.04', codename: 'xenial', name: 'Ubuntu 16.04 LTS (xenial)', standardUntil: '2021-04', extendedUntil: '2026-04', extendedName: UBUNTU_ESM },
  // bionic: Canonical ended standard support on 2023-05-31.
  { distro: 'ubuntu', version: '18.04', codename: 'bionic', name: 'Ubuntu 18.04 LTS (bionic)', standardUntil: '2023-05-31', extendedUntil: '2028-04', extendedName: UBUNTU_ESM },
  // focal: standard support ended in May 2025 (2025-05-29).
  { distro: 'ubuntu', version: '20.04', codename: 'focal', name: 'Ubuntu 20.04 LTS (focal)', standardUntil: '2025-05', extendedUntil: '2030-04', extendedName: UBUNTU_ESM },
  { distro: 'ubuntu', version: '22.04', codename: 'jammy', name: 'Ubuntu 22.04 LTS (jammy)', standardUntil: '2027-04', extendedUntil: '2032-04', extendedName: UBUNTU_ESM },
  { distro: 'ubuntu', version: '24.04', codename: 'noble', name: 'Ubuntu 24.04 LTS (noble)', standardUntil: '2029-04', extendedUntil: '2034-04', extendedName: UBUNTU_ESM },
  // resolute: released 2026-04-23; five years standard, ten with Ubuntu Pro.
  { distro: 'ubuntu', version: '26.04', codename: 'resolute', name: 'Ubuntu 26.04 LTS (resolute)', standardUntil: '2031-04', extendedUntil: '2036-04', extendedName: UBUNTU_ESM },
];

export type SupportStatus = 'supported' | 'extended-only' | 'end-of-life' | 'unknown';

export interface SupportVerdict {
  readonly status: SupportStatus;
  readonly release?: ReleaseLifecycle;
  /** One sentence for the operator: what the status means and what to do. */
  readonly sentence: string;
}

/** The last moment a "YYYY-MM" or "YYYY-MM-DD" date covers (UTC). */
export function endOf(date: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number | undefined];
  return d === undefined ? new Date(Date.UTC(y, m, 1) - 1) : new Date(Date.UTC(y, m - 1, d + 1) - 1);
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "2026-06-10" as written; "2026-04" as "April 2026". */
export function dateText(date: string): string {
  const [y, m, d] = date.split('-');
  return d === undefined ? `${MONTHS[Number(m) - 1] ?? m} ${y}` : date;
}

/** "on 2026-06-10" / "in April 2026", for sentences. */
export function whenText(date: string): string {
  return `${date.split('-').length === 3 ? 'on' : 'in'} ${dateText(date)}`;
}

export function lifecycleOf(platform: Platform): ReleaseLifecycle | undefined {
  if (platform.distro === 'other') return undefined;
  return RELEASES.find((r) => r.distro === platform.distro && (r.version === platform.release || (platform.release === undefined && r.codename === platform.codename)));
}

/** Whether the target still gets security updates on `today`, in one verdict and one sentence. */
export function supportStatus(platform: Platform, today: Date = new Date()): SupportVerdict {
  const release = lifecycleOf(platform);
  if (release === undefined) {
    const what = platform.distro === 'other' ? `${platform.prettyName} is not Debian or Ubuntu` : `${platform.prettyName} is not a release lockstep knows (${platform.distro === 'ubuntu' ? 'only LTS releases are listed' : 'testing and unstable have no end date'})`;
    return { status: 'unknown', sentence: `${what}: lockstep cannot say whether it still gets security updates.` };
  }
  const next = release.distro === 'debian' ? `Debian ${Number(release.version) + 1}` : 'the next Ubuntu LTS';
  if (today <= endOf(release.standardUntil)) {
    return { status: 'supported', release, sentence: `${release.name} gets security updates until ${dateText(release.standardUntil)}, then ${release.extendedName.replace(/ \(.*$/, '')} until ${dateText(release.extendedUntil)}.` };
  }
  if (today <= endOf(release.extendedUntil)) {
    return {
      status: 'extended-only',
      release,
      sentence: `${release.name} left regular security support ${whenText(release.standardUntil)}; only ${release.extendedName} covers it, until ${dateText(release.extendedUntil)}. Plan the upgrade to ${next}.`,
    };
  }
  return {
    status: 'end-of-life',
    release,
    sentence: `${release.name} reached its end of life ${whenText(release.extendedUntil)}: it gets no security updates any more${release.distro === 'ubuntu' ? ' (only Canonical\'s paid Legacy add-on)' : ''}. lockstep still configures what it can, but this server needs an upgrade to a supported release.`,
  };
}

/** The warning for a step's preview notes, or undefined when the release is supported. */
export function releaseWarning(platform: Platform, today: Date = new Date()): string | undefined {
  const verdict = supportStatus(platform, today);
  return verdict.status === 'supported' ? undefined : `warning: ${verdict.sentence}`;
}
