// The target system as lockstep sees it: every absolute path is taken under `root`.
import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { UserError } from './errors.js';

export class System {
  readonly root: string;

  constructor(root = '/') {
    this.root = path.resolve(root);
  }

  /** The real path of a target-system path. */
  real(target: string): string {
    if (!path.isAbsolute(target)) throw new UserError(`Internal path "${target}" is not absolute.`);
    const normal = path.normalize(target);
    return this.root === '/' ? normal : path.join(this.root, normal);
  }

  async readText(target: string): Promise<string | undefined> {
    try {
      return await fs.readFile(this.real(target), 'utf8');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async stat(target: string): Promise<import('node:fs').Stats | undefined> {
    try {
      return await fs.lstat(this.real(target));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /**
   * Why a directory could not be created or written here, or undefined when it can: walks up to
   * the nearest existing ancestor, which must be a writable directory.
   */
  async whyNotWritableDir(target: string): Promise<string | undefined> {
    let current = path.normalize(target);
    for (;;) {
      const st = await this.stat(current);
      if (st !== undefined) {
        if (st.isSymbolicLink()) return `${current} is a symbolic link; lockstep does not write through links`;
        if (!st.isDirectory()) return `${current} exists and is not a directory`;
        try {
          await fs.access(this.real(current), constants.W_OK | constants.X_OK);
        } catch {
          return `${current} is not writable`;
        }
        return undefined;
      }
      const parent = path.dirname(current);
      if (parent === current) return undefined;
      current = parent;
    }
  }
}

/** No such path: nothing there, or a parent of it is a regular file (ENOTDIR). */
function isMissing(error: unknown): boolean {
  return isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR');
}

export function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
