// "A key is never world-readable, not even for a moment": the output folder is watched (inotify
// and a polling loop) while the built CLI makes an RSA 4096 key under umask 000, and every
// observation of a file named like the key must show mode 0600.
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { watch } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { BIN, snapshot, tempRoot } from '../helpers.js';
import { requireBuiltCli } from './process-tree.js';

test('the key and its temp file are 0600 at every observation, even under umask 000', async () => {
  requireBuiltCli();
  const { root, cleanup } = await tempRoot();
  const dir = path.join(root, 'etc/ssl/lockstep/modes.example');
  // The folder exists before the run so it can be watched from the first byte.
  await fs.mkdir(dir, { recursive: true });
  const seen: { name: string; mode: number }[] = [];
  const look = async (name: string): Promise<void> => {
    if (!name.includes('privkey')) return;
    const st = await fs.lstat(path.join(dir, name)).catch(() => undefined);
    if (st !== undefined) seen.push({ name, mode: st.mode & 0o7777 });
  };
  const watcher = watch(dir, (_event, name) => {
    if (name !== null) void look(name.toString());
  });
  try {
    const cli = execa('sh', ['-c', 'umask 000; exec node "$0" "$@"', BIN, 'cert', 'self-signed', '--host', 'modes.example', '--key-type', 'rsa4096', '--yes', '--root', root], {
      reject: false,
      stdin: 'ignore',
      env: { CI: 'true', NO_COLOR: '1' },
    });
    let running = true;
    void cli.finally(() => (running = false));
    while (running) {
      const names = await fs.readdir(dir).catch(() => [] as string[]);
      await Promise.all(names.map(look));
    }
    const result = await cli;
    assert.equal(result.exitCode, 0, result.stderr + result.stdout);

    const temps = seen.filter((s) => s.name.startsWith('.privkey.pem.lockstep-'));
    assert.ok(temps.length > 0, 'the key generation was watched while it ran (its temp file was seen)');
    assert.ok(seen.some((s) => s.name === 'privkey.pem'), 'the final key was seen');
    const wrong = seen.filter((s) => s.mode !== 0o600);
    assert.deepEqual(wrong, [], `every observation must be 0600 (${seen.length} observations)`);

    // Under umask 000 the rest is still as planned: nothing lockstep made is open to others
    // except the certificate and the folders meant to be traversed.
    const snap = await snapshot(root);
    const modeOf = (rel: string): string | undefined => snap[rel]?.split(' ')[0];
    assert.equal(modeOf('etc/ssl/lockstep/modes.example/cert.pem'), '100644');
    assert.equal(modeOf('etc/ssl/lockstep/modes.example/privkey.pem'), '100600');
    assert.equal(modeOf('var/log/lockstep/journal.jsonl'), '100600');
    assert.equal(snap['var/log/lockstep/'], '40700');
    for (const [rel, value] of Object.entries(snap)) {
      if (rel.startsWith('var/log/lockstep/') && !rel.endsWith('/')) assert.equal(value.split(' ')[0], '100600', rel);
    }
  } finally {
    watcher.close();
    await cleanup();
  }
});
