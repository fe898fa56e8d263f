// `apt-get -s -V upgrade` / `dist-upgrade` (and install/remove): what apt would do, from its
// Inst/Conf/Remv/Purg lines, with the -V list's old => new as a cross-check.

/** One archive a version comes from, as apt prints it: "Debian-Security:12/stable-security". */
export interface SimOrigin {
  /** The Release file's Label (or Origin when there is no label). */
  readonly label?: string;
  /** The Release file's Version ("12", "12-updates"), when it has one. */
  readonly version?: string;
  /** The Release file's Suite ("stable-security"); for a source without a Release file, its site. */
  readonly archive: string;
}

export interface SimAction {
  readonly op: 'Inst' | 'Conf' | 'Remv' | 'Purg';
  readonly name: string;
  readonly arch?: string;
  /** The installed version it replaces or removes (missing for a new install). */
  readonly current?: string;
  /** The version installed or configured. */
  readonly candidate?: string;
  readonly origins: readonly SimOrigin[];
}

export interface Simulation {
  readonly actions: readonly SimAction[];
  /** Inst lines that replace an installed version (old → new). */
  readonly upgrades: readonly SimAction[];
  /** Inst lines without an installed version: new packages pulled in. */
  readonly installs: readonly SimAction[];
  readonly removals: readonly SimAction[];
  /** "N upgraded, M newly installed, K to remove and L not upgraded." */
  readonly counts?: { readonly upgraded: number; readonly installed: number; readonly removed: number; readonly held: number };
  /** The -V list: name → [old, new] as apt printed it. */
  readonly verbose: ReadonlyMap<string, readonly [string, string]>;
}

const LINE = /^(Inst|Conf|Remv|Purg) (\S+)(?: \[([^\]]*)\])?(?: \((\S+)(?: (.*?))?(?: \[([^\]]+)\])?\))?/;

/** "Debian:12.5/stable, Debian-Security:12/stable-security" → origins. */
export function parseOriginList(text: string): SimOrigin[] {
  return text.split(', ').map((part) => part.trim()).filter((p) => p !== '').map((part) => {
    const colon = part.indexOf(':');
    const label = colon === -1 ? undefined : part.slice(0, colon);
    const rest = colon === -1 ? part : part.slice(colon + 1);
    const slash = rest.lastIndexOf('/');
    return { ...(label !== undefined ? { label } : {}), ...(slash !== -1 ? { version: rest.slice(0, slash) } : {}), archive: slash === -1 ? rest : rest.slice(slash + 1) };
  });
}

export function parseSimulation(text: string): Simulation {
  const actions: SimAction[] = [];
  const verbose = new Map<string, readonly [string, string]>();
  let counts: Simulation['counts'];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (m !== null) {
      const [, op, name, current, candidate, origins, arch] = m;
      actions.push({
        op: op as SimAction['op'],
        name: name!,
        ...(arch !== undefined ? { arch } : {}),
        ...(current !== undefined ? { current } : {}),
        ...(candidate !== undefined ? { candidate } : {}),
        origins: origins !== undefined ? parseOriginList(origins) : [],
      });
      continue;
    }
    const v = /^ {2,}(\S+) \((\S+) => (\S+)\)$/.exec(line);
    if (v !== null) verbose.set(v[1]!, [v[2]!, v[3]!]);
    const c = /^(\d+) upgraded, (\d+) newly installed, (\d+) to remove and (\d+) not upgraded\./.exec(line);
    if (c !== null) counts = { upgraded: Number(c[1]), installed: Number(c[2]), removed: Number(c[3]), held: Number(c[4]) };
  }
  const inst = actions.filter((a) => a.op === 'Inst');
  return {
    actions,
    upgrades: inst.filter((a) => a.current !== undefined),
    installs: inst.filter((a) => a.current === undefined),
    removals: actions.filter((a) => a.op === 'Remv' || a.op === 'Purg'),
    ...(counts !== undefined ? { counts } : {}),
    verbose,
  };
}
