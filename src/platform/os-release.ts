// /etc/os-release (os-release(5)): shell-style KEY=value lines, read into one zod-checked shape.
// The file is the distribution's own and may be absent (a bare chroot, a --root sandbox).
import { z } from 'zod';
import type { System } from '../core/system.js';

export const OS_RELEASE = '/etc/os-release';
/** Where os-release(5) says to look when /etc/os-release is missing. */
export const OS_RELEASE_FALLBACK = '/usr/lib/os-release';

const word = z.string().regex(/^[a-z0-9._-]+$/, 'lower-case letters, digits, "._-"');

/** The fields lockstep uses; every other key of the file is ignored. */
export const OsReleaseSchema = z.object({
  ID: word.default('linux'),
  /** Space-separated ids of the distributions this one derives from ("debian"). */
  ID_LIKE: z.string().optional(),
  VERSION_ID: z.string().optional(),
  VERSION_CODENAME: word.optional(),
  /** Ubuntu's; older Ubuntu releases had it where VERSION_CODENAME was missing. */
  UBUNTU_CODENAME: word.optional(),
  NAME: z.string().optional(),
  VERSION: z.string().optional(),
  PRETTY_NAME: z.string().default('Linux'),
});

export type OsRelease = z.infer<typeof OsReleaseSchema>;

/** KEY=value lines as the shell would read them: quotes removed, \" \\ \$ \` unescaped, comments skipped. */
export function parseOsReleaseFields(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m === null) continue;
    const [, key, value] = m as unknown as [string, string, string];
    out[key] = unquote(value);
  }
  return out;
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1);
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) return value.slice(1, -1).replace(/\\([\\"$`])/g, '$1');
  return value.replace(/\s+#.*$/, '');
}

/** The file's text as the schema's shape; a field of the wrong form is dropped, never thrown. */
export function parseOsRelease(text: string): OsRelease {
  const fields = parseOsReleaseFields(text);
  const parsed = OsReleaseSchema.safeParse(fields);
  if (parsed.success) return parsed.data;
  // One odd field (an upper-case VERSION_CODENAME on a derivative) must not hide the rest.
  const bad = new Set(parsed.error.issues.map((i) => String(i.path[0])));
  return OsReleaseSchema.parse(Object.fromEntries(Object.entries(fields).filter(([k]) => !bad.has(k))));
}

/** The target's os-release under --root (or the fallback path); undefined when neither exists. */
export async function readOsRelease(sys: System): Promise<OsRelease | undefined> {
  const text = (await sys.readText(OS_RELEASE)) ?? (await sys.readText(OS_RELEASE_FALLBACK));
  return text === undefined ? undefined : parseOsRelease(text);
}
