// The journal as the built CLI writes it, --dry-run changing nothing, and "lockstep resume"
// finishing a run whose process was SIGKILLed in the middle of making a key.
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { Answers } from '../../src/core/questions.js';
import { selfSignedStep } from '../../src/tls/self-signed.js';
import { lockstep, snapshot, tempRoot, waitFor } from '../helpers.js';
import { descendants, groupMembers, journalRecords, killTree, requireBuiltCli, runCli, running, runningMembers } from './process-tree.js';

const JOURNAL = 'var/log/lockstep/journal.jsonl';
type Rec = Record<string, unknown>;

async function withRoot(fn: (root: string) => Promise<void>): Promise<void> {
  requireBuiltCli();
  const { root, cleanup } = await tempRoot();
  try {
    await fn(root);
  } finally {
    await cleanup();
  }
}

const exists = (file: string): Promise<boolean> => fs.stat(file).then(() => true, () => false);

describe('the journal', () => {
  test('records the plan, start and done of every action, the verification and the end; the run log is 0600', () =>
    withRoot(async (root) => {
      const result = await runCli(['cert', 'self-signed', '--host', 'j.example', '--root', root, '--yes']);
      assert.equal(result.exitCode, 0, result.stderr + result.stdout);

      const lines = (await fs.readFile(path.join(root, JOURNAL), 'utf8')).split('\n');
      assert.equal(lines.pop(), '', 'the journal ends with a newline');
      const records = lines.map((l) => JSON.parse(l) as Rec); // every line is valid JSON
      const run = records[0]!.run as string;
      assert.ok(records.every((r) => r.run === run && typeof r.ts === 'string'));

      const start = records[0]!;
      assert.equal(start.t, 'run-start');
      assert.equal(start.command, 'cert self-signed');
      assert.deepEqual((start.answers as Rec).host, ['j.example']);
      // The plan as data, exactly what the step builds from these answers.
      const expected = selfSignedStep.plan(start.answers as Answers, { existing: [] });
      assert.deepEqual(start.plan, JSON.parse(JSON.stringify(expected)));

      const actions = records.filter((r) => r.t === 'action').map((r) => `${r.index}:${r.status}`);
      assert.deepEqual(actions, ['0:start', '0:done', '1:start', '1:done', '2:start', '2:done']);
      const verify = records.find((r) => r.t === 'verify');
      assert.ok(verify !== undefined && (verify.checks as Rec[]).length > 0 && (verify.checks as Rec[]).every((c) => c.ok === true));
      assert.deepEqual(records.at(-1), { t: 'run-end', status: 'done', run, ts: records.at(-1)!.ts });
      assert.deepEqual(records.map((r) => r.t), ['run-start', ...actions.map(() => 'action'), 'verify', 'run-end']);

      const log = path.join(root, 'var/log/lockstep', `${run}.log`);
      assert.equal((await fs.stat(log)).mode & 0o777, 0o600);
      assert.equal((await fs.stat(path.join(root, JOURNAL))).mode & 0o777, 0o600);
      assert.match(await fs.readFile(log, 'utf8'), /\[1\] \$ openssl genpkey -algorithm EC/);
      assert.match(result.stdout, new RegExp(`full log in ${log.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    }));

  test('a last line cut short by a kill (no newline) is ended before the next run appends: that run\'s records stay whole', () =>
    withRoot(async (root) => {
      // What the torture suite's R1 found: SIGKILL in the middle of a record's write.
      await fs.mkdir(path.join(root, 'var/log/lockstep'), { recursive: true, mode: 0o700 });
      await fs.writeFile(path.join(root, JOURNAL), '{"t":"action","index":0,"status":"done","title":"Create /var', { mode: 0o600 });
      const result = await runCli(['cert', 'self-signed', '--host', 'k.example', '--root', root, '--yes']);
      assert.equal(result.exitCode, 0, result.stderr + result.stdout);
      const lines = (await fs.readFile(path.join(root, JOURNAL), 'utf8')).split('\n');
      assert.equal(lines.shift(), '{"t":"action","index":0,"status":"done","title":"Create /var', 'the cut line stays as it was, alone');
      assert.equal(lines.pop(), '');
      const records = lines.map((l) => JSON.parse(l) as Rec);
      assert.deepEqual([records[0]!.t, records.at(-1)!.t], ['run-start', 'run-end']);
    }));
});

describe('--dry-run', () => {
  test('on an empty root: the plan is shown, nothing is created, no journal', () =>
    withRoot(async (root) => {
      const before = await snapshot(root);
      const result = await runCli(['cert', 'self-signed', '--host', 'd.example', '--root', root, '--dry-run']);
      assert.equal(result.exitCode, 0, result.stderr);
      assert.match(result.stdout, /\$ openssl genpkey/);
      assert.match(result.stdout, /Dry run finished/);
      assert.deepEqual(await snapshot(root), before);
      assert.equal(await exists(path.join(root, 'var')), false);
    }));

  test('over an earlier run (key, certificate, journal present) with --overwrite: byte-identical', () =>
    withRoot(async (root) => {
      const first = await runCli(['cert', 'self-signed', '--host', 'd.example', '--root', root, '--yes']);
      assert.equal(first.exitCode, 0, first.stderr);
      const before = await snapshot(root);
      assert.ok(Object.keys(before).some((k) => k.endsWith('privkey.pem')));
      const result = await runCli(['cert', 'self-signed', '--host', 'd.example', '--overwrite', '--days', '30', '--root', root, '--dry-run', '--yes']);
      assert.equal(result.exitCode, 0, result.stderr);
      assert.match(result.stdout, /-days 30/);
      assert.deepEqual(await snapshot(root), before);
    }));
});

describe('resume', () => {
  test('after a SIGKILL during key generation, resume continues from there and the result verifies', () =>
    withRoot(async (root) => {
      const dir = path.join(root, 'etc/ssl/lockstep/r.example');
      // Its own process group, so the kill takes the openssl child with it.
      const cli = lockstep(['cert', 'self-signed', '--host', 'r.example', '--key-type', 'rsa4096', '--root', root, '--yes'], { detached: true });
      const pid = cli.pid!;
      let openssl: number | undefined;
      try {
        await waitFor(async () => (await journalRecords(root)).some((r) => r.t === 'action' && r.index === 1 && r.status === 'start'), 'key generation to start');
        openssl = (await waitFor(() => descendants(pid).find((p) => p.comm === 'openssl'), 'the openssl child')).pid;
        // The run and its openssl child (a group of its own) die at once, as in a power cut.
        killTree(pid);
        const killed = await cli;
        assert.equal(killed.signal, 'SIGKILL');
        await waitFor(() => groupMembers(pid).length === 0 && !running(openssl!), 'every process of the killed run to be gone');
      } finally {
        if (groupMembers(pid).length > 0) process.kill(-pid, 'SIGKILL');
        if (openssl !== undefined && running(openssl)) process.kill(-openssl, 'SIGKILL');
      }

      const interrupted = await journalRecords(root);
      const run = interrupted[0]!.run;
      assert.ok(!interrupted.some((r) => r.t === 'run-end'), 'the killed run did not end');
      assert.ok(!interrupted.some((r) => r.index === 1 && r.status === 'done'), 'it was killed before the key was done');
      assert.equal(await exists(path.join(dir, 'privkey.pem')), false, 'no half-made key under the real name');
      const stray = (await fs.readdir(dir)).filter((n) => n.startsWith('.privkey.pem.lockstep-'));
      assert.equal(stray.length, 1, 'the temp file of the killed attempt is left behind');

      const resumed = await runCli(['resume', '--yes', '--root', root]);
      assert.equal(resumed.exitCode, 0, resumed.stderr + resumed.stdout);
      assert.match(resumed.stdout, new RegExp(`Resuming run ${run}: 1 of 3 actions were done`));
      assert.match(resumed.stdout, /- Create \/etc\/ssl\/lockstep\/r\.example \(done in an earlier attempt\)/);

      const records = await journalRecords(root);
      assert.ok(records.every((r) => r.run === run), 'resume continues the same run');
      const statuses = (i: number): unknown[] => records.filter((r) => r.t === 'action' && r.index === i).map((r) => r.status);
      assert.deepEqual(statuses(0), ['start', 'done'], 'action 0 is not repeated');
      assert.deepEqual(statuses(1), ['start', 'start', 'done']);
      assert.deepEqual(statuses(2), ['start', 'done']);
      const resumeAt = records.findIndex((r) => r.t === 'resume');
      assert.ok(resumeAt > 0 && records.slice(resumeAt).some((r) => r.index === 1 && r.status === 'start'));
      assert.equal(records.at(-1)!.t, 'run-end');
      assert.equal(records.at(-1)!.status, 'done');

      assert.deepEqual((await fs.readdir(dir)).sort(), ['cert.pem', 'privkey.pem'], 'the stray temp file is gone');
      const key = createPrivateKey(await fs.readFile(path.join(dir, 'privkey.pem')));
      const cert = new X509Certificate(await fs.readFile(path.join(dir, 'cert.pem')));
      assert.ok(cert.checkPrivateKey(key));
      assert.equal(key.asymmetricKeyDetails?.modulusLength, 4096);
      assert.equal(cert.subjectAltName, 'DNS:r.example');
      assert.equal((await fs.stat(path.join(dir, 'privkey.pem'))).mode & 0o777, 0o600);
    }));

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    test(`${signal} during key generation aborts cleanly: child stopped, temp file removed, run-end "aborted"`, () =>
      withRoot(async (root) => {
        const dir = path.join(root, 'etc/ssl/lockstep/t.example');
        const cli = lockstep(['cert', 'self-signed', '--host', 't.example', '--key-type', 'rsa4096', '--root', root, '--yes'], { detached: true });
        const pid = cli.pid!;
        let openssl: number | undefined;
        try {
          openssl = (await waitFor(() => descendants(pid).find((p) => p.comm === 'openssl'), 'the openssl child')).pid;
          process.kill(pid, signal);
          const result = await cli;
          assert.equal(result.signal, undefined, `lockstep was killed by ${result.signal} instead of stopping the run`);
          assert.equal(result.exitCode, 1);
          assert.match(String(result.stderr), /Stopped by the operator/);
          // The child leads its own group; lockstep ended that group before it exited.
          assert.ok(!running(openssl), 'the openssl child is gone when lockstep exits');
          assert.deepEqual(runningMembers(openssl), []);
        } finally {
          if (groupMembers(pid).length > 0) process.kill(-pid, 'SIGKILL');
          if (openssl !== undefined && running(openssl)) process.kill(-openssl, 'SIGKILL');
        }
        const records = await journalRecords(root);
        assert.deepEqual(records.filter((r) => r.index === 1).map((r) => r.status), ['start', 'interrupted']);
        assert.equal(records.at(-1)!.t, 'run-end');
        assert.equal(records.at(-1)!.status, 'aborted');
        assert.deepEqual(await fs.readdir(dir), [], 'no key and no temp file left');
      }));
  }

  test('with no unfinished run, resume exits 2 and says so', () =>
    withRoot(async (root) => {
      const empty = await runCli(['resume', '--yes', '--root', root]);
      assert.equal(empty.exitCode, 2);
      assert.match(empty.stderr, /There is no interrupted run to resume/);

      const done = await runCli(['cert', 'self-signed', '--host', 'n.example', '--root', root, '--yes']);
      assert.equal(done.exitCode, 0, done.stderr);
      const before = await snapshot(root);
      const again = await runCli(['resume', '--yes', '--root', root]);
      assert.equal(again.exitCode, 2);
      assert.match(again.stderr, /There is no interrupted run to resume/);
      assert.deepEqual(await snapshot(root), before);
    }));
});
