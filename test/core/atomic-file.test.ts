// Atomic replacement against a real crash: a child process is SIGKILLed between the synced temp
// file and the rename, and the target must still hold its old content.
import assert from 'node:assert/strict';
import { execa } from 'execa';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { backupFile, writeAtomic } from '../../src/core/atomic-file.js';
import { REPO, tempRoot } from '../helpers.js';

const ATOMIC = pathToFileURL(path.join(REPO, 'src/core/atomic-file.ts')).href;

const strays = async (dir: string, target: string): Promise<string[]> =>
  (await fs.readdir(dir)).filter((n) => n.startsWith(`.${target}.lockstep-`));

test('a crash between the temp file and the rename leaves the old file intact; the next write cleans up', async () => {
  const { root, cleanup } = await tempRoot();
  try {
    const dir = path.join(root, 'etc');
    await fs.mkdir(dir);
    const target = path.join(dir, 'app.conf');
    await fs.writeFile(target, 'old content\n', { mode: 0o644 });

    const script = path.join(root, 'crash-before-rename.mjs');
    await fs.writeFile(
      script,
      [
        `import { writeAtomic } from ${JSON.stringify(ATOMIC)};`,
        'const [target, content] = process.argv.slice(2);',
        "await writeAtomic(target, content, 0o640, { hooks: { beforeRename: () => process.kill(process.pid, 'SIGKILL') } });",
        "console.log('not reached');",
      ].join('\n'),
    );
    const child = await execa('node', ['--import', 'tsx', script, target, 'NEW content\n'], { cwd: REPO, reject: false });
    assert.equal(child.signal, 'SIGKILL', `the child should die in beforeRename: ${child.stderr}`);
    assert.doesNotMatch(child.stdout, /not reached/);

    assert.equal(await fs.readFile(target, 'utf8'), 'old content\n');
    assert.equal((await fs.stat(target)).mode & 0o7777, 0o644);
    // The crash really happened after the temp file was complete: it holds the new bytes.
    const left = await strays(dir, 'app.conf');
    assert.equal(left.length, 1, `one stray temp file expected, saw ${left.join(', ')}`);
    assert.equal(await fs.readFile(path.join(dir, left[0]!), 'utf8'), 'NEW content\n');
    assert.equal((await fs.stat(path.join(dir, left[0]!))).mode & 0o7777, 0o640);

    await writeAtomic(target, 'second attempt\n', 0o600);
    assert.equal(await fs.readFile(target, 'utf8'), 'second attempt\n');
    assert.equal((await fs.stat(target)).mode & 0o7777, 0o600);
    assert.deepEqual(await strays(dir, 'app.conf'), []);
  } finally {
    await cleanup();
  }
});

test('a failing beforeRename hook leaves the target untouched (no half-written file)', async () => {
  const { root, cleanup } = await tempRoot();
  try {
    const target = path.join(root, 'data.txt');
    await fs.writeFile(target, 'keep me');
    await assert.rejects(
      writeAtomic(target, 'replacement', 0o644, {
        hooks: {
          beforeRename: () => {
            throw new Error('power cut');
          },
        },
      }),
      /power cut/,
    );
    assert.equal(await fs.readFile(target, 'utf8'), 'keep me');
    await writeAtomic(target, 'replacement', 0o644);
    assert.equal(await fs.readFile(target, 'utf8'), 'replacement');
    assert.deepEqual(await strays(root, 'data.txt'), []);
  } finally {
    await cleanup();
  }
});

test('backupFile keeps content and mode, in a directory only its owner can enter', async () => {
  const { root, cleanup } = await tempRoot();
  try {
    const key = path.join(root, 'privkey.pem');
    await fs.writeFile(key, 'KEY BYTES', { mode: 0o600 });
    await fs.chmod(key, 0o600);
    const backup = path.join(root, 'backups/run-1/etc/privkey.pem');
    assert.equal(await backupFile(key, backup), true);
    assert.equal(await fs.readFile(backup, 'utf8'), 'KEY BYTES');
    assert.equal((await fs.stat(backup)).mode & 0o7777, 0o600);
    assert.equal((await fs.stat(path.join(root, 'backups'))).mode & 0o777, 0o700);
    assert.equal(await backupFile(path.join(root, 'missing'), path.join(root, 'backups/x')), false);
  } finally {
    await cleanup();
  }
});
