// What the session reads once the upgrade ran: whether a reboot or service restarts are due
// (/run/reboot-required, `needrestart -b`), each upgraded package's changelog since the old
// version (from the .deb apt downloaded: offline) with the CVE ids it names, and the chroot
// folders' copies of the packages' files compared against dpkg's md5sums.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readMd5sums } from '../apt/file-lists.js';
import type { System } from '../core/system.js';

export interface RestartInfo {
  readonly reboot: string;
  readonly services: readonly string[];
}

/** `needrestart -b` (batch mode): NEEDRESTART-KSTA (kernel) and NEEDRESTART-SVC lines. */
export function parseNeedrestart(text: string): { kernel?: number; services: string[] } {
  const kernel = /^NEEDRESTART-KSTA: (\d)/m.exec(text)?.[1];
  return { ...(kernel !== undefined ? { kernel: Number(kernel) } : {}), services: [...text.matchAll(/^NEEDRESTART-SVC: (\S+)/gm)].map((m) => m[1]!) };
}

export async function restartInfo(sys: System): Promise<RestartInfo> {
  const flag = await sys.readText('/run/reboot-required');
  const pkgs = (await sys.readText('/run/reboot-required.pkgs'))?.split('\n').filter((l) => l !== '') ?? [];
  let reboot = flag !== undefined ? `REQUIRED (/run/reboot-required${pkgs.length > 0 ? `: ${pkgs.join(', ')}` : ''})` : 'not required (no /run/reboot-required)';
  if (sys.root !== '/') return { reboot, services: [] };
  // needrestart looks at the running processes: only meaningful on the real root.
  const r = await sys.probe(['needrestart', '-b']);
  if (r.missing) return { reboot: `${reboot}; needrestart is not installed`, services: [] };
  const n = parseNeedrestart(r.stdout);
  if (n.kernel === 2 || n.kernel === 3) reboot = `REQUIRED (needrestart: the running kernel is not the newest installed)${flag !== undefined ? '; /run/reboot-required too' : ''}`;
  return { reboot, services: n.services };
}

/** apt's file name of a version in its cache: an epoch's colon is %3a. */
export const debName = (name: string, version: string, arch: string): string => `${name}_${version.replace(/:/g, '%3a')}_${arch}.deb`;

/** The .deb of name at version in apt's cache on the target, if it is there. */
export async function cachedDeb(sys: System, name: string, version: string): Promise<string | undefined> {
  const dir = '/var/cache/apt/archives';
  try {
    const prefix = `${name}_${version.replace(/:/g, '%3a')}_`;
    const hit = (await fs.readdir(sys.real(dir))).find((f) => f.startsWith(prefix) && f.endsWith('.deb'));
    return hit === undefined ? undefined : `${dir}/${hit}`;
  } catch {
    return undefined;
  }
}

export interface ChangelogExcerpt {
  readonly lines: readonly string[];
  readonly cves: readonly string[];
}

/** The entries of a Debian changelog above the entry of `since` (newest first, as the file is). */
export function changelogSince(text: string, since: string, maxLines = 40): ChangelogExcerpt {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const head = /^\S+ \(([^)]+)\) /.exec(line);
    if (head !== null && head[1] === since) break;
    out.push(line);
  }
  const body = out.join('\n').trimEnd();
  const cves = [...new Set(body.match(/CVE-\d{4}-\d{4,}/g) ?? [])];
  const lines = body.split('\n');
  return { lines: lines.length > maxLines ? [...lines.slice(0, maxLines), `[… ${lines.length - maxLines} more lines]`] : lines, cves };
}

/** The changelog inside a .deb (on the target), unpacked with dpkg-deb into a temporary folder. */
export async function debChangelog(sys: System, deb: string, name: string): Promise<string | undefined> {
  return debChangelogAt(sys, sys.real(deb), name);
}

/** The same for a .deb at a real path (one fetched into a temporary folder). */
export async function debChangelogAt(sys: System, realDeb: string, name: string): Promise<string | undefined> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lockstep-changelog-'));
  try {
    const r = await sys.probe(['dpkg-deb', '-x', realDeb, dir]);
    if (r.exitCode !== 0) return undefined;
    for (const f of ['changelog.Debian.gz', 'changelog.gz', 'changelog.Debian', 'changelog']) {
      const file = path.join(dir, 'usr/share/doc', name, f);
      const data = await fs.readFile(file).catch(() => undefined);
      if (data !== undefined) return (f.endsWith('.gz') ? gunzipSync(data) : data).toString('utf8');
    }
    return undefined;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

const md5 = async (real: string): Promise<string | undefined> => {
  try {
    return createHash('md5').update(await fs.readFile(real)).digest('hex');
  } catch {
    return undefined;
  }
};

/** Files of the packages that the chroot has a copy of and whose copy is not the package's (dpkg's md5sums; the system's file for a conffile). */
export async function chrootDifferences(sys: System, chroot: string, packages: readonly string[], files: readonly string[]): Promise<string[]> {
  const sums = new Map<string, string>();
  for (const name of packages) for (const [f, h] of (await readMd5sums(sys, name)) ?? new Map<string, string>()) sums.set(f, h);
  const out: string[] = [];
  for (const f of files) {
    const copy = await md5(sys.real(path.posix.join(chroot, f)));
    if (copy === undefined) continue;
    const want = sums.get(f) ?? (await md5(sys.real(f)));
    if (want !== undefined && copy !== want) out.push(f);
  }
  return out;
}
