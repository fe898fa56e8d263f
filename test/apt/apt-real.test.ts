// src/apt/ against the real apt and dpkg, on a --root built by test/apt/apt-world.ts: pending
// upgrades classified as unattended-upgrades would, the root's own pinning honoured, a plan's
// apt-get and dpkg acting on the root (a maintainer script run chrooted into it) while the
// host's dpkg database stays as it was, and a signed repository whose tampered index is refused.
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { APT_ROOT_CONFIG, aptCommand, aptPrepareActions, aptTarget, dpkgCommand, probeApt } from '../../src/apt/apt-root.js';
import { queryPackages } from '../../src/apt/dpkg-query.js';
import { readDpkgStatus } from '../../src/apt/dpkg-status.js';
import { readFileList, readMd5sums } from '../../src/apt/file-lists.js';
import { readListedReleases } from '../../src/apt/release-file.js';
import { pendingUpgrades } from '../../src/apt/security.js';
import { readSources } from '../../src/apt/sources.js';
import { readPreferences } from '../../src/apt/preferences.js';
import { System } from '../../src/core/system.js';
import { readPlatform } from '../../src/platform/distribution.js';
import { runPlan } from '../core/engine-harness.js';
import { defaultRepos, hostCodename, makeAptWorld, type AptWorld } from './apt-world.js';

const haveTools = (await execa('sh', ['-c', 'command -v dpkg-scanpackages && command -v gpg && command -v apt-get'], { reject: false })).exitCode === 0;
const hostStatusHash = async (): Promise<string> => createHash('sha256').update(await fs.readFile('/var/lib/dpkg/status').catch(() => Buffer.from(''))).digest('hex');

describe('apt and dpkg on a test root', { skip: haveTools ? false : 'needs dpkg-dev, gpg and apt' }, () => {
  let world: AptWorld;
  let sys: System;
  let hostBefore: string;

  before(async () => {
    hostBefore = await hostStatusHash();
    const repos = await defaultRepos(await hostCodename());
    // A security update whose postinst writes a file: dpkg runs it chrooted into the root, where
    // only the shell is (builtins only).
    repos[0] = {
      ...repos[0]!,
      packages: [...repos[0]!.packages, { name: 'lockstep-scripted', version: '1.1', files: { '/usr/share/lockstep-test/scripted.txt': '1.1\n' }, scripts: { postinst: '#!/bin/sh\necho "configured $2" > /var/lib/dpkg/lockstep-postinst-ran\n' } }],
    };
    repos.push({ name: 'signed', release: { Origin: 'Lockstep', Label: 'Lockstep Test', Suite: 'stable', Codename: 'lockstep' }, packages: [{ name: 'lockstep-signed', version: '1.0' }], signed: true, format: 'sources' });
    const { DEFAULT_INSTALLED } = await import('./apt-world.js');
    world = await makeAptWorld({ repos, installed: [...DEFAULT_INSTALLED, { name: 'lockstep-scripted', version: '1.0' }], shell: true });
    sys = new System(world.root);
  });
  after(async () => {
    await world?.cleanup();
  });

  test('pending upgrades: the security ones by their archive, a hidden security fix found, the versions dpkg has', async () => {
    const report = await pendingUpgrades(sys, await readPlatform(sys));
    assert.deepEqual(report.upgrades.map((u) => `${u.name} ${u.current}→${u.candidate} ${u.security ? 'security' : 'regular'}${u.securityCandidate !== undefined ? ` fix ${u.securityCandidate}` : ''}`), [
      'lockstep-libsec 2.0-1→2.0-1+deb1 security',
      'lockstep-mixed 1.0→1.2 regular fix 1.1',
      'lockstep-scripted 1.0→1.1 security',
      'lockstep-secpkg 1.0→1.1 security',
      'lockstep-updpkg 1.0→1.1 regular',
    ]);
    const installed = await readDpkgStatus(sys);
    assert.deepEqual(installed.filter((p) => p.installed).map((p) => p.name).sort(), ['lockstep-libsec', 'lockstep-mixed', 'lockstep-scripted', 'lockstep-secpkg', 'lockstep-updpkg']);
    const releases = await readListedReleases(sys);
    assert.deepEqual(releases.map((r) => `${r.release.label} ${r.release.signed ? 'signed' : 'unsigned'}`).sort(), ['Debian unsigned', 'Debian-Security unsigned', 'Lockstep Test signed']);
  });

  test('the root\'s own pinning is what apt reads (never the host\'s): a hold at 1.0 keeps updpkg back', async () => {
    const pin = path.join(world.root, 'etc/apt/preferences.d/hold-updpkg');
    await fs.writeFile(pin, 'Package: lockstep-updpkg\nPin: version 1.0\nPin-Priority: 1001\n');
    try {
      assert.deepEqual((await readPreferences(sys)).pins.map((p) => `${p.packages[0]} ${p.priority}`), ['lockstep-updpkg 1001']);
      const report = await pendingUpgrades(sys, await readPlatform(sys));
      assert.ok(!report.upgrades.some((u) => u.name === 'lockstep-updpkg'), report.upgrades.map((u) => u.name).join(' '));
      const policy = await probeApt(sys, 'apt-cache', ['policy', 'lockstep-updpkg']);
      assert.match(policy.stdout, /Candidate: 1\.0\n/);
    } finally {
      await fs.rm(pin);
    }
  });

  test('sources: the one-line file with trusted=yes, the deb822 files, the signed one with its keyring', async () => {
    const { sources, problems } = await readSources(sys);
    assert.deepEqual(problems, []);
    assert.deepEqual(sources.map((s) => `${path.basename(s.file)} ${s.format} ${s.trusted ? 'trusted=yes' : s.signedBy?.kind ?? 'default keys'}`), [
      'lockstep-test-signed.sources deb822 keyring',
      'lockstep-test-updates.sources deb822 trusted=yes',
      'lockstep-test.list one-line trusted=yes',
    ]);
    const signed = sources.find((s) => s.file.includes('signed'))!;
    assert.deepEqual(signed.signedBy, { kind: 'keyring', paths: [world.keyring] });
  });

  test('a plan upgrades on the root: apt-get and dpkg with the root options, the postinst chrooted, the host untouched', async () => {
    const t = aptTarget(sys);
    const plan = [
      ...aptPrepareActions(t),
      aptCommand(t, 'apt-get', ['install', '-y', '--only-upgrade', 'lockstep-secpkg', 'lockstep-scripted', 'lockstep-mixed=1.1'], 'Install the security updates'),
      dpkgCommand(t, ['--audit'], 'dpkg finds nothing half-installed'),
    ];
    const run = await runPlan(world.root, plan);
    assert.equal(run.error, undefined, run.error?.message);
    const preview = run.events.find((e) => e.type === 'plan');
    const commands = preview?.type === 'plan' ? preview.actions.map((a) => a.command ?? '') : [];
    assert.equal(commands[2], `APT_CONFIG=${path.join(world.root, APT_ROOT_CONFIG)} apt-get -o Dir=${world.root}/ -o Dir::State::status=${world.root}/var/lib/dpkg/status -o DPkg::Options::=--root=${world.root}/ install -y --only-upgrade lockstep-secpkg lockstep-scripted lockstep-mixed=1.1`);
    assert.equal(commands[3], `dpkg --root=${world.root}/ --audit`);

    const versions = Object.fromEntries((await queryPackages(sys)).map((p) => [p.name, p.version]));
    assert.deepEqual(versions, { 'lockstep-libsec': '2.0-1', 'lockstep-mixed': '1.1', 'lockstep-scripted': '1.1', 'lockstep-secpkg': '1.1', 'lockstep-updpkg': '1.0' });
    assert.equal(await fs.readFile(path.join(world.root, 'var/lib/dpkg/lockstep-postinst-ran'), 'utf8'), 'configured 1.0\n', 'the postinst ran inside the root, told the old version');
    assert.equal(await fs.stat('/var/lib/dpkg/lockstep-postinst-ran').catch(() => undefined), undefined, 'nothing of it on the host');
    assert.equal(await fs.readFile(path.join(world.root, 'usr/share/lockstep-test/lockstep-secpkg.txt'), 'utf8'), 'lockstep-secpkg 1.1\n');
    assert.ok((await readFileList(sys, 'lockstep-secpkg'))?.includes('/usr/share/lockstep-test/lockstep-secpkg.txt'));
    const md5 = await readMd5sums(sys, 'lockstep-secpkg');
    assert.equal(md5?.get('/usr/share/lockstep-test/lockstep-secpkg.txt'), createHash('md5').update('lockstep-secpkg 1.1\n').digest('hex'));
    assert.equal(await hostStatusHash(), hostBefore, 'the host\'s /var/lib/dpkg/status is unchanged');
  });

  test('a tampered signed index is refused by apt-get update on the root', async () => {
    const inRelease = path.join(world.dir, 'repos/signed/InRelease');
    const good = await fs.readFile(inRelease, 'utf8');
    try {
      await fs.writeFile(inRelease, good.replace('Label: Lockstep Test', 'Label: Lockstep Tampered'));
      const r = await world.apt('apt-get', ['update']);
      assert.match(r.stderr, /(BADSIG|signatures were invalid|is not signed)/, r.stderr);
    } finally {
      await fs.writeFile(inRelease, good);
    }
    const again = await world.apt('apt-get', ['update']);
    assert.doesNotMatch(again.stderr, /^(W|E): /m, again.stderr);
  });
});
