// Who may still log in once passwords are off: the users' homes from /etc/passwd and the
// public keys in their authorized_keys that sshd would accept.
import path from 'node:path';
import type { System } from '../core/system.js';

const KEY_TYPES = new Set([
  'ssh-ed25519', 'ssh-rsa', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com', 'sk-ecdsa-sha2-nistp256@openssh.com',
]);

/** The key's type and blob, when the line holds a well-formed public key (options allowed before it). */
export function validKey(line: string): string | undefined {
  const text = line.trim();
  if (text === '' || text.startsWith('#')) return undefined;
  const words = text.split(/\s+/);
  const at = words.findIndex((w) => KEY_TYPES.has(w));
  const type = at === -1 ? undefined : words[at];
  const blob = at === -1 ? undefined : words[at + 1];
  if (type === undefined || blob === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob)) return undefined;
  const raw = Buffer.from(blob, 'base64');
  // The blob starts with its own type as an SSH string: a pasted key cut short or from another type fails here.
  const len = raw.length >= 4 ? raw.readUInt32BE(0) : -1;
  if (len <= 0 || raw.subarray(4, 4 + len).toString('latin1') !== type || raw.length < 4 + len + 16) return undefined;
  return type;
}

export interface UserKeys {
  readonly user: string;
  readonly home?: string;
  readonly file?: string;
  /** authorized_keys is there, whatever it holds (no valid key in it is another cause than no file). */
  readonly fileExists?: boolean;
  readonly validKeys: number;
}

export function homeOf(passwd: string, user: string): string | undefined {
  for (const line of passwd.split('\n')) {
    const f = line.split(':');
    if (f[0] === user && f.length >= 7) return f[5];
  }
  return undefined;
}

export async function userKeys(sys: System, user: string): Promise<UserKeys> {
  const home = homeOf((await sys.readText('/etc/passwd')) ?? '', user);
  if (home === undefined || !path.isAbsolute(home)) return { user, validKeys: 0 };
  const file = path.posix.join(home, '.ssh', 'authorized_keys');
  const read = await sys.readText(file);
  const text = read ?? '';
  return { user, home, file, fileExists: read !== undefined, validKeys: text.split('\n').filter((l) => validKey(l) !== undefined).length };
}
