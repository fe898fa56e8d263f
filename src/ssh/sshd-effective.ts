// What sshd would apply, read two ways: `sshd -T` (the truth: sshd's own parser) and the files in
// sshd's reading order (which file and line set a value, which later lines it ignored). Under
// --root, sshd reads the mapped copy of sshd-sandbox.ts (Include lines, host keys and every path
// keyword taken under the root), so the root's drop-ins are the ones read, never the host's.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { System } from '../core/system.js';
import { SSHD_CONFIG, withSshdConfig } from './sshd-sandbox.js';

export { SSHD_CONFIG };
export const DROPIN_DIR = '/etc/ssh/sshd_config.d';
export const DROPIN = `${DROPIN_DIR}/00-lockstep.conf`;

/** The settings key-only SSH comes down to, as `sshd -T` names them. */
export const KEY_ONLY_KEYS = ['passwordauthentication', 'kbdinteractiveauthentication', 'permitrootlogin', 'pubkeyauthentication'] as const;

/** `sshd -T` for a connection of `user` from localhost: the settings sshd would apply. */
export function sshdTArgv(sys: System, user: string, config = sys.real(SSHD_CONFIG)): string[] {
  return ['sshd', '-T', '-f', config, '-C', `user=${user},host=localhost,addr=127.0.0.1`];
}

export interface SshdView {
  /** The first value of each key, as sshd applies it. */
  readonly settings: Readonly<Record<string, string>>;
  /** Every value of keys printed once per entry (allowusers, allowgroups). */
  readonly lists: Readonly<Record<string, readonly string[]>>;
  /** How it was read, for evidence. */
  readonly argv: readonly string[];
}

/** One `sshd -T` run: the effective settings, or why they could not be read. */
export async function readSshd(sys: System, user: string): Promise<SshdView | string> {
  return withSshdConfig(sys, async (config, sandbox, told) => {
    const argv = sshdTArgv(sys, user, config);
    const r = await sys.probe(argv);
    if (r.exitCode !== 0) return told(r.stderr.trim()) || `sshd -T exited ${r.exitCode}`;
    const settings: Record<string, string> = {};
    const lists: Record<string, string[]> = {};
    for (const line of r.stdout.split('\n')) {
      const [k, ...v] = line.trim().split(/\s+/);
      if (k === undefined || k === '') continue;
      if (!(k in settings)) settings[k] = v.join(' ');
      (lists[k] ??= []).push(v.join(' '));
    }
    return { settings, lists, argv: sandbox !== undefined ? sshdTArgv(sys, user) : argv };
  });
}

export async function effectiveSettings(sys: System, user: string): Promise<Record<string, string> | string> {
  const view = await readSshd(sys, user);
  return typeof view === 'string' ? view : { ...view.settings };
}

/** Every value of a key sshd -T prints once per entry (allowusers, allowgroups). */
export async function effectiveList(sys: System, user: string, key: string): Promise<string[]> {
  const view = await readSshd(sys, user);
  return typeof view === 'string' ? [] : [...(view.lists[key] ?? [])];
}

/** sshd -T still prints prohibit-password by its old name. */
export const sameSetting = (got: string | undefined, want: string): boolean => got === want || (want === 'prohibit-password' && got === 'without-password');

export interface ConfigLine {
  readonly file: string;
  readonly line: number;
  readonly key: string;
  readonly value: string;
}

const globToRegExp = (glob: string): RegExp => new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);

/**
 * The global lines of the configuration in sshd's reading order: Include expanded in place (a
 * glob's files sorted), up to the first Match block. Paths are the target's (/etc/ssh/...).
 */
export async function configLines(sys: System, file = SSHD_CONFIG, depth = 0): Promise<ConfigLine[]> {
  const text = await sys.readText(file);
  if (text === undefined || depth > 8) return [];
  const out: ConfigLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*([A-Za-z]+)\s*(?:=\s*|\s+)(.*?)\s*$/.exec(lines[i]!.replace(/#.*$/, ''));
    if (m === null) continue;
    const key = m[1]!.toLowerCase();
    if (key === 'match') break;
    if (key !== 'include') {
      out.push({ file, line: i + 1, key, value: m[2]! });
      continue;
    }
    for (const word of m[2]!.split(/\s+/)) {
      // An Include already under the root (a test's config) names the real path: take it back.
      const real = sys.root !== '/' && word.startsWith(`${sys.root}/`) ? word.slice(sys.root.length) : word;
      const target = path.posix.isAbsolute(real) ? real : path.posix.join('/etc/ssh', real);
      const dir = path.posix.dirname(target);
      const names = await fs.readdir(sys.real(dir)).catch(() => [] as string[]);
      const pattern = globToRegExp(path.posix.basename(target));
      for (const name of names.filter((n) => pattern.test(n)).sort()) out.push(...(await configLines(sys, path.posix.join(dir, name), depth + 1)));
    }
  }
  return out;
}

export const where = (l: ConfigLine): string => `${l.file}:${l.line}`;
