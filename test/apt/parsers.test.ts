// The apt module's parsers on recorded output and real files (fixtures/apt/, fixtures/probe/):
// dpkg status, apt-get -s, dpkg-query -W, apt-cache policy, Release files, dpkg file lists,
// sources (one-line and deb822, signed-by, trusted=yes, an inline key), pinning, and the
// security classifier on the recorded world.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parseDeb822, stripClearsign } from '../../src/apt/deb822.js';
import { parseQueriedPackages, queryFormat } from '../../src/apt/dpkg-query.js';
import { installedVersions, parseDpkgStatus } from '../../src/apt/dpkg-status.js';
import { parseFileList, parseMd5sums } from '../../src/apt/file-lists.js';
import { parsePackagePolicies, parsePolicyFiles, parseReleaseLine } from '../../src/apt/policy.js';
import { parsePreferences } from '../../src/apt/preferences.js';
import { parseReleaseFile } from '../../src/apt/release-file.js';
import { classifyUpgrades, fnmatch, matchesOrigin, securityPatternsFor } from '../../src/apt/security.js';
import { parseOriginList, parseSimulation } from '../../src/apt/simulate.js';
import { aptReadsSourceFile, parseDeb822Sources, parseOneLineSources } from '../../src/apt/sources.js';
import { platformOf } from '../../src/platform/distribution.js';
import { parseOsRelease } from '../../src/platform/os-release.js';
import { REPO } from '../helpers.js';
import { probeFixture } from '../probe-fixtures.js';

const apt = (name: string): string => fs.readFileSync(path.join(REPO, 'fixtures/apt', name), 'utf8');
const bookworm = platformOf(parseOsRelease('ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n'));

describe('dpkg', () => {
  test('status: names, versions, states, source, conffiles (a real Debian 12 status)', () => {
    const pkgs = parseDpkgStatus(apt('status-debian-12'));
    assert.deepEqual(pkgs.map((p) => `${p.name} ${p.version} ${p.architecture} ${p.status.state} ${p.source}`), [
      'base-files 12.4+deb12u11 amd64 installed base-files',
      'libc6 2.36-9+deb12u14 amd64 installed glibc',
      'openssh-server 1:9.2p1-2+deb12u10 amd64 installed openssh',
      'unattended-upgrades 2.9.1+nmu3 all installed unattended-upgrades',
    ]);
    assert.ok(pkgs.every((p) => p.installed));
    assert.deepEqual(pkgs[0]!.conffiles[0], { path: '/etc/debian_version', md5: '8031d1483ffa9c819e6be94c6c77fd2a', flags: [] });
    const mixed = parseDpkgStatus('Package: a\nStatus: deinstall ok config-files\nVersion: 1\n\nPackage: b\nStatus: install reinstreq half-installed\nVersion: 2\n\nPackage: c\nStatus: hold ok installed\nVersion: 3\n');
    assert.deepEqual(mixed.map((p) => [p.name, p.installed, p.status.state]), [['a', false, 'config-files'], ['b', false, 'half-installed'], ['c', true, 'installed']]);
    assert.deepEqual([...installedVersions(parseDpkgStatus(apt('status-world')))], [['lockstep-libsec', '2.0-1'], ['lockstep-mixed', '1.0'], ['lockstep-secpkg', '1.0'], ['lockstep-updpkg', '1.0']]);
  });

  test('dpkg-query -W -f with tabs; file lists and md5sums', () => {
    assert.equal(queryFormat(), '${Package}\t${Version}\t${Architecture}\t${db:Status-Abbrev}\t${Status}\n');
    const q = parseQueriedPackages(probeFixture('dpkg-query-W.txt'));
    assert.deepEqual(q.map((p) => `${p.name}=${p.version} ${p.abbrev.trim()} ${p.status.state}`), ['lockstep-libsec=2.0-1 ii installed', 'lockstep-mixed=1.0 ii installed', 'lockstep-secpkg=1.0 ii installed', 'lockstep-updpkg=1.0 ii installed']);
    const list = parseFileList(apt('dpkg-info/lockstep-secpkg.list'));
    assert.ok(list.includes('/usr/share/lockstep-test/lockstep-secpkg.txt') && list.includes('/etc/lockstep-secpkg.conf'));
    const md5 = parseMd5sums(apt('dpkg-info/lockstep-secpkg.md5sums'));
    assert.match(md5.get('/usr/share/lockstep-test/lockstep-secpkg.txt') ?? '', /^[0-9a-f]{32}$/);
    // A package built without md5sums gets them from dpkg, conffiles included (debhelper's leave them out).
    assert.equal(md5.has('/etc/lockstep-secpkg.conf'), true);
  });
});

describe('apt output', () => {
  test('apt-get -s -V upgrade: Inst/Conf lines with old, new, origins and arch; the -V list agrees', () => {
    const sim = parseSimulation(probeFixture('apt-get-s-V-upgrade.txt'));
    assert.deepEqual(sim.upgrades.map((u) => `${u.name} ${u.current} → ${u.candidate} [${u.arch}] ${u.origins.map((o) => `${o.label}:${o.version}/${o.archive}`).join(',')}`), [
      'lockstep-libsec 2.0-1 → 2.0-1+deb1 [all] Debian-Security:12/stable-security',
      'lockstep-mixed 1.0 → 1.2 [all] Debian:12-updates/stable-updates',
      'lockstep-secpkg 1.0 → 1.1 [all] Debian-Security:12/stable-security',
      'lockstep-updpkg 1.0 → 1.1 [all] Debian:12-updates/stable-updates',
    ]);
    assert.deepEqual(sim.counts, { upgraded: 4, installed: 0, removed: 0, held: 0 });
    for (const u of sim.upgrades) assert.deepEqual(sim.verbose.get(u.name), [u.current, u.candidate]);
    assert.equal(sim.actions.filter((a) => a.op === 'Conf').length, 4);
    assert.equal(parseSimulation(probeFixture('apt-get-s-V-dist-upgrade.txt')).upgrades.length, 4);
    // Lines apt prints on real servers: several origins, a new install, a removal.
    const real = parseSimulation([
      'Inst libc6 [2.36-9+deb12u3] (2.36-9+deb12u4 Debian:12.5/stable, Debian-Security:12/stable-security [amd64]) []',
      'Inst linux-image-6.1.0-18-amd64 (6.1.76-1 Debian-Security:12/stable-security [amd64])',
      'Remv old-kernel [5.10]',
      '1 upgraded, 1 newly installed, 1 to remove and 2 not upgraded.',
    ].join('\n'));
    assert.deepEqual(real.upgrades[0]!.origins, [{ label: 'Debian', version: '12.5', archive: 'stable' }, { label: 'Debian-Security', version: '12', archive: 'stable-security' }]);
    assert.deepEqual(real.installs.map((i) => i.name), ['linux-image-6.1.0-18-amd64']);
    assert.deepEqual(real.removals.map((r) => `${r.name} ${r.current}`), ['old-kernel 5.10']);
    assert.deepEqual(parseOriginList('localhost [all]'.replace(' [all]', '')), [{ archive: 'localhost' }]);
  });

  test('apt-cache policy: package files with their Release fields, and each package\'s version table', () => {
    const files = parsePolicyFiles(probeFixture('apt-cache-policy-files.txt'));
    assert.deepEqual(files.map((f) => `${f.priority} ${f.release.origin ?? '-'} ${f.release.archive} ${f.release.codename ?? '-'} ${f.release.label ?? '-'}`), [
      '100 - now - -',
      '500 Debian stable-security bookworm-security Debian-Security',
      '500 Debian stable-updates bookworm-updates Debian',
      '500 Lockstep stable lockstep Lockstep Test',
    ].map((l) => l.replace(/bookworm/g, files[1]!.release.codename!.replace(/-security$/, ''))));
    const policies = parsePackagePolicies(probeFixture('apt-cache-policy.txt'));
    const mixed = policies.find((p) => p.name === 'lockstep-mixed')!;
    assert.deepEqual([mixed.installed, mixed.candidate, mixed.versions.map((v) => `${v.installed ? '*' : ''}${v.version}`)], ['1.0', '1.2', ['1.2', '1.1', '*1.0']]);
    const fresh = policies.find((p) => p.name === 'lockstep-newpkg')!;
    assert.equal(fresh.installed, undefined);
    assert.equal(fresh.candidate, '3.0');
    assert.deepEqual(parseReleaseLine('v=12,o=Debian,a=stable-security,n=bookworm-security,l=Debian-Security,c=main,b=amd64'), {
      version: '12', origin: 'Debian', archive: 'stable-security', codename: 'bookworm-security', label: 'Debian-Security', component: 'main', arch: 'amd64',
    });
    const remote = parsePolicyFiles(' 500 http://deb.debian.org/debian-security bookworm-security/main amd64 Packages\n     release v=12,o=Debian,a=stable-security,n=bookworm-security,l=Debian-Security,c=main,b=amd64\n     origin deb.debian.org\nPinned packages:\n');
    assert.equal(remote[0]!.release.site, 'deb.debian.org');
  });

  test('Release files from the lists folder: plain and clear-signed', () => {
    const security = parseReleaseFile(apt('lists/_srv_apt-world_repos_security_._Release'));
    assert.deepEqual([security.origin, security.label, security.suite, security.version, security.signed], ['Debian', 'Debian-Security', 'stable-security', '12', false]);
    const signed = parseReleaseFile(apt('lists/_srv_apt-world_repos_signed_._InRelease'));
    assert.deepEqual([signed.origin, signed.label, signed.suite, signed.codename, signed.signed], ['Lockstep', 'Lockstep Test', 'stable', 'lockstep', true]);
    assert.ok(!stripClearsign(apt('lists/_srv_apt-world_repos_signed_._InRelease')).includes('PGP'));
  });
});

describe('sources and pinning', () => {
  test('deb822: Types/URIs/Suites/Components/Signed-By, several suites, comments between fields', () => {
    const docker = parseDeb822Sources(apt('sources/debian-12-docker.sources'), '/etc/apt/sources.list.d/debian.sources');
    assert.deepEqual(docker.sources.map((s) => `${s.uris[0]} ${s.suites.join(',')} ${s.components.join(',')} ${s.signedBy?.kind}:${s.signedBy?.kind === 'keyring' ? s.signedBy.paths[0] : ''} line ${s.line}`), [
      'http://deb.debian.org/debian bookworm,bookworm-updates main keyring:/usr/share/keyrings/debian-archive-keyring.gpg line 1',
      'http://deb.debian.org/debian-security bookworm-security main keyring:/usr/share/keyrings/debian-archive-keyring.gpg line 8',
    ]);
    const ubuntu = parseDeb822Sources(apt('sources/ubuntu-24.04.sources'), 'ubuntu.sources');
    assert.deepEqual(ubuntu.sources.map((s) => s.suites.join(' ')), ['noble noble-updates noble-backports', 'noble-security']);
    assert.deepEqual(parseDeb822Sources(apt('sources/debian-13.sources'), 'x').sources[1]!.components, ['main', 'non-free-firmware']);
    assert.equal(parseDeb822Sources(apt('sources/nodesource.sources'), 'x').sources[0]!.options.architectures, 'amd64');
  });

  test('an inline key block, a fingerprint, Enabled: no', () => {
    const [inline, fpr] = parseDeb822Sources(apt('sources/inline-key.sources'), 'x').sources;
    assert.equal(inline!.signedBy?.kind, 'inline');
    assert.match(inline!.signedBy?.kind === 'inline' ? inline!.signedBy.key : '', /^-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n\S+[\s\S]*-----END PGP PUBLIC KEY BLOCK-----$/);
    assert.deepEqual(fpr!.signedBy, { kind: 'fingerprint', ids: ['0123456789ABCDEF0123456789ABCDEF01234567'] });
    assert.deepEqual([inline!.enabled, fpr!.enabled, fpr!.types], [true, false, ['deb-src']]);
  });

  test('one-line: [arch= signed-by=], [trusted=yes], a plain line, comments, a line apt refuses', () => {
    const r = parseOneLineSources(apt('sources/third-party.list'), '/etc/apt/sources.list.d/third-party.list');
    assert.deepEqual(r.sources.map((s) => `${s.uris[0]} ${s.suites[0]} ${s.trusted} ${s.signedBy === undefined ? 'default keys' : s.signedBy.kind} ${s.options.arch ?? ''}`.trim()), [
      'https://download.docker.com/linux/debian bookworm false keyring amd64',
      'http://apt.internal.example.org/repo ./ true default keys',
      'https://packages.cloud.google.com/apt cloud-sdk-bookworm false default keys',
    ]);
    assert.deepEqual(r.problems, ['/etc/apt/sources.list.d/third-party.list:5: not a source line apt reads: "this line is not a source"']);
    const xenial = parseOneLineSources(apt('sources/ubuntu-16.04-sources.list'), '/etc/apt/sources.list');
    assert.deepEqual(xenial.sources.map((s) => `${s.suites[0]}:${s.components.join('+')}`), ['xenial:main+restricted', 'xenial-updates:main+restricted', 'xenial-security:main+restricted', 'xenial-security:universe']);
    assert.deepEqual(['a.list', 'b.sources', 'c.list.save', 'd e.list', 'x.disabled-by-farm'].map(aptReadsSourceFile), ['list', 'sources', undefined, undefined, undefined]);
  });

  test('preferences: release, origin and version pins, negative priorities, a broken stanza', () => {
    const r = parsePreferences(apt('preferences/lockstep-pins'), '/etc/apt/preferences.d/lockstep-pins');
    assert.deepEqual(r.pins.map((p) => `${p.packages.join(' ')} ${p.pin.kind} ${p.priority}`), ['* release 990', 'lockstep-updpkg version 1001', 'openssl libssl3 release -1']);
    assert.deepEqual(r.pins[0]!.pin.kind === 'release' ? r.pins[0]!.pin.release : undefined, { origin: 'Debian', archive: 'stable-security', label: 'Debian-Security' });
    assert.equal(r.pins[0]!.explanation, 'the security archive before everything else');
    assert.deepEqual(r.problems, ['/etc/apt/preferences.d/lockstep-pins:15: a stanza needs Package, Pin (release/origin/version) and an integer Pin-Priority']);
    const node = parsePreferences(apt('preferences/nodesource-nodejs'), 'x');
    assert.deepEqual(node.pins[0]!.pin, { kind: 'origin', host: 'deb.nodesource.com' });
  });

  test('deb822 edge cases: CRLF, a BOM, continuation without a field', () => {
    const s = parseDeb822('\uFEFFA: 1\r\n continued\r\n\r\n leading\r\nB: 2\r\n');
    assert.deepEqual(s.map((x) => [...x.fields]), [[['a', '1\ncontinued']], [['b', '2']]]);
  });
});

describe('the security classifier', () => {
  test('fnmatch and field matching as unattended-upgrades does', () => {
    assert.ok(fnmatch('bookworm-security', '*-security'));
    assert.ok(fnmatch('Debian', 'Deb?an'));
    assert.ok(!fnmatch('Debian-Security', 'Debian'));
    assert.ok(fnmatch('a.b', 'a.b') && !fnmatch('axb', 'a.b'));
    assert.ok(matchesOrigin({ origin: 'Debian', codename: 'bookworm-security' }, { origin: 'Debian', codename: 'bookworm-security', label: 'Debian-Security' }));
    assert.ok(!matchesOrigin({ origin: 'Debian', label: 'Debian-Security' }, { origin: 'Debian' }), 'a field the archive lacks never matches');
    assert.ok(!matchesOrigin({}, { origin: 'Debian' }), 'an empty pattern matches nothing');
  });

  test('the recorded world: security from the Debian-Security archive only; a fix hidden under a newer regular update is found', () => {
    const codename = parsePolicyFiles(probeFixture('apt-cache-policy-files.txt'))[1]!.release.codename!.replace(/-security$/, '');
    const platform = platformOf(parseOsRelease(`ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=${codename}\n`));
    const upgrades = classifyUpgrades(
      parseSimulation(probeFixture('apt-get-s-V-upgrade.txt')),
      parsePackagePolicies(probeFixture('apt-cache-policy.txt')),
      parsePolicyFiles(probeFixture('apt-cache-policy-files.txt')),
      platform,
    );
    assert.deepEqual(upgrades.map((u) => `${u.name} ${u.current}→${u.candidate} ${u.security ? 'security' : 'regular'}${u.securityCandidate ? ` (security fix ${u.securityCandidate})` : ''}`), [
      'lockstep-libsec 2.0-1→2.0-1+deb1 security',
      'lockstep-mixed 1.0→1.2 regular (security fix 1.1)',
      'lockstep-secpkg 1.0→1.1 security',
      'lockstep-updpkg 1.0→1.1 regular',
    ]);
    assert.equal(upgrades[0]!.from, `Debian-Security stable-security (${codename}-security)`);
    assert.deepEqual(securityPatternsFor(bookworm)[0], { origin: 'Debian', codename: 'bookworm-security', label: 'Debian-Security' });
  });

  test('Ubuntu: -security and the ESM archives are security, -updates is not', () => {
    const noble = platformOf(parseOsRelease('ID=ubuntu\nVERSION_ID="24.04"\nVERSION_CODENAME=noble\n'));
    const patterns = securityPatternsFor(noble);
    const is = (o: Record<string, string>): boolean => patterns.some((p) => matchesOrigin(p, o));
    assert.ok(is({ origin: 'Ubuntu', label: 'Ubuntu', archive: 'noble-security', codename: 'noble' }));
    assert.ok(is({ origin: 'UbuntuESMApps', label: 'Ubuntu', archive: 'noble-apps-security', codename: 'noble' }));
    assert.ok(is({ origin: 'UbuntuESM', archive: 'noble-infra-security' }));
    assert.ok(!is({ origin: 'Ubuntu', archive: 'noble-updates', codename: 'noble' }));
    assert.ok(!is({ origin: 'Ubuntu', archive: 'jammy-security' }), 'another release\'s archive');
  });
});
