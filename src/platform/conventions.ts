// What differs between Debian and Ubuntu for the steps lockstep runs: the archives that carry
// security updates (as unattended-upgrades' Origins-Pattern, one truth for `updates`, the
// security classifier of src/apt/ and the checklist), the firewall front end the distribution
// ships, sshd's service name and nginx's layout.
import type { Platform } from './distribution.js';

/**
 * An unattended-upgrades origin pattern: each field present must match the archive's Release
 * file (origin=Origin, label=Label, archive=Suite, codename=Codename). Values may hold
 * ${distro_id} and ${distro_codename}, which unattended-upgrades fills in on the server.
 */
export interface OriginPattern {
  readonly origin?: string;
  readonly label?: string;
  readonly archive?: string;
  readonly codename?: string;
  readonly site?: string;
  readonly component?: string;
}

export type UpdateOrigins = 'security' | 'security-and-updates';

const DEBIAN_SECURITY: readonly OriginPattern[] = [
  // Since bullseye the security suite is <codename>-security; before, it was <codename> with
  // the Debian-Security label (buster's debian-security/buster/updates).
  { origin: 'Debian', codename: '${distro_codename}-security', label: 'Debian-Security' },
  { origin: 'Debian', codename: '${distro_codename}', label: 'Debian-Security' },
];
const DEBIAN_UPDATES: readonly OriginPattern[] = [
  { origin: 'Debian', codename: '${distro_codename}-updates' },
  { origin: 'Debian', codename: '${distro_codename}', label: 'Debian' },
];
// Ubuntu's 50unattended-upgrades: "${distro_id}:${distro_codename}-security" and the two ESM
// archives (present only on a machine attached to Ubuntu Pro; harmless elsewhere).
const UBUNTU_SECURITY: readonly OriginPattern[] = [
  { origin: '${distro_id}', archive: '${distro_codename}-security' },
  { origin: '${distro_id}ESMApps', archive: '${distro_codename}-apps-security' },
  { origin: '${distro_id}ESM', archive: '${distro_codename}-infra-security' },
];
const UBUNTU_UPDATES: readonly OriginPattern[] = [{ origin: '${distro_id}', archive: '${distro_codename}-updates' }];

/** The origins whose upgrades install themselves: the security archive, and with "-and-updates" the stable updates too. */
export function updateOrigins(distro: 'debian' | 'ubuntu', which: UpdateOrigins): readonly OriginPattern[] {
  const security = distro === 'ubuntu' ? UBUNTU_SECURITY : DEBIAN_SECURITY;
  const updates = distro === 'ubuntu' ? UBUNTU_UPDATES : DEBIAN_UPDATES;
  return which === 'security-and-updates' ? [...security, ...updates] : security;
}

/** The security archive's patterns: what unattended-upgrades and `patch pending` call a security update. */
export function securityOrigins(distro: 'debian' | 'ubuntu'): readonly OriginPattern[] {
  return updateOrigins(distro, 'security');
}

const KEYS: readonly (keyof OriginPattern)[] = ['origin', 'codename', 'archive', 'label', 'site', 'component'];

/** As an Origins-Pattern string: "origin=Debian,codename=${distro_codename}-security,label=Debian-Security". */
export function originPatternText(pattern: OriginPattern): string {
  // A comma inside a value is written "\," as unattended-upgrades expects.
  return KEYS.filter((k) => pattern[k] !== undefined).map((k) => `${k}=${pattern[k]!.replace(/,/g, '\\,')}`).join(',');
}

/** The ${distro_id}/${distro_codename} of a pattern filled in for one server. */
export function expandPattern(pattern: OriginPattern, vars: { readonly distroId: string; readonly codename: string }): OriginPattern {
  const fill = (v: string): string => v.replace(/\$\{distro_id\}/g, vars.distroId).replace(/\$\{distro_codename\}/g, vars.codename);
  return Object.fromEntries(Object.entries(pattern).map(([k, v]) => [k, fill(v as string)])) as OriginPattern;
}

export type FirewallFrontEnd = 'ufw' | 'nft';

/** What the distribution uses when nothing is loaded yet: Ubuntu ships ufw (inactive); Debian nftables. */
export function defaultFirewall(platform: Platform): { readonly frontEnd: FirewallFrontEnd; readonly why: string } {
  if (platform.distro === 'ubuntu') return { frontEnd: 'ufw', why: 'Ubuntu ships ufw as its firewall front end' };
  return { frontEnd: 'nft', why: `nftables is the default on ${platform.distro === 'debian' ? 'Debian 10 and later' : 'current Linux distributions'}` };
}

export interface SshService {
  /** The systemd unit to reload ("ssh.service"; Debian also aliases it sshd.service). */
  readonly unit: string;
  /** Ubuntu 22.10+ starts sshd from ssh.socket: Port/ListenAddress changes need the socket restarted. */
  readonly socketActivated: boolean;
}

export function sshService(platform: Platform): SshService {
  if (platform.distro === 'debian' || platform.distro === 'ubuntu') {
    const socketActivated = platform.distro === 'ubuntu' && Number(platform.release ?? 0) >= 22.10;
    return { unit: 'ssh.service', socketActivated };
  }
  return { unit: 'sshd.service', socketActivated: false };
}

export type NginxLayout = 'sites-enabled' | 'conf.d';

export interface NginxConventions {
  readonly layout: NginxLayout;
  /** Where a new site's file goes: conf.d is read by every packaging, so lockstep writes there. */
  readonly siteDir: string;
  readonly why: string;
}

/**
 * Debian's and Ubuntu's nginx read conf.d/*.conf and sites-enabled/*; nginx.org's packages (and
 * most others) only conf.d. From nginx.conf when there is one, else the distribution's default.
 */
export function nginxConventions(platform: Platform, nginxConf?: string): NginxConventions {
  const includesSites = nginxConf !== undefined ? /^\s*include\s+\S*sites-enabled\//m.test(nginxConf) : platform.distro !== 'other';
  return includesSites
    ? { layout: 'sites-enabled', siteDir: '/etc/nginx/conf.d', why: 'nginx reads sites-enabled/ (Debian/Ubuntu packaging) and conf.d/' }
    : { layout: 'conf.d', siteDir: '/etc/nginx/conf.d', why: 'nginx reads conf.d/ only (nginx.org packaging)' };
}
