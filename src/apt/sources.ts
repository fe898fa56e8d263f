// The configured package sources of the target: one-line sources.list and sources.list.d/*.list,
// deb822 sources.list.d/*.sources, with how each one's signature is checked (Signed-By keyrings,
// fingerprints, an inline key block) and the options that turn checking off ([trusted=yes]).
import fs from 'node:fs/promises';
import type { System } from '../core/system.js';
import { parseDeb822, words } from './deb822.js';

export const SOURCES_LIST = '/etc/apt/sources.list';
export const SOURCES_DIR = '/etc/apt/sources.list.d';

export type SignedBy =
  | { readonly kind: 'keyring'; readonly paths: readonly string[] }
  | { readonly kind: 'fingerprint'; readonly ids: readonly string[] }
  | { readonly kind: 'inline'; readonly key: string };

export interface AptSource {
  /** The file on the target and the 1-based line of the entry (the stanza's first field). */
  readonly file: string;
  readonly line: number;
  readonly format: 'one-line' | 'deb822';
  readonly types: readonly string[];
  readonly uris: readonly string[];
  readonly suites: readonly string[];
  readonly components: readonly string[];
  /** Every option as written, keys lower-cased (arch, signed-by, trusted, check-valid-until…). */
  readonly options: Readonly<Record<string, string>>;
  /** How apt checks this source's signature; undefined: the keys in trusted.gpg(.d), apt's default. */
  readonly signedBy?: SignedBy;
  /** [trusted=yes] / Trusted: yes — apt accepts it unsigned, or signed by anyone. */
  readonly trusted: boolean;
  /** Enabled: no (deb822) turns an entry off. */
  readonly enabled: boolean;
}

export interface SourcesReport {
  readonly sources: readonly AptSource[];
  /** Lines apt would refuse or that lockstep could not read, with file and line. */
  readonly problems: readonly string[];
}

const yes = (v: string | undefined): boolean => v !== undefined && /^(yes|true|with|on|enable)$/i.test(v.trim());

export function signedByOf(value: string | undefined): SignedBy | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (value.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')) return { kind: 'inline', key: value.trim() };
  const items = value.split(/[\s,]+/).filter((w) => w !== '');
  if (items.every((i) => i.startsWith('/'))) return { kind: 'keyring', paths: items };
  return { kind: 'fingerprint', ids: items };
}

/** One-line sources: `deb [opt=value opt2=v] URI SUITE [COMPONENT…]`. */
export function parseOneLineSources(text: string, file: string): SourcesReport {
  const sources: AptSource[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const m = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)(.*)$/.exec(line);
    if (m === null) {
      problems.push(`${file}:${i + 1}: not a source line apt reads: "${raw.trim()}"`);
      return;
    }
    const options: Record<string, string> = {};
    for (const opt of words(m[2])) {
      const eq = opt.indexOf('=');
      if (eq > 0) options[opt.slice(0, eq).toLowerCase().replace(/[+-]$/, '')] = opt.slice(eq + 1);
    }
    const signedBy = signedByOf(options['signed-by']);
    sources.push({
      file,
      line: i + 1,
      format: 'one-line',
      types: [m[1]!],
      uris: [m[3]!],
      suites: [m[4]!],
      components: words(m[5]),
      options,
      ...(signedBy !== undefined ? { signedBy } : {}),
      trusted: yes(options.trusted),
      enabled: true,
    });
  });
  return { sources, problems };
}

/** deb822 sources: Types, URIs, Suites, Components, Signed-By (paths, fingerprints or a key block)… */
export function parseDeb822Sources(text: string, file: string): SourcesReport {
  const sources: AptSource[] = [];
  const problems: string[] = [];
  for (const s of parseDeb822(text)) {
    const types = words(s.get('Types'));
    const uris = words(s.get('URIs'));
    const suites = words(s.get('Suites'));
    if (types.length === 0 || uris.length === 0 || suites.length === 0) {
      problems.push(`${file}:${s.line}: a stanza without Types, URIs or Suites is ignored by apt`);
      continue;
    }
    const options = Object.fromEntries([...s.fields].filter(([k]) => !['types', 'uris', 'suites', 'components'].includes(k)));
    const signedBy = signedByOf(s.get('Signed-By'));
    sources.push({
      file,
      line: s.line,
      format: 'deb822',
      types,
      uris,
      suites,
      components: words(s.get('Components')),
      options,
      ...(signedBy !== undefined ? { signedBy } : {}),
      trusted: yes(s.get('Trusted')),
      enabled: s.get('Enabled') === undefined || yes(s.get('Enabled')),
    });
  }
  return { sources, problems };
}

/** apt reads sources.list.d files named [A-Za-z0-9_.-]+ ending .list or .sources; others it ignores. */
export function aptReadsSourceFile(name: string): 'list' | 'sources' | undefined {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) return undefined;
  return name.endsWith('.list') ? 'list' : name.endsWith('.sources') ? 'sources' : undefined;
}

/** Every source of the target, in the order apt reads them (sources.list, then sources.list.d sorted). */
export async function readSources(sys: System): Promise<SourcesReport> {
  const sources: AptSource[] = [];
  const problems: string[] = [];
  const add = (r: SourcesReport): void => {
    sources.push(...r.sources);
    problems.push(...r.problems);
  };
  const main = await sys.readText(SOURCES_LIST);
  if (main !== undefined) add(parseOneLineSources(main, SOURCES_LIST));
  let names: string[] = [];
  try {
    names = (await fs.readdir(sys.real(SOURCES_DIR))).sort();
  } catch {
    // no sources.list.d
  }
  for (const name of names) {
    const kind = aptReadsSourceFile(name);
    if (kind === undefined) continue;
    const file = `${SOURCES_DIR}/${name}`;
    const text = await sys.readText(file);
    if (text !== undefined) add(kind === 'list' ? parseOneLineSources(text, file) : parseDeb822Sources(text, file));
  }
  return { sources, problems };
}
