// Shared by the tests: temporary --root trees and the built CLI.
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = path.join(REPO, 'bin', 'lockstep.js');

/** A fresh directory to use as --root; removed by the returned cleanup. */
export async function tempRoot(prefix = 'lockstep-test-'): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  return { root, cleanup: () => fs.rm(root, { recursive: true, force: true }) };
}

/** Runs the built CLI without a TTY (as CI does). Never rejects: inspect exitCode. */
export function lockstep(
  args: readonly string[],
  options: { readonly env?: NodeJS.ProcessEnv; readonly detached?: boolean; readonly cwd?: string } = {},
) {
  return execa('node', [BIN, ...args], { reject: false, stdin: 'ignore', env: { CI: 'true', NO_COLOR: '1' }, ...options });
}

/** Every file under dir with its mode and content hash: compare two snapshots for "nothing changed". */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(current: string): Promise<void> {
    for (const entry of await fs.readdir(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      const st = await fs.lstat(full);
      const rel = path.relative(dir, full);
      if (entry.isDirectory()) {
        out[`${rel}/`] = st.mode.toString(8);
        await walk(full);
      } else {
        const hash = createHash('sha256').update(await fs.readFile(full)).digest('hex');
        out[rel] = `${st.mode.toString(8)} ${hash}`;
      }
    }
  }
  await walk(dir);
  return out;
}

/** Polls until `check` returns a truthy value or the time is up (no fixed sleeps in tests). */
export async function waitFor<T>(check: () => T | Promise<T>, what: string, timeoutMs = 10_000, everyMs = 20): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A 32-bit seeded generator (mulberry32): the same seed gives the same trials and documents. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
