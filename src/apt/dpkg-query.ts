// `dpkg-query -W -f FORMAT` on the target: one line per package, fields separated by tabs, so a
// value with spaces (Status) stays whole. dpkg's own view, to re-check versions after dpkg ran.
import type { System } from '../core/system.js';
import { probeDpkgQuery } from './apt-root.js';
import { parseStatusWords, type DpkgStatus } from './dpkg-status.js';

export const QUERY_FIELDS = ['Package', 'Version', 'Architecture', 'db:Status-Abbrev', 'Status'] as const;

/** The -f argument for `fields`: "${Package}\t${Version}…\n". */
export function queryFormat(fields: readonly string[] = QUERY_FIELDS): string {
  return `${fields.map((f) => `\${${f}}`).join('\t')}\n`;
}

/** Each line as field → value, for the fields the format asked. */
export function parseQueryOutput(text: string, fields: readonly string[] = QUERY_FIELDS): Record<string, string>[] {
  return text.split('\n').filter((l) => l !== '').map((line) => {
    const values = line.split('\t');
    return Object.fromEntries(fields.map((f, i) => [f, values[i] ?? '']));
  });
}

export interface QueriedPackage {
  readonly name: string;
  readonly version: string;
  readonly architecture: string;
  /** "ii ", "rc "...: want, state and error letters (dpkg-query(1)). */
  readonly abbrev: string;
  readonly status: DpkgStatus;
}

export function parseQueriedPackages(text: string): QueriedPackage[] {
  return parseQueryOutput(text).map((r) => ({
    name: r.Package!,
    version: r.Version!,
    architecture: r.Architecture!,
    abbrev: r['db:Status-Abbrev']!,
    status: parseStatusWords(r.Status),
  }));
}

/** Every package dpkg knows on the target (names: only those; none: all). Throws when dpkg-query fails. */
export async function queryPackages(sys: System, names: readonly string[] = []): Promise<QueriedPackage[]> {
  const r = await probeDpkgQuery(sys, ['-W', '-f', queryFormat(), ...names]);
  // Exit 1 with "no packages found matching X" still lists the others.
  if (r.exitCode !== 0 && !(r.exitCode === 1 && /no packages found/.test(r.stderr))) throw new Error(`dpkg-query -W failed: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
  return parseQueriedPackages(r.stdout);
}
