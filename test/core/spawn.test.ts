// The one spawn path, against real processes read from /proc: no LOCKSTEP_* variable in a
// child's environment, every child in a process group of its own, and a stop (abort, timeout)
// that ends the whole group — TERM first, KILL for what ignores it — and what left it for a
// session of its own.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { p } from '../../src/core/actions.js';
import { childEnvironment, groupAlive, liveGroups, spawnChild } from '../../src/core/spawn.js';
import { tempRoot, waitFor } from '../helpers.js';
import { runPlan } from './engine-harness.js';
import { journalRecords, procInfo, readEnviron, running, runningMembers } from './process-tree.js';

const envNames = (environ: string): string[] => environ.split('\0').filter((e) => e !== '').map((e) => e.slice(0, e.indexOf('=')));

describe('the environment a child gets', () => {
  test('LOCKSTEP_* of lockstep never reaches /proc/<pid>/environ; a variable given for the child does', async () => {
    process.env.LOCKSTEP_PASSPHRASE = 'spawn-test-secret';
    process.env.LOCKSTEP_KEY_PASSPHRASE = 'another-secret';
    try {
      const ac = new AbortController();
      let environ: string | undefined;
      const done = spawnChild({
        argv: ['sleep', '300'],
        env: { LOCKSTEP_DNS_NAME: '_acme-challenge.example.org' },
        signal: ac.signal,
        onSpawn: (pid) => {
          environ = readEnviron(pid!);
          ac.abort();
        },
      });
      const result = await done;
      assert.ok(result.interrupted);
      assert.ok(environ !== undefined && environ.length > 0, 'the environment was read while the child ran');
      const names = envNames(environ);
      assert.deepEqual(names.filter((n) => n.startsWith('LOCKSTEP_')), ['LOCKSTEP_DNS_NAME']);
      assert.ok(!environ.includes('spawn-test-secret') && !environ.includes('another-secret'));
      assert.ok(names.includes('PATH') && names.includes('LC_ALL'));
      assert.equal(childEnvironment().LOCKSTEP_PASSPHRASE, undefined);
    } finally {
      delete process.env.LOCKSTEP_PASSPHRASE;
      delete process.env.LOCKSTEP_KEY_PASSPHRASE;
    }
  });
});

describe('process groups', () => {
  test('each child leads a group of its own, not lockstep\'s', async () => {
    let pid: number | undefined;
    const ac = new AbortController();
    const r = spawnChild({ argv: ['sleep', '300'], signal: ac.signal, onSpawn: (p) => (pid = p) });
    await waitFor(() => pid !== undefined && procInfo(pid)?.comm === 'sleep', 'sleep to start');
    const info = procInfo(pid!)!;
    assert.equal(info.pgrp, pid, 'the child is its group\'s leader');
    assert.notEqual(info.pgrp, procInfo(process.pid)!.pgrp);
    assert.ok(liveGroups().includes(pid!));
    ac.abort();
    await r;
    assert.ok(!liveGroups().includes(pid!));
  });

  test('an abort ends the whole group: the shell and the sleep it started', async () => {
    const ac = new AbortController();
    let leader: number | undefined;
    let sleeper: number | undefined;
    const r = spawnChild({
      argv: ['sh', '-c', 'sleep 300 & echo "$!"; wait'],
      signal: ac.signal,
      onSpawn: (p) => (leader = p),
      onLine: (stream, line) => {
        if (stream === 'stdout' && sleeper === undefined) sleeper = Number(line);
      },
    });
    await waitFor(() => sleeper !== undefined && procInfo(sleeper)?.comm === 'sleep', 'the grandchild sleep');
    assert.equal(procInfo(sleeper!)!.pgrp, leader);
    ac.abort();
    const result = await r;
    assert.ok(result.interrupted);
    assert.ok(!running(sleeper!), 'the grandchild is gone when the result arrives');
    assert.deepEqual(runningMembers(leader!), []);
    assert.equal(groupAlive(leader!), false);
  });

  test('an abort also ends a descendant that left the group for a session of its own (as apt-get\'s dpkg does)', async () => {
    const ac = new AbortController();
    let leader: number | undefined;
    let stray: number | undefined;
    const r = spawnChild({
      argv: ['sh', '-c', 'setsid sleep 300 & echo "$!"; wait'],
      signal: ac.signal,
      onSpawn: (p) => (leader = p),
      onLine: (stream, line) => {
        if (stream === 'stdout' && stray === undefined) stray = Number(line);
      },
    });
    await waitFor(() => stray !== undefined && procInfo(stray)?.comm === 'sleep' && procInfo(stray)?.pgrp === stray, 'the sleep in a session of its own');
    assert.notEqual(procInfo(stray!)!.pgrp, leader, 'outside the group a signal to it reaches');
    ac.abort();
    const result = await r;
    assert.ok(result.interrupted);
    assert.ok(!running(stray!), 'the stray is gone when the result arrives');
    assert.equal(groupAlive(leader!), false);
  });

  test('what ignores SIGTERM gets SIGKILL after the grace period', async () => {
    const ac = new AbortController();
    let leader: number | undefined;
    let sleeper: number | undefined;
    // An ignored signal stays ignored across exec: the sleep ignores TERM as its shell does.
    const r = spawnChild({
      argv: ['sh', '-c', 'trap "" TERM; sleep 300 & echo "$!"; wait'],
      signal: ac.signal,
      graceMs: 300,
      onSpawn: (p) => (leader = p),
      onLine: (_s, line) => (sleeper ??= Number(line)),
    });
    await waitFor(() => sleeper !== undefined && procInfo(sleeper)?.comm === 'sleep', 'the grandchild sleep');
    ac.abort();
    const result = await r;
    assert.equal(result.signal, 'SIGKILL');
    assert.ok(!running(sleeper!));
    assert.equal(groupAlive(leader!), false);
  });

  test('a timeout ends the group and says so', async () => {
    const result = await spawnChild({ argv: ['sh', '-c', 'sleep 300 & wait'], timeoutMs: 200 });
    assert.ok(result.timedOut && !result.interrupted);
    assert.equal(result.exitCode, undefined);
  });
});

describe('input and output', () => {
  test('output is kept byte for byte (a long line, no final newline); stdin and a secret fd reach the child', async () => {
    const long = 'x'.repeat(20_000);
    const r = await spawnChild({ argv: ['sh', '-c', `printf '%s' "${long}"; printf 'a\\r\\nb' >&2`], capture: true });
    assert.equal(r.stdout, long);
    assert.equal(r.stderr, 'a\r\nb');
    const fed = await spawnChild({ argv: ['sh', '-c', 'cat; cat <&3'], input: 'from stdin\n', secretFds: new Map([[3, 'from fd 3']]), capture: true });
    assert.equal(fed.stdout, 'from stdin\nfrom fd 3\n');
    assert.equal(fed.exitCode, 0);
  });

  test('a missing program is reported, not thrown; a non-zero exit is a result', async () => {
    const missing = await spawnChild({ argv: ['lockstep-no-such-tool'], capture: true });
    assert.ok(missing.missing);
    assert.equal(missing.exitCode, undefined);
    const failing = await spawnChild({ argv: ['sh', '-c', 'echo out; exit 3'], capture: true });
    assert.deepEqual([failing.exitCode, failing.stdout, failing.missing], [3, 'out\n', false]);
  });
});

test('a plan command stopped by the abort signal: its group ends, the action is journaled as interrupted, the run as aborted', async () => {
  const { root, cleanup } = await tempRoot();
  try {
    const ac = new AbortController();
    let sleeper: number | undefined;
    const run = await runPlan(
      root,
      [
        { kind: 'run', title: 'long work', argv: ['sh', '-c', 'sleep 300 & echo "$!"; wait', p('/')] },
        { kind: 'mkdir', title: 'never reached', path: '/after', mode: 0o755 },
      ],
      () => 'retry',
      {
        signal: ac.signal,
        onEvent: (e) => {
          if (e.type === 'output' && sleeper === undefined) {
            sleeper = Number(e.text.split('\n')[0]);
            ac.abort();
          }
        },
      },
    );
    assert.equal(run.error?.name, 'AbortedError');
    assert.match(run.error!.message, /Stopped by the operator .* during "long work"/);
    assert.equal(run.failures.length, 0, 'an interruption is not offered retry / skip');
    assert.ok(!running(sleeper!));
    const records = await journalRecords(root);
    const action = records.filter((r) => r.t === 'action').map((r) => r.status);
    assert.deepEqual(action, ['start', 'interrupted']);
    assert.equal(records.find((r) => r.t === 'run-end')?.status, 'aborted');
  } finally {
    await cleanup();
  }
});
