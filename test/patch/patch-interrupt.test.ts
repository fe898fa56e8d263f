// Follow-ups of lockstep patch against the real apt, dpkg and SMTP sink: a session stopped by
// SIGTERM mid-upgrade (a maintainer script that waits on a FIFO) closes its log read-only saying
// "interrupted", and the journal says so; the downgrade hint under --root, run as printed, puts
// the old version back; the mail carries the changelog excerpt; export refuses the patch part.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { DEFAULT_INSTALLED, type AptWorld } from '../apt/apt-world.js';
import { BIN, lockstep, tempRoot, waitFor } from '../helpers.js';
import { startSmtpSink, type SmtpSink } from '../smtp-sink.js';
import { localDay } from '../../src/patch/session-spec.js';
import { patchWorld } from './patch-world.js';

const haveTools = (await execa('sh', ['-c', 'command -v dpkg-scanpackages && command -v apt-get && command -v chattr'], { reject: false })).exitCode === 0;
const day = (): string => localDay(new Date());
const FIFO = '/lockstep-slow.fifo';

/** Processes whose root (chroot) or argv is under `root`: dpkg --root=R and its chrooted scripts. */
async function processesIn(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const pid of (await fs.readdir('/proc')).filter((n) => /^[0-9]+$/.test(n))) {
    const at = await fs.readlink(`/proc/${pid}/root`).catch(() => '');
    const args = (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').join(' ');
    const state = (await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')).split(') ')[1]?.[0];
    if (state !== undefined && state !== 'Z' && (at.startsWith(root) || args.includes(`--root=${root}`))) out.push(`${pid} ${args}`);
  }
  return out;
}

describe('lockstep patch stopped by SIGTERM mid-upgrade', { skip: haveTools ? false : 'needs dpkg-dev, apt and chattr' }, () => {
  let world: AptWorld;
  before(async () => {
    // Its postinst blocks opening a FIFO nobody writes: the upgrade is under way until stopped.
    const slow = { name: 'lockstep-slow', version: '1.1', scripts: { postinst: `#!/bin/sh\necho "lockstep-slow: configuring" >&2\nread x < ${FIFO}\n` } };
    world = await patchWorld({ extraSecurity: [slow], installed: [...DEFAULT_INSTALLED, { name: 'lockstep-slow', version: '1.0' }], shell: true });
    await execa('mkfifo', [path.join(world.root, FIFO)]);
  });
  after(async () => {
    await world?.cleanup();
  });

  test('the log closed read-only (0444) with "interrupted" and dpkg\'s state in it; the journal says interrupted with the log\'s sha256; no process left', async () => {
    const child = execa('node', [BIN, '--root', world.root, 'patch', '--yes', '--upgrade', 'security'], { reject: false, stdin: 'ignore', env: { CI: 'true', NO_COLOR: '1' } });
    const logFile = path.join(world.root, `var/log/OSPATCH-${day()}.log`);
    await waitFor(async () => (await fs.readFile(logFile, 'utf8').catch(() => '')).includes('lockstep-slow: configuring'), 'the slow postinst to start', 120_000);
    assert.equal((await fs.stat(logFile)).mode & 0o777, 0o600, 'open while the upgrade runs');
    child.kill('SIGTERM');
    const r = await child;
    assert.equal(r.exitCode, 1, `${r.stdout}\n${r.stderr}`);
    assert.equal((await fs.stat(logFile)).mode & 0o777, 0o444, 'closed read-only');
    const log = await fs.readFile(logFile, 'utf8');
    assert.match(log, /\[interrupted by SIGTERM: apt-get's process group was ended/);
    assert.match(log, /== Summary: INTERRUPTED/);
    assert.match(log, /^Error: interrupted by SIGTERM during the upgrade: apt-get was stopped/m);
    assert.match(log, /^lockstep-slow +1\.0 +1\.1 +yes +expected 1\.1; dpkg: 1\.1 (half-configured|unpacked|half-installed)$/m);
    assert.match(log, new RegExp(`dpkg --root=${world.root.replace(/[.]/g, '\\.')} --configure -a`));
    assert.match(log, /^Closed \S+: this log is made read-only/m);
    const journal = (await fs.readFile(path.join(world.root, 'var/log/lockstep/journal.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const stopped = journal.find((e) => e.t === 'action' && e.status === 'interrupted');
    assert.ok(stopped, 'the upgrade action journaled as interrupted');
    assert.match(String(stopped.title), /^Upgrade /);
    const { createHash } = await import('node:crypto');
    const sha = createHash('sha256').update(await fs.readFile(logFile)).digest('hex');
    assert.match(String(stopped.message), new RegExp(`closed read-only \\(mode 0444, .*\\), sha256 ${sha}`));
    assert.ok(!journal.some((e) => e.t === 'action' && /Re-check the versions/.test(String(e.title))), 'close did not run after the stop');
    // dpkg runs in a session of its own (apt-get's pty): it and the postinst were ended too.
    assert.deepEqual(await processesIn(world.root), [], 'no process left with the root as its /');
    // lockstep check judges the closed log as it judges any session's.
    const check = await lockstep(['--root', world.root, 'check', '--json', '--only', 'patch.logs']);
    assert.match(check.stdout, /"id":"patch\.logs","title":"[^"]+","status":"pass"/);
    // Resumed, the stopped session is not run again: a new session is the way on.
    const resumed = await lockstep(['--root', world.root, 'resume', '--yes']);
    assert.notEqual(resumed.exitCode, 0);
    assert.match(`${resumed.stdout}\n${resumed.stderr}`, /is over \(its log \S+ is closed\); nothing was run again/);
    assert.equal((await fs.stat(logFile)).mode & 0o777, 0o444);
  });
});

describe('lockstep patch stopped by SIGTERM while the old .debs are kept', { skip: haveTools ? false : 'needs dpkg-dev, apt and chattr' }, () => {
  let world: AptWorld;
  let deb: string;
  before(async () => {
    world = await patchWorld();
    // The archive's secpkg 1.0 becomes a FIFO nobody writes: fetching it to keep it blocks.
    deb = path.join(world.dir, 'repos/updates/lockstep-secpkg_1.0_all.deb');
    await fs.rm(deb);
    await execa('mkfifo', [deb]);
  });
  after(async () => {
    await world?.cleanup();
  });

  test('before the upgrade: the log closed read-only saying nothing was upgraded; the versions as they were; no apt-get upgrade ran', async () => {
    const child = execa('node', [BIN, '--root', world.root, 'patch', '--yes', '--upgrade', 'security'], { reject: false, stdin: 'ignore', env: { CI: 'true', NO_COLOR: '1' } });
    const journalFile = path.join(world.root, 'var/log/lockstep/journal.jsonl');
    await waitFor(async () => /"status":"start","title":"Keep the old versions/.test(await fs.readFile(journalFile, 'utf8').catch(() => '')), 'the keeping of the old .debs to start', 120_000);
    // The old secpkg is being fetched (apt-get download, blocked on the FIFO).
    await waitFor(async () => (await execa('ps', ['-eo', 'args'])).stdout.includes('download lockstep-secpkg=1.0'), 'apt-get download of secpkg 1.0', 60_000);
    child.kill('SIGTERM');
    const r = await child;
    assert.equal(r.exitCode, 1, `${r.stdout}\n${r.stderr}`);
    const logFile = path.join(world.root, `var/log/OSPATCH-${day()}.log`);
    assert.equal((await fs.stat(logFile)).mode & 0o777, 0o444, 'closed read-only');
    const log = await fs.readFile(logFile, 'utf8');
    assert.match(log, /== Summary: INTERRUPTED/);
    assert.match(log, /^Error: interrupted by SIGTERM while the old \.debs were kept, before the upgrade: nothing was upgraded$/m);
    assert.match(log, /^ {2}lockstep-secpkg 1\.0: \[interrupted by SIGTERM while it was kept\]$/m);
    assert.match(log, /^lockstep-secpkg +1\.0 +1\.0 +yes +expected 1\.1; dpkg: 1\.0 installed$/m);
    assert.match(log, /^Nothing was upgraded: lockstep patch again starts a new session\.$/m);
    assert.doesNotMatch(log, /--force-confold (upgrade|install)\n(?!\n)/, 'apt-get never ran');
    assert.ok(!log.includes('Setting up'), 'nothing was upgraded');
    const v = await world.apt('dpkg-query', ['-W', '-f', '${Version}', 'lockstep-secpkg']);
    assert.equal(v.stdout, '1.0');
    const journal = await fs.readFile(journalFile, 'utf8');
    assert.match(journal, /"status":"interrupted","title":"Keep the old versions[^"]*","message":"[^"]*closed read-only \(mode 0444/);
    assert.doesNotMatch(journal, /"status":"start","title":"Upgrade /);
  });
});

describe('lockstep patch under --root: the downgrade hint and the mail', { skip: haveTools ? false : 'needs dpkg-dev, apt and chattr' }, () => {
  let world: AptWorld;
  let sink: SmtpSink;
  before(async () => {
    world = await patchWorld();
    sink = await startSmtpSink();
  });
  after(async () => {
    await sink?.stop();
    await world?.cleanup();
  });

  test('the mail carries the changelog excerpt; the hint, run as printed, puts 1.0 back on the root', async () => {
    const r = await lockstep(['--root', world.root, 'patch', '--yes', '--upgrade', 'security', '--mail', 'ops@example.org', '--smtp', `127.0.0.1:${sink.port}`]);
    assert.equal(r.exitCode, 0, `${r.stdout}\n${r.stderr}`);
    const m = sink.messages.at(-1)!;
    assert.match(m.data, /== Changelog of lockstep-secpkg since 1\.0 \(fixes CVE-2026-12345, CVE-2026-23456\)/);
    assert.match(m.data, /\* Fix a buffer overflow in the parser \(CVE-2026-12345\)\./);
    assert.match(m.data, /\* Refuse oversized headers \(CVE-2026-23456\)\./);
    const hint = /^\s*To go back: lockstep-secpkg 1\.0: (dpkg .*)$/m.exec(r.stdout)?.[1];
    assert.ok(hint !== undefined, r.stdout);
    assert.ok(hint.includes(`--root=${world.root}`) && hint.includes(path.join(world.root, 'var/cache/lockstep/patch/')), hint);
    const back = await execa('sh', ['-c', hint], { reject: false });
    assert.equal(back.exitCode, 0, back.stderr);
    const v = await world.apt('dpkg-query', ['-W', '-f', '${Version}', 'lockstep-secpkg']);
    assert.equal(v.stdout, '1.0');
  });
});

test('lockstep export refuses an answers file naming the patch part (exit 2), and writes nothing', async () => {
  const { root, cleanup } = await tempRoot('lockstep-export-patch-');
  try {
    const answers = path.join(root, '..', `${path.basename(root)}.answers.json`);
    await fs.writeFile(answers, JSON.stringify({ steps: ['updates', 'patch'], patch: { upgrade: 'security' } }));
    const out = path.join(root, '..', `${path.basename(root)}.sh`);
    const r = await lockstep(['--root', root, '--answers', answers, 'export', 'script', '--out', out]);
    await fs.rm(answers);
    assert.equal(r.exitCode, 2, r.stderr);
    assert.match(r.stderr, /"steps" names the patch part/);
    assert.match(r.stderr, /pending list is the model's, not a target's/);
    assert.match(r.stderr, /lockstep patch timer/);
    assert.equal(await fs.stat(out).catch(() => undefined), undefined, 'no script written');
  } finally {
    await cleanup();
  }
});
