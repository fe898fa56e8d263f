// File-level change tracking (the reviewers' "new baseline for checksums"): the sha256 of every
// file of the packages a session upgrades, kept under /var/lib/lockstep/patch/baseline.json after
// each session. The next session first says which of those files changed since, outside any
// upgrade (the way AIDE would, without moving its baseline by hand after every upgrade).
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { z } from 'zod';
import { readFileList } from '../apt/file-lists.js';
import type { System } from '../core/system.js';
import { BASELINE_FILE } from './session-spec.js';

export const baselineSchema = z.object({ taken: z.string(), files: z.record(z.string(), z.string()) });
export type Baseline = z.infer<typeof baselineSchema>;

/** The regular files dpkg lists for the packages (no directories, no symbolic links). */
export async function packageFiles(sys: System, names: readonly string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const name of names) {
    for (const file of (await readFileList(sys, name)) ?? []) {
      const st = await sys.stat(file);
      if (st?.isFile() === true) out.add(file);
    }
  }
  return [...out].sort();
}

export async function sha256File(real: string): Promise<string> {
  return createHash('sha256').update(await fs.readFile(real)).digest('hex');
}

/** path → sha256 of the files that exist; a missing file is left out. */
export async function hashFiles(sys: System, files: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of files) {
    try {
      out[f] = await sha256File(sys.real(f));
    } catch {
      // gone: the comparison says so
    }
  }
  return out;
}

export async function readBaseline(sys: System): Promise<Baseline | undefined> {
  const text = await sys.readText(BASELINE_FILE);
  if (text === undefined) return undefined;
  const parsed = baselineSchema.safeParse((() => { try { return JSON.parse(text) as unknown; } catch { return undefined; } })());
  return parsed.success ? parsed.data : undefined;
}

/** "path: changed" / "path: missing" for every baseline file that is not as it was recorded. */
export async function changedSinceBaseline(sys: System, baseline: Baseline | undefined): Promise<string[]> {
  if (baseline === undefined) return [];
  const now = await hashFiles(sys, Object.keys(baseline.files));
  return Object.entries(baseline.files).flatMap(([f, sha]) => (now[f] === undefined ? [`${f}: missing`] : now[f] !== sha ? [`${f}: changed`] : []));
}

/** Before → after of the same files: what the session changed. */
export function changedBetween(before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>): string[] {
  const files = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return files.flatMap((f) => (before[f] === after[f] ? [] : [`${f}: ${before[f] === undefined ? 'new' : after[f] === undefined ? 'removed' : 'changed'}`]));
}
