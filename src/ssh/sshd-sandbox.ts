// sshd under --root: `sshd -t` and `sshd -T` read absolute paths (Debian's own sshd_config says
// `Include /etc/ssh/sshd_config.d/*.conf`, and sshd loads /etc/ssh/ssh_host_*_key when no
// HostKey is set), which would be the host's drop-ins and keys, not the root's. For a root other
// than / they read a temporary, private copy of the root's configuration instead: every Include
// expanded under the root (files copied the same way, in sshd's order), every path a keyword
// names taken under the root, and the root's host keys named when the configuration names none.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { globUnder } from '../core/glob-under.js';
import type { System } from '../core/system.js';

export const SSHD_CONFIG = '/etc/ssh/sshd_config';
/** sshd resolves a relative Include against its configuration folder. */
const SSHD_DIR = '/etc/ssh';
/** Keywords whose values are files sshd reads (AuthorizedKeysFile is read per login, from the user's home, not by -t/-T). */
const PATH_KEYWORDS = new Set(['hostkey', 'hostcertificate', 'trustedusercakeys', 'revokedkeys', 'authorizedprincipalsfile', 'banner', 'modulifile', 'pidfile']);
const DEFAULT_HOST_KEYS = ['/etc/ssh/ssh_host_rsa_key', '/etc/ssh/ssh_host_ecdsa_key', '/etc/ssh/ssh_host_ed25519_key'];
/** sshd's own limit on nested Include. */
const MAX_DEPTH = 16;

export interface SshdConfigCopy {
  /** The file to give sshd's -f. */
  readonly config: string;
  /** Says what was mapped (the preview and the checks name it), or undefined on /. */
  readonly sandbox?: string;
  /** sshd's messages with each copy's path given back as the file it copies (/etc/ssh/…). */
  told(text: string): string;
  cleanup(): Promise<void>;
}

const same = (text: string): string => text;

const nothing = async (): Promise<void> => undefined;

/** The path sshd should read for the target's sshd_config: the file itself on /, a mapped copy under another root. */
export async function sshdConfigFor(sys: System): Promise<SshdConfigCopy> {
  if (sys.root === '/') return { config: SSHD_CONFIG, told: same, cleanup: nothing };
  const main = await sys.readText(SSHD_CONFIG);
  // Nothing to map: sshd says itself that the file is missing.
  if (main === undefined) return { config: sys.real(SSHD_CONFIG), told: same, cleanup: nothing };
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lockstep-sshd-copy-'));
  try {
    const writer = new Copier(sys, dir);
    const config = await writer.copy(SSHD_CONFIG, main, 0);
    // A copy's lines are the target's, but for the host keys put first: "line N" counts those out.
    const told = (text: string): string =>
      [...writer.copies].reduce(
        (t, [copy, { target, added }]) => t.replace(new RegExp(`${copy.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(: line (\\d+))?`, 'g'), (_m, at?: string, n?: string) => `${target}${at !== undefined ? `: line ${Number(n) - added}` : ''}`),
        text,
      );
    return { config, sandbox: `sandbox: sshd reads a copy of ${sys.real(SSHD_CONFIG)} whose Include lines and paths point into ${sys.root}`, told, cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
  } catch (error) {
    await fs.rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Runs `fn` with the configuration sshd should read (and how to tell its messages), and removes the copy afterwards. */
export async function withSshdConfig<T>(sys: System, fn: (config: string, sandbox: string | undefined, told: (text: string) => string) => Promise<T>): Promise<T> {
  const copy = await sshdConfigFor(sys);
  try {
    return await fn(copy.config, copy.sandbox, copy.told);
  } finally {
    await copy.cleanup();
  }
}

class Copier {
  #n = 0;
  /** Each copy written: the file of the target it copies, and how many lines were put before its own. */
  readonly copies = new Map<string, { readonly target: string; readonly added: number }>();
  #hostKeySeen = false;
  constructor(
    private readonly sys: System,
    private readonly dir: string,
  ) {}

  /** Writes the mapped copy of `target` (whose text is `text`) and returns its path. */
  async copy(target: string, text: string, depth: number): Promise<string> {
    const out: string[] = [];
    for (const line of text.split('\n')) out.push(await this.line(line, depth));
    let added = 0;
    if (depth === 0 && !this.#hostKeySeen) {
      // sshd's defaults are the host's keys: name the root's instead (first, before any Match block).
      const present = [];
      for (const k of DEFAULT_HOST_KEYS) if ((await this.sys.stat(k)) !== undefined) present.push(k);
      const keys = present.length > 0 ? present : DEFAULT_HOST_KEYS;
      const head = [`# lockstep: the root's host keys (${this.sys.root}), not the host's`, ...keys.map((k) => `HostKey ${this.sys.real(k)}`)];
      out.unshift(...head);
      added = head.length;
    }
    const file = path.join(this.dir, `${String(this.#n++).padStart(3, '0')}-${path.basename(target)}`);
    await fs.writeFile(file, out.join('\n'), { mode: 0o600 });
    this.copies.set(file, { target, added });
    return file;
  }

  private async line(line: string, depth: number): Promise<string> {
    const m = /^(\s*)([A-Za-z]+)(\s*=\s*|\s+)(.*?)\s*$/.exec(line);
    if (m === null) return line;
    const [, indent, keyword, sep, value] = m as unknown as [string, string, string, string, string];
    const key = keyword.toLowerCase();
    if (key === 'include') {
      if (depth >= MAX_DEPTH) throw new Error(`sshd_config: Include nested deeper than ${MAX_DEPTH}`);
      const copies: string[] = [];
      for (const word of unquoted(value)) {
        const pattern = path.posix.isAbsolute(this.sys.targetOf(word)) ? this.sys.targetOf(word) : path.posix.join(SSHD_DIR, word);
        for (const match of await globUnder(this.sys, pattern)) {
          const text = await this.sys.readText(match);
          if (text !== undefined) copies.push(await this.copy(match, text, depth + 1));
        }
      }
      // No match is no error for sshd; an Include of nothing keeps the line's place.
      return copies.length > 0 ? `${indent}Include ${copies.join(' ')}` : `${indent}# lockstep: no match under ${this.sys.root}: ${line.trim()}`;
    }
    if (!PATH_KEYWORDS.has(key)) return line;
    if (key === 'hostkey') this.#hostKeySeen = true;
    const mapped = unquoted(value).map((w) => (path.posix.isAbsolute(w) ? this.sys.real(this.sys.targetOf(w)) : w));
    return `${indent}${keyword}${sep}${mapped.join(' ')}`;
  }
}

function unquoted(value: string): string[] {
  return (value.match(/"[^"]*"|\S+/g) ?? []).map((w) => w.replace(/^"(.*)"$/, '$1'));
}
