// Files are replaced, never rewritten in place: a temp file beside the target (created with its
// final mode, so a key is never readable by others), fsync, rename, fsync of the directory.
// A crash at any point leaves either the old file or the new one, plus at most a stray temp
// file (.<name>.lockstep-<pid>-<hex>.tmp) that the next write of the same target removes, and
// that the next run's sweep of the folders it writes into removes once its process is gone.
import { randomBytes } from 'node:crypto';
import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { isCode } from './system.js';

export interface TempFile {
  readonly handle: FileHandle;
  readonly tmpPath: string;
  readonly target: string;
}

export interface CommitHooks {
  /** Called after the temp file is synced and before the rename (tests simulate a crash here). */
  readonly beforeRename?: () => void | Promise<void>;
}

const tempPrefix = (target: string): string => `.${path.basename(target)}.lockstep-`;

export async function removeStaleTemps(target: string): Promise<void> {
  const dir = path.dirname(target);
  const prefix = tempPrefix(target);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (error) {
    if (isCode(error, 'ENOENT')) return;
    throw error;
  }
  await Promise.all(names.filter((n) => n.startsWith(prefix) && n.endsWith('.tmp')).map((n) => fs.rm(path.join(dir, n), { force: true })));
}

/** `.<name>.lockstep-<pid>-<hex>.tmp` (and the older `.<name>.lockstep-<hex>.tmp`, no pid). */
const TEMP_NAME = /^\..+\.lockstep-(?:(\d+)-)?[0-9a-f]{12}\.tmp$/;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return !isCode(error, 'ESRCH');
  }
}

/**
 * Removes lockstep's temp files in `dir` (and below it, when `recursive`) whose process is gone:
 * what a kill -9 left behind. A temp file of a lockstep still running is left alone.
 */
export async function sweepStaleTemps(dir: string, recursive = false): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true, recursive });
  } catch (error) {
    if (isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR')) return [];
    throw error;
  }
  const removed: string[] = [];
  for (const e of entries) {
    const m = TEMP_NAME.exec(e.name);
    if (!e.isFile() || m === null) continue;
    const pid = m[1] === undefined ? undefined : Number(m[1]);
    if (pid !== undefined && (pid === process.pid || alive(pid))) continue;
    const file = path.join(e.parentPath ?? dir, e.name);
    await fs.rm(file, { force: true });
    removed.push(file);
  }
  return removed;
}

export async function openTemp(target: string, mode: number, owner?: { uid: number; gid: number }): Promise<TempFile> {
  await removeStaleTemps(target);
  const tmpPath = path.join(path.dirname(target), `${tempPrefix(target)}${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  // 'wx' + mode: created exclusively with at most `mode` (umask can only remove bits) ...
  const handle = await fs.open(tmpPath, 'wx', mode & 0o777);
  try {
    // ... then exactly `mode`, before any byte is written.
    await handle.chmod(mode);
    if (owner !== undefined) await handle.chown(owner.uid, owner.gid);
  } catch (error) {
    await handle.close();
    await fs.rm(tmpPath, { force: true });
    throw error;
  }
  return { handle, tmpPath, target };
}

export async function commitTemp(temp: TempFile, hooks: CommitHooks = {}): Promise<void> {
  try {
    await temp.handle.sync();
  } finally {
    await temp.handle.close();
  }
  await hooks.beforeRename?.();
  await fs.rename(temp.tmpPath, temp.target);
  await syncDir(path.dirname(temp.target));
}

export async function discardTemp(temp: TempFile): Promise<void> {
  await temp.handle.close().catch(() => undefined);
  await fs.rm(temp.tmpPath, { force: true });
}

export async function writeAtomic(
  target: string,
  content: string | Uint8Array,
  mode: number,
  options: { owner?: { uid: number; gid: number }; hooks?: CommitHooks } = {},
): Promise<void> {
  const temp = await openTemp(target, mode, options.owner);
  try {
    await temp.handle.writeFile(content);
  } catch (error) {
    await discardTemp(temp);
    throw error;
  }
  await commitTemp(temp, options.hooks);
}

export async function syncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Copies `source` to `backupPath` with its mode (a key's backup is as private as the key), in
 * directories only root can read. Returns false when there was nothing to back up.
 */
export async function backupFile(source: string, backupPath: string): Promise<boolean> {
  let st: import('node:fs').Stats;
  try {
    st = await fs.stat(source);
  } catch (error) {
    if (isCode(error, 'ENOENT')) return false;
    throw error;
  }
  await fs.mkdir(path.dirname(backupPath), { recursive: true, mode: 0o700 });
  await writeAtomic(backupPath, await fs.readFile(source), st.mode & 0o7777);
  return true;
}
