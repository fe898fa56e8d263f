// A small apt world of the test's own: two flat file repositories (a "security" one and a
// regular "updates" one, each with one package in version 1.1), a dpkg status file that says
// version 1.0 of both is installed, and an APT_CONFIG that points apt and unattended-upgrade at
// them and nothing else: no network, no real sources, nothing of the host's dpkg state.
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { tempRoot } from '../helpers.js';

async function deb(dir: string, name: string, version: string): Promise<void> {
  const src = path.join(dir, `${name}-src`);
  await fs.mkdir(path.join(src, 'DEBIAN'), { recursive: true });
  await fs.writeFile(
    path.join(src, 'DEBIAN/control'),
    `Package: ${name}\nVersion: ${version}\nArchitecture: all\nMaintainer: lockstep tests <tests@example.org>\nDescription: test package\n`,
  );
  await execa('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', src, path.join(dir, `${name}_${version}_all.deb`)]);
  await fs.rm(src, { recursive: true });
}

async function flatRepo(dir: string, pkg: string, release: Record<string, string>): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await deb(dir, pkg, '1.1');
  const packages = (await execa('dpkg-scanpackages', ['-m', '.', '/dev/null'], { cwd: dir })).stdout + '\n';
  await fs.writeFile(path.join(dir, 'Packages'), packages);
  const sha = createHash('sha256').update(packages).digest('hex');
  const fields = Object.entries({ ...release, Architectures: 'all amd64', Date: new Date().toUTCString() }).map(([k, v]) => `${k}: ${v}`);
  await fs.writeFile(path.join(dir, 'Release'), `${fields.join('\n')}\nSHA256:\n ${sha} ${Buffer.byteLength(packages)} Packages\n`);
}

export interface AptWorld {
  /** The APT_CONFIG file. */
  readonly config: string;
  readonly codename: string;
}

export async function makeAptWorld(dir: string): Promise<AptWorld> {
  const codename = /^VERSION_CODENAME=("?)([a-z]+)\1$/m.exec(await fs.readFile('/etc/os-release', 'utf8'))?.[2] ?? 'bookworm';
  await flatRepo(path.join(dir, 'security'), 'lockstep-secpkg', { Origin: 'Debian', Label: 'Debian-Security', Suite: 'stable-security', Codename: `${codename}-security` });
  await flatRepo(path.join(dir, 'updates'), 'lockstep-updpkg', { Origin: 'Debian', Label: 'Debian', Suite: 'stable-updates', Codename: `${codename}-updates` });
  const installed = (name: string) =>
    `Package: ${name}\nStatus: install ok installed\nPriority: optional\nSection: misc\nMaintainer: lockstep tests <tests@example.org>\nArchitecture: all\nVersion: 1.0\nDescription: test package\n`;
  await fs.writeFile(path.join(dir, 'status'), `${installed('lockstep-secpkg')}\n${installed('lockstep-updpkg')}\n`);
  await fs.writeFile(
    path.join(dir, 'sources.list'),
    `deb [trusted=yes] file:${path.join(dir, 'security')} ./\ndeb [trusted=yes] file:${path.join(dir, 'updates')} ./\n`,
  );
  for (const d of ['state/lists/partial', 'cache/archives/partial', 'log', 'sources.list.d', 'empty-parts']) await fs.mkdir(path.join(dir, d), { recursive: true });
  const config = path.join(dir, 'apt.conf');
  await fs.writeFile(
    config,
    [
      `Dir::State "${dir}/state/";`,
      `Dir::State::lists "${dir}/state/lists/";`,
      `Dir::State::status "${dir}/status";`,
      `Dir::Cache "${dir}/cache/";`,
      `Dir::Log "${dir}/log/";`,
      `Dir::Etc::sourcelist "${dir}/sources.list";`,
      `Dir::Etc::sourceparts "${dir}/sources.list.d/";`,
      `Dir::Etc::parts "${dir}/empty-parts/";`,
      `Unattended-Upgrade::LogDir "${dir}/log/";`,
      'Debug::NoLocking "true";',
      'APT::Sandbox::User "root";',
      '',
    ].join('\n'),
  );
  const update = await execa('apt-get', ['update'], { env: { APT_CONFIG: config }, reject: false });
  if (update.exitCode !== 0) throw new Error(`apt-get update of the test repositories failed: ${update.stderr}`);
  return { config, codename };
}

/**
 * A --root for `lockstep updates`: this machine's os-release, and unattended-upgrades shown as
 * installed (it is, on this machine), so the plan does not run apt-get install.
 */
export async function updatesRoot(): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const t = await tempRoot('lockstep-updates-');
  await fs.mkdir(path.join(t.root, 'etc'), { recursive: true });
  await fs.copyFile('/etc/os-release', path.join(t.root, 'etc/os-release'));
  await fs.mkdir(path.join(t.root, 'usr/bin'), { recursive: true });
  await fs.writeFile(path.join(t.root, 'usr/bin/unattended-upgrade'), '');
  return t;
}
