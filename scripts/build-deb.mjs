// `npm run build:deb`: build/lockstep_<version>_<arch>.deb with dpkg-deb, from the single
// executable (npm run build:exe, run first by build:deb): /usr/bin/lockstep, the man page, the
// bash and zsh completions, the copyright and changelog in /usr/share/doc/lockstep, Depends on openssl and on the libraries the executable
// links (as dpkg-shlibdeps reads them), Recommends/Suggests for the tools some steps drive.
// `--out DIR` writes the package elsewhere and `--fast` compresses less (xz -1: 15 s instead of a
// minute for 3 MB more); the tests use both.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeManifest } from './manifest.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
const outAt = process.argv.indexOf('--out');
const outDir = outAt >= 0 ? path.resolve(process.argv[outAt + 1] ?? '') : path.join(repo, 'build');
const level = process.argv.includes('--fast') ? '-z1' : '-z6';
const exe = path.join(repo, 'build', `lockstep-linux-${process.arch}`);
if (!fs.existsSync(exe)) throw new Error(`build:deb: ${path.relative(repo, exe)} is missing: run "npm run build:exe" first`);
const arch = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
const version = pkg.version;
// A native package: the version is lockstep's own (no Debian revision).
const deb = path.join(outDir, `lockstep_${version}_${arch}.deb`);
const maintainer = pkg.author ?? 'lockstep maintainers <lockstep@users.noreply.github.com>';

// What the steps run. Depends: what lockstep cannot start without (every certificate step calls
// openssl). Recommends: what the default path of onboard drives on a server. Suggests: what
// only some choices use.
const DEPENDS = ['openssl'];
const RECOMMENDS = ['ca-certificates', 'nftables | iptables | ufw', 'unattended-upgrades'];
const SUGGESTS = ['nginx', 'openssh-server', 'ufw', 'iptables', 'needrestart', 'apt-listchanges'];

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-deb-'));
/** A file of the package: parents 0755, owned by root in the archive (dpkg-deb --root-owner-group). */
function put(rel, content, mode) {
  const file = path.join(work, 'debian', 'lockstep', rel);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
  if (typeof content === 'string' || Buffer.isBuffer(content)) fs.writeFileSync(file, content);
  else fs.copyFileSync(content.copyOf, file);
  fs.chmodSync(file, mode);
  return file;
}
/** gzip -9n: no name and no time stamp in the header, so the same input gives the same bytes. */
const gzip9n = (text) => execFileSync('gzip', ['-9n'], { input: text });

try {
  put('usr/bin/lockstep', { copyOf: exe }, 0o755);
  // The man page and the completions, made from the same command manifest as the executable's
  // --help (scripts/manifest.mjs): never a hand-written copy.
  const made = await makeManifest(version);
  put('usr/share/man/man1/lockstep.1.gz', gzip9n(made.manPage), 0o644);
  put('usr/share/bash-completion/completions/lockstep', made.completion.bash, 0o644);
  put('usr/share/zsh/vendor-completions/_lockstep', made.completion.zsh, 0o644);
  put('usr/share/doc/lockstep/copyright', copyright(), 0o644);
  // The executable is the node binary with lockstep injected: it carries Node's own zlib (and
  // OpenSSL, ICU, …) and is linked the way Node's release build is (not as PIE). Debian's
  // nodejs package cannot be used instead (bookworm and jammy ship Node 18; lockstep needs 20).
  put('usr/share/lintian/overrides/lockstep', [
    '# Node.js embeds zlib; the single executable is Node with lockstep injected.',
    'lockstep: embedded-library zlib [usr/bin/lockstep]',
    '# Node.js release builds are not position independent; lockstep does not compile Node.',
    'lockstep: hardening-no-pie [usr/bin/lockstep]',
    '# lockstep reads dpkg\'s status and file lists (read-only) under --root R, where it must',
    '# name R/var/lib/dpkg itself; every change goes through dpkg and apt-get.',
    'lockstep: uses-dpkg-database-directly [usr/bin/lockstep]',
    '',
  ].join('\n'), 0o644);
  put('usr/share/doc/lockstep/changelog.gz', gzip9n(changelog()), 0o644);

  const pkgRoot = path.join(work, 'debian', 'lockstep');
  // dpkg-shlibdeps reads the ELF's NEEDED libraries and the symbol versions used, against the
  // installed packages' shlibs/symbols files; it wants a debian/control beside the tree.
  fs.writeFileSync(path.join(work, 'debian', 'control'), 'Source: lockstep\n\nPackage: lockstep\nArchitecture: any\n');
  const shlibs = execFileSync('dpkg-shlibdeps', ['-O', '-e', 'debian/lockstep/usr/bin/lockstep'], { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const libs = /^shlibs:Depends=(.*)$/m.exec(shlibs)?.[1];
  if (libs === undefined) throw new Error(`build:deb: dpkg-shlibdeps said nothing usable: ${shlibs}`);

  const files = listFiles(pkgRoot);
  const md5sums = files.map((f) => `${crypto.createHash('md5').update(fs.readFileSync(path.join(pkgRoot, f))).digest('hex')}  ${f}\n`).join('');
  const installedKiB = files.reduce((sum, f) => sum + Math.ceil(fs.statSync(path.join(pkgRoot, f)).size / 1024), 0);
  const control = [
    'Package: lockstep',
    `Version: ${version}`,
    `Architecture: ${arch}`,
    `Maintainer: ${maintainer}`,
    `Installed-Size: ${installedKiB}`,
    `Depends: ${[...DEPENDS, ...libs.split(', ')].join(', ')}`,
    `Recommends: ${RECOMMENDS.join(', ')}`,
    `Suggests: ${SUGGESTS.join(', ')}`,
    'Section: admin',
    'Priority: optional',
    ...(pkg.homepage ? [`Homepage: ${pkg.homepage}`] : []),
    'Description: terminal wizard that locks a Linux server down, one reviewed step at a time',
    ...descriptionBody(),
  ].join('\n');
  put('DEBIAN/control', `${control}\n`, 0o644);
  put('DEBIAN/md5sums', md5sums, 0o644);

  fs.mkdirSync(outDir, { recursive: true });
  const next = `${deb}.next-${process.pid}`;
  // xz (dpkg's default): Debian 11 and every Ubuntu LTS read it; zstd would not be read by Debian's dpkg before 12.
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zxz', level, '--build', pkgRoot, next], { stdio: ['ignore', 'ignore', 'inherit'] });
  fs.renameSync(next, deb);
  process.stdout.write(`${path.relative(process.cwd(), deb)}: ${(fs.statSync(deb).size / 1024 / 1024).toFixed(1)} MiB, installed ${(installedKiB / 1024).toFixed(1)} MiB\n`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}

function listFiles(dir, base = dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'DEBIAN' ? [] : listFiles(full, base);
    return [path.relative(base, full)];
  }).sort();
}

function descriptionBody() {
  return [
    ' lockstep is a terminal wizard for the operator of a Debian or Ubuntu server:',
    ' a private root CA, the application certificate (Let\'s Encrypt, purchased,',
    ' private-CA or self-signed) served over HTTPS only with nginx, its renewal,',
    ' a firewall that rolls back unless confirmed, key-only SSH and unattended',
    ' security upgrades. Every step is asked, previewed (each command, each file',
    ' diff), applied after a yes, verified against the real system and journaled.',
    ' .',
    ' This package is one self-contained executable: Node.js is embedded.',
  ];
}

function copyright() {
  const license = fs.readFileSync(path.join(repo, 'LICENSE'), 'utf8').trim().split('\n');
  const holder = license.find((l) => l.startsWith('Copyright'))?.replace(/^Copyright (\(c\) )?/, '') ?? 'the lockstep authors';
  return [
    'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/',
    'Upstream-Name: lockstep',
    '',
    'Files: *',
    `Copyright: ${holder}`,
    `License: ${pkg.license}`,
    ...license.filter((l) => !l.startsWith('Copyright') && l !== 'MIT License').map((l) => (l.trim() === '' ? ' .' : ` ${l}`)).join('\n').replace(/^( \.\n)+/, '').split('\n'),
    '',
    'Files: usr/bin/lockstep',
    'Comment: The executable embeds Node.js (MIT, with the licences of its bundled',
    ' libraries: see https://github.com/nodejs/node/blob/main/LICENSE) and the npm',
    ' packages lockstep depends on (package-lock.json names each; all MIT, ISC,',
    ' BSD or Apache-2.0).',
    `Copyright: Node.js contributors and the authors of those packages`,
    'License: MIT and others',
    '',
  ].join('\n');
}

function changelog() {
  const date = execFileSync('git', ['log', '-1', '--format=%aD'], { cwd: repo, encoding: 'utf8' }).trim() || new Date().toUTCString();
  return [
    `lockstep (${version}) unstable; urgency=medium`,
    '',
    `  * lockstep ${version}: see README.md for what each command does.`,
    '',
    ` -- ${maintainer}  ${date}`,
    '',
  ].join('\n');
}
