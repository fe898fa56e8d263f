// The target system as lockstep sees it: every absolute path is taken under `root`.
import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { UserError } from './errors.js';
import { spawnProber, type Prober, type ProbeOptions, type ProbeResult } from './probe.js';

export interface SystemOptions {
  /** Who answers `probe` (default: the real machine, through the spawn path). */
  readonly prober?: Prober;
  /** The session's: aborting it ends a running probe's process group. */
  readonly signal?: AbortSignal;
  /** The plans made from this machine's facts run on other machines (lockstep export): nothing here is live for them. */
  readonly model?: boolean;
}

export class System {
  readonly root: string;
  /** See SystemOptions.model. */
  readonly model: boolean;
  readonly #prober: Prober;

  constructor(root = '/', options: SystemOptions = {}) {
    this.root = path.resolve(root);
    this.model = options.model === true;
    this.#prober = options.prober ?? spawnProber(options.signal);
  }

  /**
   * Runs a read-only command (facts, checks) and returns what it printed; never throws for a
   * non-zero exit, and a missing tool is `missing` (exit 127). Paths in argv are as given: map
   * them with `real()`.
   */
  probe(argv: readonly string[], options?: ProbeOptions): Promise<ProbeResult> {
    return this.#prober(argv, options);
  }

  /** The real path of a target-system path. */
  real(target: string): string {
    if (!path.isAbsolute(target)) throw new UserError(`Internal path "${target}" is not absolute.`);
    const normal = path.normalize(target);
    return this.root === '/' ? normal : path.join(this.root, normal);
  }

  /**
   * The target path of a path that may already name the real one (a config written under the
   * root, as tests and copied servers do): the root taken off, or the path as it is.
   */
  targetOf(maybeReal: string): string {
    const root = this.root;
    if (root === '/') return maybeReal;
    return maybeReal === root ? '/' : maybeReal.startsWith(`${root}/`) ? maybeReal.slice(root.length) : maybeReal;
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
