// The executor against real files and real commands: backups of replaced files, modes at
// creation whatever the umask, and what retry / skip / abort do at a failing action.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { p, type Action } from '../../src/core/actions.js';
import { AbortedError, CommandFailedError } from '../../src/core/errors.js';
import { tempRoot } from '../helpers.js';
import { runIdOf, runPlan } from './engine-harness.js';
import { journalRecords } from './process-tree.js';

const modeOf = async (file: string): Promise<number> => (await fs.stat(file)).mode & 0o7777;

async function withRoot(fn: (root: string) => Promise<void>): Promise<void> {
  const { root, cleanup } = await tempRoot();
  try {
    await fn(root);
  } finally {
    await cleanup();
  }
}

describe('backups of replaced files', () => {
  test('a write over an existing key keeps the original (content and 0600) and a second replace keeps the first backup', () =>
    withRoot(async (root) => {
      await fs.mkdir(path.join(root, 'etc/app'), { recursive: true });
      const key = path.join(root, 'etc/app/secret.key');
      await fs.writeFile(key, 'ORIGINAL KEY\n');
      await fs.chmod(key, 0o600);

      const run = await runPlan(root, [
        { kind: 'write', title: 'first replace', path: '/etc/app/secret.key', content: 'second\n', mode: 0o600 },
        { kind: 'write', title: 'second replace', path: '/etc/app/secret.key', content: 'third\n', mode: 0o640 },
      ]);
      assert.equal(run.error, undefined, run.error?.message);
      const backup = path.join(root, 'var/backups/lockstep', runIdOf(run), 'etc/app/secret.key');
      assert.equal(await fs.readFile(backup, 'utf8'), 'ORIGINAL KEY\n');
      assert.equal(await modeOf(backup), 0o600);
      assert.equal(await fs.readFile(key, 'utf8'), 'third\n');
      assert.equal(await modeOf(key), 0o640);

      const done = (await journalRecords(root)).filter((r) => r.t === 'action' && r.status === 'done');
      assert.deepEqual(done.map((r) => r.backup), [backup, backup], 'each replace journals where the backup is');
    }));

  test('a command writing its output over an existing file (stdoutTo) keeps the original and its mode', () =>
    withRoot(async (root) => {
      await fs.mkdir(path.join(root, 'srv'));
      const out = path.join(root, 'srv/report.txt');
      await fs.writeFile(out, 'yesterday\n');
      await fs.chmod(out, 0o640);

      const run = await runPlan(root, [
        { kind: 'run', title: 'report', argv: ['sh', '-c', 'echo today'], stdoutTo: { path: '/srv/report.txt', mode: 0o644 } },
        { kind: 'run', title: 'report again', argv: ['sh', '-c', 'echo tonight'], stdoutTo: { path: '/srv/report.txt', mode: 0o600 } },
      ]);
      assert.equal(run.error, undefined, run.error?.message);
      const backup = path.join(root, 'var/backups/lockstep', runIdOf(run), 'srv/report.txt');
      assert.equal(await fs.readFile(backup, 'utf8'), 'yesterday\n');
      assert.equal(await modeOf(backup), 0o640);
      assert.equal(await fs.readFile(out, 'utf8'), 'tonight\n');
      assert.equal(await modeOf(out), 0o600);
    }));

  test('a new file has no backup', () =>
    withRoot(async (root) => {
      const run = await runPlan(root, [
        { kind: 'mkdir', title: 'etc', path: '/etc', mode: 0o755 },
        { kind: 'write', title: 'new', path: '/etc/new.conf', content: 'x\n', mode: 0o644 },
      ]);
      assert.equal(run.error, undefined, run.error?.message);
      assert.equal(await fs.stat(path.join(root, 'var/backups')).catch(() => undefined), undefined);
    }));
});

describe('modes at creation', () => {
  for (const umask of [0o000, 0o022, 0o077, 0o277]) {
    test(`files land with exactly the planned mode under umask ${umask.toString(8).padStart(3, '0')}`, () =>
      withRoot(async (root) => {
        const previous = process.umask(umask);
        try {
          const run = await runPlan(root, [
            { kind: 'mkdir', title: 'dir', path: '/etc/k', mode: 0o755 },
            { kind: 'write', title: 'key', path: '/etc/k/privkey.pem', content: 'k', mode: 0o600 },
            { kind: 'write', title: 'public', path: '/etc/k/cert.pem', content: 'c', mode: 0o644 },
            { kind: 'run', title: 'key from a command', argv: ['sh', '-c', 'echo s'], stdoutTo: { path: '/etc/k/other.key', mode: 0o600 } },
          ]);
          assert.equal(run.error, undefined, run.error?.message);
        } finally {
          process.umask(previous);
        }
        assert.equal(await modeOf(path.join(root, 'etc/k/privkey.pem')), 0o600);
        assert.equal(await modeOf(path.join(root, 'etc/k/cert.pem')), 0o644);
        assert.equal(await modeOf(path.join(root, 'etc/k/other.key')), 0o600);
        // The journal is opened with 0600 and no chmod, so a umask that takes the owner's own
        // bits away (277) narrows it further; never wider.
        assert.equal((await modeOf(path.join(root, 'var/log/lockstep/journal.jsonl'))) & ~0o600, 0);
      }));
  }

  test('mkdir creates a directory with its mode but leaves an existing one as it is (as "mkdir -p -m" in the preview says)', () =>
    withRoot(async (root) => {
      await fs.mkdir(path.join(root, 'etc/ssl/private'), { recursive: true });
      await fs.chmod(path.join(root, 'etc/ssl/private'), 0o700);
      const run = await runPlan(root, [
        { kind: 'mkdir', title: 'existing', path: '/etc/ssl/private', mode: 0o755 },
        { kind: 'mkdir', title: 'new', path: '/etc/ssl/lockstep/h', mode: 0o750 },
      ]);
      assert.equal(run.error, undefined, run.error?.message);
      assert.equal(await modeOf(path.join(root, 'etc/ssl/private')), 0o700, 'an existing private directory must not be opened up');
      assert.equal(await modeOf(path.join(root, 'etc/ssl/lockstep/h')), 0o750);
    }));
});

describe('edit, move, chmod', () => {
  test('an edit applies over the previewed content, keeps mode and a backup, and is a no-op once applied', () =>
    withRoot(async (root) => {
      await fs.mkdir(path.join(root, 'etc/ssl'), { recursive: true });
      const cnf = path.join(root, 'etc/ssl/openssl.cnf');
      await fs.writeFile(cnf, 'default_md = md5\n');
      await fs.chmod(cnf, 0o640);
      const edit: Action = { kind: 'edit', title: 'md', path: '/etc/ssl/openssl.cnf', before: 'default_md = md5\n', after: 'default_md = sha256\n', changes: ['default_md: md5 → sha256'] };
      const run = await runPlan(root, [edit, edit]);
      assert.equal(run.error, undefined, run.error?.message);
      assert.equal(await fs.readFile(cnf, 'utf8'), 'default_md = sha256\n');
      assert.equal(await modeOf(cnf), 0o640);
      const backup = path.join(root, 'var/backups/lockstep', runIdOf(run), 'etc/ssl/openssl.cnf');
      assert.equal(await fs.readFile(backup, 'utf8'), 'default_md = md5\n');
    }));

  test('an edit is refused when the file changed since the preview, and the file is left alone', () =>
    withRoot(async (root) => {
      const cnf = path.join(root, 'app.cnf');
      await fs.writeFile(cnf, 'changed by someone else\n');
      const run = await runPlan(root, [{ kind: 'edit', title: 'e', path: '/app.cnf', before: 'a = 1\n', after: 'a = 2\n', changes: [] }]);
      assert.match(run.error?.message ?? '', /\/app\.cnf changed since the preview/);
      assert.equal(await fs.readFile(cnf, 'utf8'), 'changed by someone else\n');
    }));

  test('a move backs up what it replaces; chmod sets the mode', () =>
    withRoot(async (root) => {
      await fs.writeFile(path.join(root, 'new.pem'), 'new');
      await fs.writeFile(path.join(root, 'cert.pem'), 'old');
      const run = await runPlan(root, [
        { kind: 'move', title: 'mv', from: '/new.pem', to: '/cert.pem' },
        { kind: 'chmod', title: 'chmod', path: '/cert.pem', mode: 0o444 },
      ]);
      assert.equal(run.error, undefined, run.error?.message);
      assert.equal(await fs.readFile(path.join(root, 'cert.pem'), 'utf8'), 'new');
      assert.equal(await modeOf(path.join(root, 'cert.pem')), 0o444);
      assert.equal(await fs.stat(path.join(root, 'new.pem')).catch(() => undefined), undefined);
      assert.equal(await fs.readFile(path.join(root, 'var/backups/lockstep', runIdOf(run), 'cert.pem'), 'utf8'), 'old');
    }));
});

describe('a failing action: retry, skip, abort', () => {
  const failing: Action = { kind: 'run', title: 'fails', argv: ['sh', '-c', 'echo boom >&2; exit 3'] };
  const after: Action = { kind: 'write', title: 'after', path: '/after.txt', content: 'after\n', mode: 0o644 };
  const statuses = async (root: string, index: number): Promise<unknown[]> =>
    (await journalRecords(root)).filter((r) => r.t === 'action' && r.index === index).map((r) => r.status);
  const runEnd = async (root: string): Promise<unknown> => (await journalRecords(root)).find((r) => r.t === 'run-end')?.status;

  test('onFailure is told the command, its exit code and stderr; skip goes on and journals "skipped"', () =>
    withRoot(async (root) => {
      const run = await runPlan(root, [failing, after], () => 'skip');
      assert.equal(run.error, undefined, run.error?.message);
      assert.equal(run.failures.length, 1);
      const { index, error } = run.failures[0]!;
      assert.equal(index, 0);
      assert.ok(error instanceof CommandFailedError);
      assert.equal(error.commandExitCode, 3);
      assert.deepEqual(error.stderrTail, ['boom']);
      assert.deepEqual(await statuses(root, 0), ['start', 'failed', 'skipped']);
      assert.deepEqual(await statuses(root, 1), ['start', 'done']);
      assert.equal(await fs.readFile(path.join(root, 'after.txt'), 'utf8'), 'after\n');
      assert.equal(await runEnd(root), 'done');
      assert.ok(run.events.some((e) => e.type === 'action-done' && e.index === 0 && e.outcome === 'skipped'));
    }));

  test('abort stops at the failure: nothing after it runs, and the run ends aborted in the journal', () =>
    withRoot(async (root) => {
      const run = await runPlan(root, [failing, after], () => 'abort');
      assert.ok(run.error instanceof AbortedError, `expected the operator's abort, got ${run.error}`);
      assert.match(run.error.message, /exited with code 3/);
      assert.equal(run.failures.length, 1);
      assert.deepEqual(await statuses(root, 0), ['start', 'failed']);
      assert.deepEqual(await statuses(root, 1), []);
      assert.equal(await fs.stat(path.join(root, 'after.txt')).catch(() => undefined), undefined);
      assert.equal(await runEnd(root), 'aborted');
    }));

  test('retry runs the command again, which succeeds the second time', () =>
    withRoot(async (root) => {
      const marker = '/var/tmp/first-attempt';
      await fs.mkdir(path.join(root, 'var/tmp'), { recursive: true });
      const flaky: Action = {
        kind: 'run',
        title: 'flaky',
        argv: ['sh', '-c', 'if [ -e "$1" ]; then echo second; else : > "$1"; echo boom >&2; exit 3; fi', 'sh', p(marker)],
      };
      const run = await runPlan(root, [flaky, after], () => 'retry');
      assert.equal(run.error, undefined, run.error?.message);
      assert.equal(run.failures.length, 1, 'only the first attempt fails');
      assert.deepEqual(await statuses(root, 0), ['start', 'failed', 'start', 'done']);
      assert.deepEqual(await statuses(root, 1), ['start', 'done']);
      assert.equal(await runEnd(root), 'done');
      assert.ok(run.events.some((e) => e.type === 'output' && e.index === 0 && e.text === 'second' && e.lines === 1));
    }));
});
