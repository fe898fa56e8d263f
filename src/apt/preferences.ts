// apt's pinning (/etc/apt/preferences and preferences.d/): Package / Pin / Pin-Priority stanzas
// that raise, lower or forbid versions from an origin (apt_preferences(5)).
import fs from 'node:fs/promises';
import type { System } from '../core/system.js';
import { parseDeb822, words } from './deb822.js';
import { parseReleaseLine, type ReleaseInfo } from './policy.js';

export const PREFERENCES = '/etc/apt/preferences';
export const PREFERENCES_DIR = '/etc/apt/preferences.d';

export type PinTarget =
  | { readonly kind: 'release'; readonly release: ReleaseInfo; readonly text: string }
  | { readonly kind: 'origin'; readonly host: string }
  | { readonly kind: 'version'; readonly pattern: string };

export interface Pin {
  readonly file: string;
  readonly line: number;
  /** Package names or patterns ("*", "openssl", "/^lib/"); empty for a source pin (Package: src:...). */
  readonly packages: readonly string[];
  readonly pin: PinTarget;
  readonly priority: number;
  readonly explanation?: string;
}

export interface PreferencesReport {
  readonly pins: readonly Pin[];
  readonly problems: readonly string[];
}

/** "release o=Debian,a=stable" | "origin deb.example.org" | "version 1.2*" */
export function parsePinTarget(text: string): PinTarget | undefined {
  const m = /^(release|origin|version)\s+(.*)$/.exec(text.trim());
  if (m === null) return undefined;
  if (m[1] === 'origin') return { kind: 'origin', host: m[2]!.replace(/^"|"$/g, '') };
  if (m[1] === 'version') return { kind: 'version', pattern: m[2]! };
  // "release a=stable" or the short "release stable" (an archive name).
  const rest = m[2]!.trim();
  return { kind: 'release', text: rest, release: /=/.test(rest) ? parseReleaseLine(rest.replace(/,\s+/g, ',')) : { archive: rest } };
}

export function parsePreferences(text: string, file: string): PreferencesReport {
  const pins: Pin[] = [];
  const problems: string[] = [];
  for (const s of parseDeb822(text)) {
    const pin = parsePinTarget(s.get('Pin') ?? '');
    const priority = Number(s.get('Pin-Priority'));
    if (s.get('Package') === undefined || pin === undefined || !Number.isInteger(priority)) {
      problems.push(`${file}:${s.line}: a stanza needs Package, Pin (release/origin/version) and an integer Pin-Priority`);
      continue;
    }
    const explanation = s.get('Explanation');
    pins.push({ file, line: s.line, packages: words(s.get('Package')), pin, priority, ...(explanation !== undefined ? { explanation } : {}) });
  }
  return { pins, problems };
}

/** apt reads preferences.d files with no extension or ".pref", named [A-Za-z0-9_.-]+. */
export const aptReadsPreferenceFile = (name: string): boolean => /^[A-Za-z0-9_.-]+$/.test(name) && (!name.includes('.') || name.endsWith('.pref'));

export async function readPreferences(sys: System): Promise<PreferencesReport> {
  const pins: Pin[] = [];
  const problems: string[] = [];
  const add = (r: PreferencesReport): void => {
    pins.push(...r.pins);
    problems.push(...r.problems);
  };
  const main = await sys.readText(PREFERENCES);
  if (main !== undefined) add(parsePreferences(main, PREFERENCES));
  let names: string[] = [];
  try {
    names = (await fs.readdir(sys.real(PREFERENCES_DIR))).sort();
  } catch {
    // none
  }
  for (const name of names.filter(aptReadsPreferenceFile)) {
    const file = `${PREFERENCES_DIR}/${name}`;
    const text = await sys.readText(file);
    if (text !== undefined) add(parsePreferences(text, file));
  }
  return { pins, problems };
}
