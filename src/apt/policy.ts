// `apt-cache policy`: with no package, the package files apt reads with each one's Release
// fields (o= a= n= l= c=) and priority; with packages, each one's installed and candidate
// version and the files every version comes from. Joined, they say where a candidate comes from.

/** A Release file's fields as `apt-cache policy` prints them ("release o=Debian,a=stable,…"). */
export interface ReleaseInfo {
  readonly origin?: string;
  readonly label?: string;
  /** a= (the Suite). */
  readonly archive?: string;
  /** n= */
  readonly codename?: string;
  readonly component?: string;
  readonly version?: string;
  readonly arch?: string;
  /** The host the index came from ("deb.debian.org"), from `origin HOST` under the release line. */
  readonly site?: string;
}

export interface PackageFile {
  readonly priority: number;
  /** The location as policy prints it: "http://deb.debian.org/debian bookworm/main amd64 Packages", or /var/lib/dpkg/status. */
  readonly location: string;
  readonly release: ReleaseInfo;
}

export interface PolicyVersion {
  readonly version: string;
  readonly priority: number;
  /** *** in the table: the installed version. */
  readonly installed: boolean;
  /** Locations (as in PackageFile.location) that offer this version. */
  readonly locations: readonly { readonly priority: number; readonly location: string }[];
}

export interface PackagePolicy {
  readonly name: string;
  readonly installed?: string;
  readonly candidate?: string;
  readonly versions: readonly PolicyVersion[];
}

const KEY: Readonly<Record<string, keyof ReleaseInfo>> = { o: 'origin', l: 'label', a: 'archive', n: 'codename', c: 'component', v: 'version', b: 'arch' };

/** "v=12,o=Debian,a=stable-security,n=bookworm-security,l=Debian-Security,c=main,b=amd64" */
export function parseReleaseLine(text: string): ReleaseInfo {
  const out: Record<string, string> = {};
  // Values may hold commas only escaped; apt prints labels with spaces as they are.
  for (const part of text.split(/,(?=[a-z]=)/)) {
    const eq = part.indexOf('=');
    const key = KEY[part.slice(0, eq)];
    const value = part.slice(eq + 1);
    if (key !== undefined && value !== '') out[key] = value;
  }
  return out as ReleaseInfo;
}

/** `apt-cache policy` without arguments: its "Package files:" list. */
export function parsePolicyFiles(text: string): PackageFile[] {
  const files: PackageFile[] = [];
  let current: { priority: number; location: string; release: Record<string, string> } | undefined;
  const push = (): void => {
    if (current !== undefined) files.push({ priority: current.priority, location: current.location, release: current.release as ReleaseInfo });
    current = undefined;
  };
  for (const line of text.split('\n')) {
    if (/^Pinned packages:/.test(line)) break;
    const file = /^ (-?\d+) (\S.*)$/.exec(line);
    if (file !== null) {
      push();
      current = { priority: Number(file[1]), location: file[2]!.trim(), release: {} };
      continue;
    }
    const release = /^\s+release (.*)$/.exec(line);
    if (release !== null && current !== undefined) current.release = { ...current.release, ...parseReleaseLine(release[1]!) };
    const origin = /^\s+origin (\S+)$/.exec(line);
    if (origin !== null && current !== undefined) current.release = { ...current.release, site: origin[1]! };
  }
  push();
  return files;
}

/** `apt-cache policy PKG…`: each package's versions. */
export function parsePackagePolicies(text: string): PackagePolicy[] {
  const out: { name: string; installed?: string; candidate?: string; versions: { version: string; priority: number; installed: boolean; locations: { priority: number; location: string }[] }[] }[] = [];
  for (const line of text.split('\n')) {
    const head = /^(\S+):$/.exec(line);
    if (head !== null) {
      out.push({ name: head[1]!, versions: [] });
      continue;
    }
    const pkg = out[out.length - 1];
    if (pkg === undefined) continue;
    const field = /^ {2}(Installed|Candidate): (.+)$/.exec(line);
    if (field !== null) {
      const value = field[2]!.trim();
      if (value !== '(none)') pkg[field[1] === 'Installed' ? 'installed' : 'candidate'] = value;
      continue;
    }
    const version = /^ (\*\*\*| {3}) (\S+) (-?\d+)$/.exec(line);
    if (version !== null) {
      pkg.versions.push({ version: version[2]!, priority: Number(version[3]), installed: version[1] === '***', locations: [] });
      continue;
    }
    const location = /^ {8}(-?\d+) (\S.*)$/.exec(line);
    if (location !== null) pkg.versions[pkg.versions.length - 1]?.locations.push({ priority: Number(location[1]), location: location[2]!.trim() });
  }
  return out;
}

/** The Release fields of every file that offers `version` of `pkg` (the status file left out). */
export function originsOf(pkg: PackagePolicy, version: string | undefined, files: readonly PackageFile[]): ReleaseInfo[] {
  const v = pkg.versions.find((x) => x.version === version);
  if (v === undefined) return [];
  const byLocation = new Map(files.map((f) => [f.location, f.release] as const));
  return v.locations.map((l) => byLocation.get(l.location)).filter((r): r is ReleaseInfo => r !== undefined && r.archive !== 'now');
}
