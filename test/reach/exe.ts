// The single executable (npm run build:exe) and a PATH without node, for the tests of the things
// lockstep ships as: the executable itself, the .deb that carries it.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { REPO } from '../helpers.js';

export const EXE = path.join(REPO, 'build', `lockstep-linux-${process.arch}`);

export function requireExe(): string {
  assert.ok(existsSync(EXE), `${path.relative(REPO, EXE)} is missing: run "npm run build:exe" first (npm test does)`);
  return EXE;
}

/**
 * A folder for PATH holding links to `tools` only (found on the current PATH), or, without
 * `tools`, to every program on PATH but node and its package managers.
 */
export async function pathWithoutNode(dir: string, tools?: readonly string[]): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const NODE = new Set(['node', 'nodejs', 'npm', 'npx', 'corepack']);
  const dirs = (process.env.PATH ?? '').split(':').filter((d) => d !== '');
  const linked = new Set<string>();
  for (const d of dirs) {
    const names = tools ?? (await fs.readdir(d).catch(() => [] as string[]));
    for (const name of names) {
      if (NODE.has(name) || linked.has(name) || !existsSync(path.join(d, name))) continue;
      await fs.symlink(path.join(d, name), path.join(dir, name));
      linked.add(name);
    }
  }
  for (const t of tools ?? []) assert.ok(linked.has(t), `${t} is not on PATH`);
  return dir;
}
