// lockstep patch's harder cases against the real apt and dpkg: a failing postinst (exit 1, the
// log still closed read-only, a FAILED mail with dpkg's error), and the staged approval — the
// versions of a `patch pending --json` file applied exactly while a newer one has appeared, a
// version gone refused before anything changes, a bad approval file refused naming the problem.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { DEFAULT_INSTALLED, type AptWorld } from '../apt/apt-world.js';
import { lockstep, snapshot } from '../helpers.js';
import { startSmtpSink, type SmtpSink } from '../smtp-sink.js';
import { localDay } from '../../src/patch/session-spec.js';
import { patchWorld, secpkg } from './patch-world.js';

const haveTools = (await execa('sh', ['-c', 'command -v dpkg-scanpackages && command -v apt-get'], { reject: false })).exitCode === 0;
const day = (): string => localDay(new Date());

describe('a failing postinst', { skip: haveTools ? false : 'needs dpkg-dev and apt' }, () => {
  let world: AptWorld;
  let sink: SmtpSink;
  before(async () => {
    const failing = { name: 'lockstep-scripted', version: '1.1', scripts: { postinst: '#!/bin/sh\necho "lockstep-scripted: cannot configure (on purpose)" >&2\nexit 1\n' } };
    world = await patchWorld({ extraSecurity: [failing], installed: [...DEFAULT_INSTALLED, { name: 'lockstep-scripted', version: '1.0' }], shell: true });
    sink = await startSmtpSink();
  });
  after(async () => {
    await sink?.stop();
    await world?.cleanup();
  });

  test('exit 1, the log closed read-only with dpkg\'s error, a FAILED mail', async () => {
    const r = await lockstep(['--root', world.root, 'patch', '--yes', '--upgrade', 'security', '--mail', 'ops@example.org', '--smtp', `127.0.0.1:${sink.port}`]);
    assert.equal(r.exitCode, 1, `${r.stdout}\n${r.stderr}`);
    const logFile = path.join(world.root, `var/log/OSPATCH-${day()}.log`);
    assert.equal((await fs.stat(logFile)).mode & 0o777, 0o444);
    const log = await fs.readFile(logFile, 'utf8');
    assert.match(log, /lockstep-scripted: cannot configure \(on purpose\)/);
    assert.match(log, /dpkg: error processing package lockstep-scripted/);
    assert.match(log, /== Summary: FAILED/);
    assert.match(log, /^lockstep-scripted +1\.0 +1\.1 +yes +expected 1\.1; dpkg: 1\.1 half-configured$/m);
    const m = sink.messages.at(-1)!;
    assert.match(m.data, /^Subject: \[lockstep\] patch \S+: FAILED$/m);
    assert.match(m.data, /Error: .*dpkg: error processing package lockstep-scripted/);
    assert.match(r.stdout, /✗ the upgrade finished without an apt or dpkg error/);
  });
});

describe('staged approval (--approved FILE)', { skip: haveTools ? false : 'needs dpkg-dev and apt' }, () => {
  let world: AptWorld;
  let approved: string;
  before(async () => {
    world = await patchWorld();
    approved = path.join(world.dir, 'approved.json');
    const r = await lockstep(['--root', world.root, 'patch', 'pending', '--json', '--no-update']);
    assert.equal(r.exitCode, 0, r.stderr);
    await fs.writeFile(approved, r.stdout);
  });
  after(async () => {
    await world?.cleanup();
  });

  test('a bad approval file is refused (exit 2) naming the problem, nothing changed', async () => {
    const dpkg = await snapshot(path.join(world.root, 'var/lib/dpkg'));
    const missing = await lockstep(['--root', world.root, 'patch', '--yes', '--approved', path.join(world.dir, 'nope.json')]);
    assert.equal(missing.exitCode, 2);
    assert.match(missing.stderr, /Cannot read the approval file --approved .*nope\.json: no such file/);
    const bad = path.join(world.dir, 'bad.json');
    await fs.writeFile(bad, '{"packages": [');
    const malformed = await lockstep(['--root', world.root, 'patch', '--yes', '--approved', bad]);
    assert.equal(malformed.exitCode, 2);
    assert.match(malformed.stderr, /The approval file .*bad\.json is not JSON/);
    await fs.writeFile(bad, JSON.stringify({ packages: [{ name: 'lockstep-secpkg', current: '1.0', security: true, origin: 'x' }] }));
    const shape = await lockstep(['--root', world.root, 'patch', '--yes', '--approved', bad]);
    assert.equal(shape.exitCode, 2);
    assert.match(shape.stderr, /is not a "patch pending --json" document: packages\[0\]\.candidate: /);
    const doc = JSON.parse(await fs.readFile(approved, 'utf8')) as { packages: { name: string; candidate: string }[] };
    doc.packages.find((p) => p.name === 'lockstep-updpkg')!.candidate = '1.05';
    await fs.writeFile(bad, JSON.stringify(doc));
    const gone = await lockstep(['--root', world.root, 'patch', '--yes', '--approved', bad]);
    assert.equal(gone.exitCode, 2, gone.stderr);
    assert.match(gone.stderr, /cannot be applied as approved: lockstep-updpkg 1\.05 is no longer available \(apt offers 1\.1, 1\.0\)\. Nothing was changed\./);
    const answers = path.join(world.dir, 'answers.json');
    await fs.writeFile(answers, JSON.stringify({ upgrdae: 'all' }));
    const typo = await lockstep(['--root', world.root, 'patch', '--yes', '--answers', answers]);
    assert.equal(typo.exitCode, 2);
    assert.match(typo.stderr, /upgrdae/);
    assert.match(typo.stderr, /"upgrade"/);
    assert.deepEqual(await snapshot(path.join(world.root, 'var/lib/dpkg')), dpkg);
  });

  test('the approved versions exactly, a newer one published since mentioned and left', async () => {
    await world.publish('security', secpkg('1.2'));
    const refresh = await lockstep(['--root', world.root, 'patch', 'pending']);
    assert.match(refresh.stdout, /^lockstep-secpkg +1\.0 +1\.2 +SECURITY/m);
    const r = await lockstep(['--root', world.root, 'patch', '--yes', '--approved', approved]);
    assert.equal(r.exitCode, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /Published since the approval and left for the next one: lockstep-secpkg 1\.2 \(approved: 1\.1\)/);
    assert.match(r.stdout, /install --only-upgrade lockstep-libsec=2\.0-1\+deb1 lockstep-mixed=1\.2 lockstep-secpkg=1\.1 lockstep-updpkg=1\.1/);
    const versions = await world.apt('dpkg-query', ['-W', '-f', '${Package} ${Version}\n']);
    assert.match(versions.stdout, /^lockstep-secpkg 1\.1$/m, 'the approved version, not the newer one');
    const log = await fs.readFile(path.join(world.root, `var/log/OSPATCH-${day()}.log`), 'utf8');
    assert.match(log, /Approval file .*approved\.json \(sha256 [0-9a-f]{64}, made \S+ on \S+\)/);
    assert.match(log, /Newer since the approval, left for the next one: lockstep-secpkg 1\.2/);
  });
});
