// `lockstep patch pending`: the seed's `apt-get update` + `apt-show-versions -u`: the lists
// refreshed (a live log), then every upgradable package with its installed and candidate version,
// the archive it comes from and whether that is the security archive (src/apt/security.ts, as
// unattended-upgrades decides it). Its --json document is also the approval file (approval.ts).
import os from 'node:os';
import { probeApt } from '../apt/apt-root.js';
import { pendingUpgrades, type Upgrade } from '../apt/security.js';
import type { Table } from '../core/events.js';
import type { System } from '../core/system.js';
import { tableLines } from '../core/table-text.js';
import { readPlatform } from '../platform/distribution.js';
import type { PendingDocument, PendingPackage } from './approval.js';

export interface Refresh {
  readonly ok: boolean;
  /** apt's W:/E: lines (a source that could not be fetched, a bad signature). */
  readonly problems: readonly string[];
}

/** `apt-get update` on the target, each line to `onLine` as it comes. */
export async function refreshLists(sys: System, onLine: (line: string) => void): Promise<Refresh> {
  const r = await probeApt(sys, 'apt-get', ['update'], { timeoutMs: 600_000, onLine: (_s, line) => onLine(line) });
  const problems = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => /^(W|E|Err):? /.test(l));
  // apt-get exits 0 when a signature is refused (it keeps the old index): that is a failure here.
  return { ok: r.exitCode === 0 && !problems.some((l) => /^E|GPG error|signature|Failed to fetch/.test(l)), problems };
}

export function pendingPackage(u: Upgrade): PendingPackage {
  return {
    name: u.name,
    current: u.current,
    candidate: u.candidate,
    security: u.security,
    origin: u.from,
    ...(u.securityCandidate !== undefined ? { securityCandidate: u.securityCandidate } : {}),
  };
}

export async function readPending(sys: System): Promise<PendingPackage[]> {
  const report = await pendingUpgrades(sys, await readPlatform(sys));
  return report.upgrades.map(pendingPackage);
}

export function pendingDocument(packages: readonly PendingPackage[], now = new Date()): PendingDocument {
  return { host: os.hostname(), generated: now.toISOString(), packages: [...packages] };
}

export function pendingTable(packages: readonly PendingPackage[]): Table {
  return {
    title: 'Pending upgrades',
    columns: ['package', 'installed', 'candidate', 'security', 'from'],
    rows: packages.map((p) => [p.name, p.current, p.candidate, p.security ? 'SECURITY' : (p.securityCandidate !== undefined ? `fix ${p.securityCandidate}` : 'no'), p.origin]),
  };
}

export const countLine = (packages: readonly PendingPackage[]): string => {
  const sec = packages.filter((p) => p.security || p.securityCandidate !== undefined).length;
  return packages.length === 0 ? 'Nothing to upgrade: every installed package is at its candidate version.' : `${packages.length} upgradable, ${sec} of them security updates.`;
};

/** The pending list as text (the terminal, the daily mail). */
export function pendingLines(packages: readonly PendingPackage[]): string[] {
  return packages.length === 0 ? [countLine(packages)] : [...tableLines(pendingTable(packages)), '', countLine(packages)];
}

/** The daily mail (the seed's /etc/cron.daily/apt-warn): the subject says how many, and how many are security. */
export function pendingMail(packages: readonly PendingPackage[], host = os.hostname()): { subject: string; body: string } {
  const sec = packages.filter((p) => p.security || p.securityCandidate !== undefined).length;
  const subject = packages.length === 0 ? `[lockstep] ${host}: no upgrades pending` : `[lockstep] ${host}: ${packages.length} upgrades pending${sec > 0 ? `, ${sec} SECURITY` : ''}`;
  const body = [
    `Upgrades pending on ${host} (lockstep patch pending, ${new Date().toISOString()}):`,
    '',
    ...pendingLines(packages),
    '',
    ...(packages.length > 0 ? ['Apply them in a logged session: lockstep patch (or stage them: lockstep patch pending --json > approved.json).'] : []),
  ].join('\n');
  return { subject, body: `${body}\n` };
}
