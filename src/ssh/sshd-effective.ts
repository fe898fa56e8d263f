// What sshd would apply, read two ways: `sshd -T` (the truth: sshd's own parser) and the files in
// sshd's reading order (which file and line set a value, which later lines it ignored). Under
// --root, Include and HostKey paths of the main config that point outside the root are mapped
// into it in a temporary copy (outside the root), so the root's drop-ins are the ones read.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { System } from '../core/system.js';

export const SSHD_CONFIG = '/etc/ssh/sshd_config';
export const DROPIN_DIR = '/etc/ssh/sshd_config.d';
export const DROPIN = `${DROPIN_DIR}/00-lockstep.conf`;

/** The settings key-only SSH comes down to, as `sshd -T` names them. */
export const KEY_ONLY_KEYS = ['passwordauthentication', 'kbdinteractiveauthentication', 'permitrootlogin', 'pubkeyauthentication'] as const;

/** `sshd -T` for a connection of `user` from localhost: the settings sshd would apply. */
export function sshdTArgv(sys: System, user: string, config = sys.real(SSHD_CONFIG)): string[] {
  return ['sshd', '-T', '-f', config, '-C', `user=${user},host=localhost,addr=127.0.0.1`];
}

const underRoot = (sys: System, p: string): boolean => sys.root === '/' || p === sys.root || p.startsWith(`${sys.root}/`);

/** The main config with Include/HostKey paths mapped into the root, or undefined when none needs it. */
async function mappedConfigText(sys: System): Promise<string | undefined> {
  if (sys.root === '/') return undefined;
  const text = await sys.readText(SSHD_CONFIG);
  if (text === undefined) return undefined;
  let changed = false;
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\s*)(Include|HostKey)(\s+)(.+?)\s*$/i.exec(line);
    if (m === null) {
      lines.push(line);
      continue;
    }
    const words: string[] = [];
    for (const w of m[4]!.split(/\s+/)) {
      const target = path.posix.isAbsolute(w) ? w : m[2]!.toLowerCase() === 'include' ? path.posix.join('/etc/ssh', w) : w;
      // A host key the root does not hold stays the host's: sshd -T needs one to start.
      const map = path.posix.isAbsolute(target) && !underRoot(sys, target) && (m[2]!.toLowerCase() === 'include' || (await sys.stat(target)) !== undefined);
      words.push(map ? sys.real(target) : w);
      changed ||= map;
    }
    lines.push(`${m[1]}${m[2]}${m[3]}${words.join(' ')}`);
  }
  return changed ? lines.join('\n') : undefined;
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
  const mapped = await mappedConfigText(sys);
  let dir: string | undefined;
  try {
    let config = sys.real(SSHD_CONFIG);
    if (mapped !== undefined) {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lockstep-sshd-'));
      config = path.join(dir, 'sshd_config');
      await fs.writeFile(config, mapped, { mode: 0o600 });
    }
    const argv = sshdTArgv(sys, user, config);
    const r = await sys.probe(argv);
    if (r.exitCode !== 0) return r.stderr.trim() || `sshd -T exited ${r.exitCode}`;
    const settings: Record<string, string> = {};
    const lists: Record<string, string[]> = {};
    for (const line of r.stdout.split('\n')) {
      const [k, ...v] = line.trim().split(/\s+/);
      if (k === undefined || k === '') continue;
      if (!(k in settings)) settings[k] = v.join(' ');
      (lists[k] ??= []).push(v.join(' '));
    }
    return { settings, lists, argv: mapped !== undefined ? sshdTArgv(sys, user) : argv };
  } finally {
    if (dir !== undefined) await fs.rm(dir, { recursive: true, force: true });
  }
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
