// The Debian package (npm run build:deb): built from the single executable into a temporary
// folder, read back with dpkg-deb, installed with dpkg into a sandbox root (its own admin
// folder, never the host's dpkg database), run from there, removed; lintian where installed.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { REPO, tempRoot } from '../helpers.js';
import { requireExe } from './exe.js';

let sandbox: { root: string; cleanup: () => Promise<void> };
let deb: string;
let version: string;

before(async () => {
  requireExe();
  sandbox = await tempRoot('lockstep-deb-');
  version = (JSON.parse(await fs.readFile(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
  const arch = (await execa('dpkg', ['--print-architecture'])).stdout.trim();
  await execa('node', [path.join(REPO, 'scripts/build-deb.mjs'), '--fast', '--out', sandbox.root]);
  deb = path.join(sandbox.root, `lockstep_${version}_${arch}.deb`);
});
after(async () => sandbox?.cleanup());

/** A root for dpkg with an admin folder of its own; `status` is the package database it starts from. */
async function dpkgRoot(name: string, status: string): Promise<string> {
  const root = path.join(sandbox.root, name);
  const admin = path.join(root, 'var/lib/dpkg');
  for (const d of ['updates', 'info', 'triggers']) await fs.mkdir(path.join(admin, d), { recursive: true });
  await fs.writeFile(path.join(admin, 'status'), status);
  return root;
}
const dpkg = (root: string, ...args: string[]) => execa('dpkg', [`--root=${root}`, `--admindir=${path.join(root, 'var/lib/dpkg')}`, '--force-not-root', ...args], { reject: false });

test('dpkg-deb -I: the version, Depends on openssl and the libraries the executable links, Recommends and Suggests', async () => {
  const field = async (name: string): Promise<string> => (await execa('dpkg-deb', ['-f', deb, name])).stdout;
  assert.equal(await field('Package'), 'lockstep');
  assert.equal(await field('Version'), version);
  assert.equal(await field('Section'), 'admin');
  const depends = (await field('Depends')).split(', ');
  assert.ok(depends.includes('openssl'), depends.join(', '));
  assert.ok(depends.some((d) => /^libc6 \(>= [\d.]+\)$/.test(d)), `libc6 with a version from dpkg-shlibdeps: ${depends.join(', ')}`);
  assert.ok(!depends.some((d) => d.startsWith('nodejs')), 'Node is embedded, not depended on');
  assert.match(await field('Recommends'), /nftables \| iptables \| ufw/);
  assert.match(await field('Recommends'), /unattended-upgrades/);
  assert.match(await field('Suggests'), /nginx/);
  assert.match(await field('Suggests'), /needrestart/);
  const info = (await execa('dpkg-deb', ['-I', deb])).stdout;
  assert.match(info, /\slines\s+md5sums\s*$/m);
  assert.doesNotMatch(info, /\b(postinst|preinst|prerm|postrm)\b/, 'no maintainer scripts: installing changes nothing but the files');
});

test('dpkg-deb -c: the executable in /usr/bin, the man page and completions, copyright and changelog in /usr/share/doc/lockstep, owned by root', async () => {
  const lines = (await execa('dpkg-deb', ['-c', deb])).stdout.split('\n');
  const entry = (file: string): string | undefined => lines.find((l) => l.endsWith(` ./${file}`));
  assert.match(entry('usr/bin/lockstep') ?? 'missing', /^-rwxr-xr-x root\/root /);
  const generated = ['usr/share/man/man1/lockstep.1.gz', 'usr/share/bash-completion/completions/lockstep', 'usr/share/zsh/vendor-completions/_lockstep'];
  for (const f of ['usr/share/doc/lockstep/copyright', 'usr/share/doc/lockstep/changelog.gz', 'usr/share/lintian/overrides/lockstep', ...generated]) {
    assert.match(entry(f) ?? `missing ${f}`, /^-rw-r--r-- root\/root /, f);
  }
  for (const l of lines) assert.match(l, / root\/root /, l);
  const changelog = await execa('sh', ['-c', `dpkg-deb --fsys-tarfile "$1" | tar -xO ./usr/share/doc/lockstep/changelog.gz | gzip -dc`, 'sh', deb]);
  assert.match(changelog.stdout, new RegExp(`^lockstep \\(${version.replace(/\./g, '\\.')}\\) `));
  // gzip -9n: no time stamp in the header (bytes 4–7), so the same input gives the same package.
  const gz = await execa('sh', ['-c', `dpkg-deb --fsys-tarfile "$1" | tar -xO ./usr/share/doc/lockstep/changelog.gz | od -An -tx1 -N8`, 'sh', deb]);
  assert.deepEqual(gz.stdout.trim().split(/\s+/).slice(4), ['00', '00', '00', '00']);
});

test('dpkg --root: refused where openssl is not installed; installed, run, listed and removed where it is', async () => {
  const bare = await dpkgRoot('bare', '');
  const refused = await dpkg(bare, '-i', deb);
  assert.notEqual(refused.exitCode, 0);
  assert.match(refused.stderr, /depends on openssl/);

  // The database of this machine, where openssl and the libraries are installed (copied: the
  // host's own database is never written).
  const root = await dpkgRoot('root', await fs.readFile('/var/lib/dpkg/status', 'utf8'));
  const install = await dpkg(root, '-i', deb);
  assert.equal(install.exitCode, 0, install.stderr);
  const installed = path.join(root, 'usr/bin/lockstep');
  assert.equal((await fs.stat(installed)).mode & 0o777, 0o755);
  const run = await execa(installed, ['--version'], { env: { PATH: '/usr/bin:/bin' }, extendEnv: false });
  assert.equal(run.stdout, version);
  const listed = (await dpkg(root, '-L', 'lockstep')).stdout.split('\n');
  assert.ok(listed.includes('/usr/bin/lockstep') && listed.includes('/usr/share/doc/lockstep/copyright'), listed.join('\n'));
  const status = await dpkg(root, '-s', 'lockstep');
  assert.match(status.stdout, /^Status: install ok installed$/m);
  const removed = await dpkg(root, '-r', 'lockstep');
  assert.equal(removed.exitCode, 0, removed.stderr);
  assert.ok(!existsSync(installed));
});

const lintianMissing = ((): string | false => (existsSync('/usr/bin/lintian') ? false : 'lintian is not installed (.ci/run installs it)'))();

test('lintian: no error, no warning but the ones explained', { skip: lintianMissing }, async () => {
  const r = await execa('lintian', ['--tag-display-limit', '0', deb], { reject: false });
  const findings = r.stdout.split('\n').filter((l) => /^[EWIX]: /.test(l));
  // The man page is in the package (no no-manual-page), and man reads it without a warning.
  const left = findings.filter((l) => !l.startsWith('I: '));
  assert.deepEqual(left, [], r.stdout);
});
