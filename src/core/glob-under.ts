// Shell-style globs (`*`, `?`, `[…]` in any component) over the target system: what sshd's and
// nginx's Include lines match under --root, in the order glob(3) returns them (sorted).
import fs from 'node:fs/promises';
import path from 'node:path';
import type { System } from './system.js';

/** The target paths matching a glob (`*`, `?`, `[…]` in any component), sorted as glob(3) sorts them. */
export async function globUnder(sys: System, pattern: string): Promise<string[]> {
  let found = ['/'];
  for (const part of pattern.split('/').filter((p) => p !== '')) {
    const next: string[] = [];
    for (const base of found) {
      if (!/[*?[]/.test(part)) {
        const candidate = path.posix.join(base, part);
        if ((await sys.stat(candidate)) !== undefined) next.push(candidate);
        continue;
      }
      const re = globRegExp(part);
      const names = await fs.readdir(sys.real(base)).catch(() => [] as string[]);
      for (const name of names.sort()) if (re.test(name) && !(name.startsWith('.') && !part.startsWith('.'))) next.push(path.posix.join(base, name));
    }
    found = next;
  }
  return found;
}

function globRegExp(part: string): RegExp {
  let re = '';
  for (let i = 0; i < part.length; i++) {
    const c = part[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = part.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${part.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
