// An apt world of the test's own, for lockstep's apt module, `updates` and `patch`: local flat
// file repositories built with dpkg-deb + dpkg-scanpackages (one whose Release says it is the
// security suite, one of regular updates, optionally one signed with a throwaway gpg key),
// and a --root R whose apt configuration points at them and whose dpkg database has the old
// versions installed by the real dpkg (`dpkg --root=R -i`: status, info/*.list, *.md5sums).
// apt and dpkg only ever act on R (lockstep's own src/apt/apt-root.ts options), never the host.
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { aptArgs, aptRootConfig, aptTarget, dpkgArgs } from '../../src/apt/apt-root.js';
import { argText } from '../../src/core/describe.js';
import { System } from '../../src/core/system.js';
import { tempRoot } from '../helpers.js';

export interface TestPackage {
  readonly name: string;
  readonly version: string;
  /** Extra control fields (Depends, Section...). */
  readonly control?: Readonly<Record<string, string>>;
  /** Files in the package, path (absolute on the target) → content. */
  readonly files?: Readonly<Record<string, string>>;
  /** Files among `files` that are conffiles. */
  readonly conffiles?: readonly string[];
  /** Maintainer scripts (postinst...): run by dpkg chrooted into R (installShell first). */
  readonly scripts?: Readonly<Record<string, string>>;
}

export interface TestRepo {
  /** Folder name under the world's repos/. */
  readonly name: string;
  /** Release fields: Origin, Label, Suite, Codename. */
  readonly release: Readonly<Record<string, string>>;
  readonly packages: readonly TestPackage[];
  /** Sign InRelease/Release.gpg with the world's throwaway key; the source then uses signed-by. */
  readonly signed?: boolean;
  /** How the root's sources name it: a one-line .list, or a deb822 .sources file. */
  readonly format?: 'list' | 'sources';
}

export interface AptWorld {
  /** The --root: its etc/apt points at the repositories, its dpkg database holds `installed`. */
  readonly root: string;
  /** The world's own folder (repositories, keys); not under the root. */
  readonly dir: string;
  /** An APT_CONFIG for the root (lockstep's aptRootConfig), for tools a test runs itself (unattended-upgrade). */
  readonly aptConfig: string;
  readonly codename: string;
  /** The throwaway key's keyring (binary), when a repository is signed. */
  readonly keyring?: string;
  /** Runs apt-get/apt-cache/dpkg-query... on the root the way lockstep does (env, options). */
  apt(tool: string, args: readonly string[]): Promise<{ exitCode: number | undefined; stdout: string; stderr: string }>;
  /** Builds a package into a repository after the fact (a newer version published), re-indexes it. */
  publish(repo: string, pkg: TestPackage): Promise<void>;
  cleanup(): Promise<void>;
}

/** unattended-upgrades shown as installed under the root (it is, on this machine): `updates` plans no apt-get install. */
export async function markUnattendedUpgrades(root: string): Promise<void> {
  await fs.mkdir(path.join(root, 'usr/bin'), { recursive: true });
  await fs.writeFile(path.join(root, 'usr/bin/unattended-upgrade'), '');
  await fs.mkdir(path.join(root, 'var/log/unattended-upgrades'), { recursive: true }); // the package ships it
}

const exists = (file: string): Promise<boolean> => fs.access(file).then(() => true, () => false);

export const hostCodename = async (): Promise<string> =>
  /^VERSION_CODENAME=("?)([a-z]+)\1$/m.exec(await fs.readFile('/etc/os-release', 'utf8'))?.[2] ?? 'bookworm';

async function buildDeb(dir: string, pkg: TestPackage): Promise<string> {
  const src = path.join(dir, `.${pkg.name}_${pkg.version}-src`);
  await fs.mkdir(path.join(src, 'DEBIAN'), { recursive: true });
  const control = { Package: pkg.name, Version: pkg.version, Architecture: 'all', Maintainer: 'lockstep tests <tests@example.org>', Section: 'misc', Priority: 'optional', ...pkg.control, Description: `lockstep test package ${pkg.name}` };
  await fs.writeFile(path.join(src, 'DEBIAN/control'), `${Object.entries(control).map(([k, v]) => `${k}: ${v}`).join('\n')}\n`);
  for (const [file, content] of Object.entries(pkg.files ?? {})) {
    await fs.mkdir(path.join(src, path.dirname(file)), { recursive: true });
    await fs.writeFile(path.join(src, file), content);
  }
  if (pkg.conffiles !== undefined) await fs.writeFile(path.join(src, 'DEBIAN/conffiles'), `${pkg.conffiles.join('\n')}\n`);
  for (const [name, body] of Object.entries(pkg.scripts ?? {})) await fs.writeFile(path.join(src, 'DEBIAN', name), body, { mode: 0o755 });
  const deb = path.join(dir, `${pkg.name}_${pkg.version}_all.deb`);
  await execa('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', src, deb]);
  await fs.rm(src, { recursive: true });
  return deb;
}

async function indexRepo(dir: string, release: Readonly<Record<string, string>>, gnupghome?: string): Promise<void> {
  const packages = `${(await execa('dpkg-scanpackages', ['-m', '.', '/dev/null'], { cwd: dir })).stdout}\n`;
  await fs.writeFile(path.join(dir, 'Packages'), packages);
  const sha = createHash('sha256').update(packages).digest('hex');
  const fields = Object.entries({ ...release, Architectures: 'all amd64 arm64', Date: new Date().toUTCString() }).map(([k, v]) => `${k}: ${v}`);
  const text = `${fields.join('\n')}\nSHA256:\n ${sha} ${Buffer.byteLength(packages)} Packages\n`;
  await fs.writeFile(path.join(dir, 'Release'), text);
  if (gnupghome === undefined) return;
  for (const f of ['InRelease', 'Release.gpg']) await fs.rm(path.join(dir, f), { force: true });
  const env = { GNUPGHOME: gnupghome };
  await execa('gpg', ['--batch', '--yes', '--clearsign', '-o', path.join(dir, 'InRelease'), path.join(dir, 'Release')], { env });
  await execa('gpg', ['--batch', '--yes', '-abs', '-o', path.join(dir, 'Release.gpg'), path.join(dir, 'Release')], { env });
}

/** Copies /bin/sh (dash) and the libraries it needs into root, so dpkg's chrooted maintainer scripts can run. */
export async function installShell(root: string): Promise<void> {
  const sh = await fs.realpath('/bin/sh');
  const libs = (await execa('ldd', [sh])).stdout.split('\n').map((l) => /(\/\S+) \(0x/.exec(l)?.[1]).filter((l): l is string => l !== undefined);
  for (const file of [sh, ...libs]) {
    const target = path.join(root, file);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.copyFile(file, target);
    await fs.chmod(target, 0o755);
  }
  await fs.mkdir(path.join(root, 'bin'), { recursive: true });
  await fs.rm(path.join(root, 'bin/sh'), { force: true });
  await fs.symlink(sh, path.join(root, 'bin/sh'));
}

/**
 * The usual world, labelled as Debian's archives are (Origin, Label, Suite, Codename, Version):
 * security has secpkg 1.1, libsec 2.0-1+deb1 and mixed 1.1; updates has updpkg 1.1, mixed 1.2
 * (newer than the security fix, so the candidate comes from updates) and newpkg 3.0 (not
 * installed). DEFAULT_INSTALLED has the old versions of the first four.
 */
export async function defaultRepos(codename: string): Promise<TestRepo[]> {
  const version = /^VERSION_ID="?([0-9.]+)"?$/m.exec(await fs.readFile('/etc/os-release', 'utf8'))?.[1] ?? '12';
  const file = (name: string, version: string): Record<string, string> => ({ [`/usr/share/lockstep-test/${name}.txt`]: `${name} ${version}\n` });
  const pkg = (name: string, version: string, extra: Partial<TestPackage> = {}): TestPackage => ({ name, version, files: file(name, version), ...extra });
  return [
    {
      name: 'security',
      release: { Origin: 'Debian', Label: 'Debian-Security', Suite: 'stable-security', Version: version, Codename: `${codename}-security` },
      packages: [pkg('lockstep-secpkg', '1.1'), pkg('lockstep-libsec', '2.0-1+deb1'), pkg('lockstep-mixed', '1.1')],
    },
    {
      name: 'updates',
      release: { Origin: 'Debian', Label: 'Debian', Suite: 'stable-updates', Version: `${version}-updates`, Codename: `${codename}-updates` },
      packages: [pkg('lockstep-updpkg', '1.1'), pkg('lockstep-mixed', '1.2'), pkg('lockstep-newpkg', '3.0')],
      format: 'sources',
    },
  ];
}

export const DEFAULT_INSTALLED: readonly TestPackage[] = [
  { name: 'lockstep-secpkg', version: '1.0', files: { '/usr/share/lockstep-test/lockstep-secpkg.txt': 'lockstep-secpkg 1.0\n', '/etc/lockstep-secpkg.conf': 'setting = 1\n' }, conffiles: ['/etc/lockstep-secpkg.conf'] },
  { name: 'lockstep-libsec', version: '2.0-1', files: { '/usr/share/lockstep-test/lockstep-libsec.txt': 'lockstep-libsec 2.0-1\n' } },
  { name: 'lockstep-updpkg', version: '1.0', files: { '/usr/share/lockstep-test/lockstep-updpkg.txt': 'lockstep-updpkg 1.0\n' } },
  { name: 'lockstep-mixed', version: '1.0', files: { '/usr/share/lockstep-test/lockstep-mixed.txt': 'lockstep-mixed 1.0\n' } },
];

export interface AptWorldOptions {
  readonly repos?: readonly TestRepo[];
  /** Installed with the real dpkg before the lists are fetched (default DEFAULT_INSTALLED; [] for none). */
  readonly installed?: readonly TestPackage[];
  /** Copy /bin/sh into the root, for packages with maintainer scripts. */
  readonly shell?: boolean;
  /** Build into this existing --root (the test owns it) instead of a new one. */
  readonly root?: string;
}

export async function makeAptWorld(options: AptWorldOptions = {}): Promise<AptWorld> {
  const t = await tempRoot('lockstep-aptworld-');
  const dir = t.root;
  const root = options.root ?? path.join(dir, 'root');
  const codename = await hostCodename();
  const repos = options.repos ?? (await defaultRepos(codename));
  let gnupghome: string | undefined;
  let keyring: string | undefined;
  if (repos.some((r) => r.signed === true)) {
    gnupghome = path.join(dir, 'gnupg');
    await fs.mkdir(gnupghome, { mode: 0o700 });
    await execa('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', 'lockstep test repository <repo@example.org>', 'default', 'default', 'never'], { env: { GNUPGHOME: gnupghome } });
    keyring = path.join(dir, 'lockstep-test-archive.gpg');
    await fs.writeFile(keyring, (await execa('gpg', ['--batch', '--export'], { env: { GNUPGHOME: gnupghome }, encoding: 'buffer' })).stdout);
  }
  for (const d of ['etc/apt/sources.list.d', 'etc/apt/apt.conf.d', 'etc/apt/preferences.d', 'var/lib/apt/lists/partial', 'var/cache/apt/archives/partial', 'var/log/apt', 'var/lib/dpkg/info', 'var/lib/dpkg/updates', 'var/lib/dpkg/triggers', 'var/run']) {
    await fs.mkdir(path.join(root, d), { recursive: true });
  }
  if (!(await exists(path.join(root, 'var/lib/dpkg/status')))) await fs.writeFile(path.join(root, 'var/lib/dpkg/status'), '');
  if (!(await exists(path.join(root, 'etc/os-release')))) await fs.writeFile(path.join(root, 'etc/os-release'), await fs.readFile('/etc/os-release'));
  // The repositories live under a 0700 temp folder apt's _apt user cannot read: fetch as root.
  await fs.writeFile(path.join(root, 'etc/apt/apt.conf.d/00lockstep-test'), 'APT::Sandbox::User "root";\nAcquire::Languages "none";\n');
  const lines: string[] = [];
  for (const repo of repos) {
    const repoDir = path.join(dir, 'repos', repo.name);
    await fs.mkdir(repoDir, { recursive: true });
    for (const pkg of repo.packages) await buildDeb(repoDir, pkg);
    await indexRepo(repoDir, repo.release, repo.signed === true ? gnupghome : undefined);
    const trust = repo.signed === true ? `signed-by=${keyring}` : 'trusted=yes';
    if (repo.format === 'sources') {
      await fs.writeFile(
        path.join(root, `etc/apt/sources.list.d/lockstep-test-${repo.name}.sources`),
        `# ${repo.name} (lockstep test)\nTypes: deb\nURIs: file:${repoDir}\nSuites: ./\n${repo.signed === true ? `Signed-By: ${keyring}` : 'Trusted: yes'}\n`,
      );
    } else {
      lines.push(`deb [${trust}] file:${repoDir} ./`);
    }
  }
  await fs.writeFile(path.join(root, 'etc/apt/sources.list.d/lockstep-test.list'), `${lines.join('\n')}\n`);
  if (options.shell === true) await installShell(root);

  const sys = new System(root);
  const target = aptTarget(sys);
  const rootConfig = path.join(dir, 'apt-root.conf');
  await fs.writeFile(rootConfig, aptRootConfig(root, undefined));
  const apt: AptWorld['apt'] = async (tool, args) => {
    const opts = tool === 'dpkg' ? dpkgArgs(target) : tool === 'dpkg-query' ? [`--admindir=${path.join(root, 'var/lib/dpkg')}`] : aptArgs(target);
    const r = await execa(tool, [...opts.map((a) => argText(a, sys)), ...args], { env: { APT_CONFIG: rootConfig, LC_ALL: 'C' }, extendEnv: true, reject: false });
    return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
  };
  const installed = options.installed ?? DEFAULT_INSTALLED;
  if (installed.length > 0) {
    const debs = path.join(dir, 'installed');
    await fs.mkdir(debs, { recursive: true });
    const files = await Promise.all(installed.map((p) => buildDeb(debs, p)));
    const r = await apt('dpkg', ['-i', ...files]);
    if (r.exitCode !== 0) throw new Error(`dpkg --root -i of the installed versions failed: ${r.stderr}`);
  }
  const update = await apt('apt-get', ['update']);
  if (update.exitCode !== 0 || /^(W|E): /m.test(update.stderr)) throw new Error(`apt-get update of the test repositories failed: ${update.stderr}`);

  return {
    root,
    dir,
    aptConfig: rootConfig,
    codename,
    ...(keyring !== undefined ? { keyring } : {}),
    apt,
    async publish(repoName, pkg) {
      const repo = repos.find((r) => r.name === repoName);
      if (repo === undefined) throw new Error(`no repository ${repoName}`);
      const repoDir = path.join(dir, 'repos', repoName);
      await buildDeb(repoDir, pkg);
      await indexRepo(repoDir, repo.release, repo.signed === true ? gnupghome : undefined);
    },
    async cleanup() {
      if (gnupghome !== undefined) await execa('gpgconf', ['--kill', 'all'], { env: { GNUPGHOME: gnupghome }, reject: false });
      await t.cleanup();
    },
  };
}
