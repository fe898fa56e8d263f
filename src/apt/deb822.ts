// deb822 control data (dpkg status, Release files, .sources, preferences): stanzas of
// "Field: value" lines separated by blank lines; a line starting with space or tab continues
// the field (" ." an empty line); '#' lines are comments (apt allows them in its own files).

export interface Stanza {
  /** Field names are case-insensitive: looked up lower-cased. */
  get(name: string): string | undefined;
  readonly fields: ReadonlyMap<string, string>;
  /** 1-based line of the stanza's first field, for evidence ("sources.list.d/x.sources:3"). */
  readonly line: number;
}

function stanza(fields: Map<string, string>, line: number): Stanza {
  return { fields, line, get: (name) => fields.get(name.toLowerCase()) };
}

export function parseDeb822(text: string): Stanza[] {
  const out: Stanza[] = [];
  let fields = new Map<string, string>();
  let start = 0;
  let last: string | undefined;
  const flush = (): void => {
    if (fields.size > 0) out.push(stanza(fields, start));
    fields = new Map();
    last = undefined;
  };
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    if (raw.trim() === '') return flush();
    if (raw.startsWith('#')) return;
    if (/^[ \t]/.test(raw)) {
      if (last === undefined) return; // a continuation with nothing to continue: ignored
      const more = raw.trim() === '.' ? '' : raw.replace(/^[ \t]/, '');
      fields.set(last, `${fields.get(last) ?? ''}\n${more}`);
      return;
    }
    const m = /^([^:\s][^:]*):[ \t]*(.*)$/.exec(raw);
    if (m === null) return;
    if (fields.size === 0) start = i + 1;
    last = m[1]!.trim().toLowerCase();
    fields.set(last, m[2]!.trimEnd());
  });
  flush();
  return out;
}

/** The text of a clear-signed file (InRelease) without its OpenPGP armour; other text as it is. */
export function stripClearsign(text: string): string {
  const m = /-----BEGIN PGP SIGNED MESSAGE-----\r?\n(?:[^\n]+\r?\n)*\r?\n([\s\S]*?)\r?\n-----BEGIN PGP SIGNATURE-----/.exec(text);
  return m === null ? text : m[1]!.replace(/^- /gm, '');
}

/** A field's whitespace-separated words ("Suites: bookworm bookworm-updates"). */
export function words(value: string | undefined): string[] {
  return (value ?? '').split(/\s+/).filter((w) => w !== '');
}
