// Is an upgrade a security update? Decided as unattended-upgrades decides it: one of the
// archives offering the candidate version matches one of the distribution's security origin
// patterns (src/platform/conventions.ts, the same patterns `updates` writes), key by key, with
// shell-style wildcards. Plus the one call that lists the pending upgrades of a target.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { System } from '../core/system.js';
import { expandPattern, securityOrigins, type OriginPattern } from '../platform/conventions.js';
import { distroName, type Platform } from '../platform/distribution.js';
import { probeApt } from './apt-root.js';
import { originsOf, parsePackagePolicies, parsePolicyFiles, type PackageFile, type PackagePolicy, type ReleaseInfo } from './policy.js';
import { parseSimulation, type Simulation } from './simulate.js';

/** fnmatch(3) as Python's fnmatch: * ? [set] [!set]; everything else literal. */
export function fnmatch(value: string, pattern: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) re += '\\[';
      else {
        const set = pattern.slice(i + 1, end);
        re += `[${set.startsWith('!') ? `^${set.slice(1)}` : set.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's').test(value);
}

/** Every field the pattern names matches the archive's (a field the archive lacks never matches). */
export function matchesOrigin(pattern: OriginPattern, origin: ReleaseInfo): boolean {
  const fields = Object.entries(pattern) as [keyof OriginPattern, string][];
  if (fields.length === 0) return false; // an empty pattern matches nothing, as in unattended-upgrades
  return fields.every(([key, want]) => {
    const have = origin[key];
    return have !== undefined && fnmatch(have, want);
  });
}

/** The distribution's security patterns with ${distro_id} and ${distro_codename} filled in. */
export function securityPatternsFor(platform: Platform): OriginPattern[] {
  if (platform.distro === 'other' || platform.codename === undefined) return [];
  return securityOrigins(platform.distro).map((p) => expandPattern(p, { distroId: distroName(platform), codename: platform.codename! }));
}

export interface Upgrade {
  readonly name: string;
  readonly arch?: string;
  readonly current: string;
  readonly candidate: string;
  readonly security: boolean;
  /** The archives that offer the candidate (Origin/Label/Suite/Codename of their Release). */
  readonly origins: readonly ReleaseInfo[];
  /** For the operator: "Debian-Security stable-security (bookworm-security)". */
  readonly from: string;
  /**
   * The newest version above the installed one that a security archive offers, when the
   * candidate itself is not it (a security fix 1.1 under a regular update 1.2): what "security
   * only" installs (`pkg=version`).
   */
  readonly securityCandidate?: string;
}

const describeOrigin = (o: ReleaseInfo): string => [o.label ?? o.origin ?? o.site ?? 'local', o.archive, o.codename !== undefined && o.codename !== o.archive ? `(${o.codename})` : undefined].filter((w) => w !== undefined).join(' ');

/** The simulation's upgrades, each with its candidate's origins and whether that makes it a security update. */
export function classifyUpgrades(sim: Simulation, policies: readonly PackagePolicy[], files: readonly PackageFile[], platform: Platform): Upgrade[] {
  const patterns = securityPatternsFor(platform);
  const byName = new Map(policies.map((p) => [p.name, p] as const));
  return sim.upgrades.map((u) => {
    const policy = byName.get(u.name) ?? (u.arch !== undefined ? byName.get(`${u.name}:${u.arch}`) : undefined);
    const candidate = u.candidate ?? policy?.candidate ?? '';
    const origins = policy === undefined ? [] : originsOf(policy, candidate, files);
    const isSecurity = (o: ReleaseInfo): boolean => patterns.some((p) => matchesOrigin(p, o));
    const security = origins.some(isSecurity);
    // apt lists a package's versions newest first: those before the installed one are upgrades.
    const newer = policy === undefined ? [] : policy.versions.slice(0, Math.max(0, policy.versions.findIndex((v) => v.installed)));
    const fix = security ? undefined : newer.find((v) => originsOf(policy!, v.version, files).some(isSecurity))?.version;
    return {
      name: u.name,
      ...(u.arch !== undefined ? { arch: u.arch } : {}),
      current: u.current ?? '',
      candidate,
      security,
      origins,
      from: origins.map(describeOrigin).join(', ') || u.origins.map((o) => `${o.label ?? ''} ${o.archive}`.trim()).join(', '),
      ...(fix !== undefined ? { securityCandidate: fix } : {}),
    };
  });
}

export interface PendingReport {
  readonly upgrades: readonly Upgrade[];
  readonly simulation: Simulation;
}

/** apt's binary cache is switched off (`Dir::Cache::pkgcache ""`, as Docker images' docker-clean sets it). */
export function pkgcacheOff(aptConfigShell: string): boolean {
  return /^PKGCACHE=''$/m.test(aptConfigShell);
}

/**
 * Runs `fn` with the apt options its calls share. Without apt's binary cache every call parses
 * all the lists again (a third of a second each on a full Debian); then the calls of this one
 * read share a cache of their own, in a private temporary folder removed afterwards: the first
 * call writes it, the next ones map it. apt checks it against the lists and the dpkg status as it
 * checks its own, so the answers are the ones without it. With apt's cache on, nothing is added.
 */
async function withOneCache<T>(sys: System, fn: (options: readonly string[]) => Promise<T>): Promise<T> {
  const conf = await probeApt(sys, 'apt-config', ['shell', 'PKGCACHE', 'Dir::Cache::pkgcache']);
  if (conf.exitCode !== 0 || !pkgcacheOff(conf.stdout)) return fn([]);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lockstep-aptcache-'));
  try {
    return await fn(['-o', `Dir::Cache::pkgcache=${path.join(dir, 'pkgcache.bin')}`]);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * What `apt-get upgrade` (or dist-upgrade) would upgrade on the target now, each classified:
 * `apt-get -s -V`, then `apt-cache policy` for the origins. Reads only (no lists refresh).
 */
export async function pendingUpgrades(sys: System, platform: Platform, options: { readonly dist?: boolean } = {}): Promise<PendingReport> {
  return withOneCache(sys, async (cache) => {
    // The archives' list first: the cheapest call builds the run's cache for the two that follow.
    const files = await probeApt(sys, 'apt-cache', [...cache, 'policy']);
    // A simulation still logs the planner's run (var/log/apt/eipp.log.xz): not for a read-only listing.
    const sim = await probeApt(sys, 'apt-get', [...cache, '-s', '-V', '-o', 'Dir::Log::Planner=/dev/null', options.dist === true ? 'dist-upgrade' : 'upgrade'], { timeoutMs: 300_000 });
    if (sim.exitCode !== 0) throw new Error(`apt-get -s ${options.dist === true ? 'dist-upgrade' : 'upgrade'} failed: ${sim.stderr.trim() || `exit ${sim.exitCode}`}`);
    const simulation = parseSimulation(sim.stdout);
    if (simulation.upgrades.length === 0) return { upgrades: [], simulation };
    const names = [...new Set(simulation.upgrades.map((u) => u.name))];
    const policy = await probeApt(sys, 'apt-cache', [...cache, 'policy', ...names]);
    if (files.exitCode !== 0 || policy.exitCode !== 0) throw new Error(`apt-cache policy failed: ${(files.stderr || policy.stderr).trim()}`);
    return { upgrades: classifyUpgrades(simulation, parsePackagePolicies(policy.stdout), parsePolicyFiles(files.stdout), platform), simulation };
  });
}
