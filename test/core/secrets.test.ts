// A key passphrase given to the built CLI (a file, or the environment) must reach openssl only on
// a file descriptor: never in any process's argv, never in a child's environment, never in the
// output, the journal, the run log, a --log file or the dry-run preview.
import assert from 'node:assert/strict';
import { createPrivateKey, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { lockstep, tempRoot } from '../helpers.js';
import { requireBuiltCli, runCli, runWatched } from './process-tree.js';


async function assertNoSecretUnder(dir: string, secret: string): Promise<number> {
  let files = 0;
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath ?? entry.path, entry.name);
    if (full.endsWith('.pem')) continue; // the encrypted key and the certificate: binary-safe, checked below
    const text = await fs.readFile(full, 'latin1');
    assert.ok(!text.includes(secret), `${full} holds the passphrase`);
    files += 1;
  }
  return files;
}

async function assertEncryptedWith(keyFile: string, passphrase: string): Promise<void> {
  const pem = await fs.readFile(keyFile, 'utf8');
  assert.match(pem, /^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
  assert.throws(() => createPrivateKey(pem)); // OpenSSL 3 says 'interrupted or cancelled' (no passphrase callback)
  assert.throws(() => createPrivateKey({ key: pem, passphrase: `${passphrase}x` }));
  const key = createPrivateKey({ key: pem, passphrase });
  assert.equal(key.asymmetricKeyDetails?.modulusLength, 4096);
}

describe('a key passphrase never leaks', () => {
  const cases = [
    { how: '--key-passphrase-file', viaFile: true },
    { how: 'LOCKSTEP_KEY_PASSPHRASE', viaFile: false },
  ];
  for (const { how, viaFile } of cases) {
    test(`given by ${how}: not in argv, children's environment, output, journal or logs; the key is encrypted with it`, async () => {
      requireBuiltCli();
      const { root, cleanup } = await tempRoot();
      try {
        const secret = `pw-${randomBytes(12).toString('hex')}`;
        const secretFile = path.join(root, 'passphrase.txt');
        await fs.writeFile(secretFile, `${secret}\n`, { mode: 0o600 });
        const textLog = path.join(root, 'lockstep-run.log');
        const common = ['cert', 'self-signed', '--host', 's.example', '--key-type', 'rsa4096', '--root', root];
        const secretArgs = viaFile ? ['--key-passphrase-file', secretFile] : [];
        const env: Record<string, string> = viaFile ? {} : { LOCKSTEP_KEY_PASSPHRASE: secret };

        const preview = await runCli([...common, ...secretArgs, '--dry-run'], env);
        assert.equal(preview.exitCode, 0, preview.stderr);
        assert.match(preview.stdout, /-aes256 -pass fd:3 3<\(secret: keyPassphrase\)/);
        assert.ok(!`${preview.stdout}${preview.stderr}`.includes(secret), 'the dry-run preview shows the passphrase');

        const run = await runWatched([...common, ...secretArgs, '--yes', '--log', textLog], secret, env);
        assert.equal(run.exitCode, 0, run.stderr + run.stdout);
        assert.ok([...run.children].some((c) => c.startsWith('openssl genpkey')), `no openssl child was observed: ${[...run.children].join('; ')}`);
        assert.deepEqual([...run.leaks], []);
        assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), 'the passphrase is in the output');

        const journal = await fs.readFile(path.join(root, 'var/log/lockstep/journal.jsonl'), 'utf8');
        assert.match(journal, /"keyPassphrase":"\*{8}"/);
        assert.match(await fs.readFile(textLog, 'utf8'), /Generate the rsa4096 private key/);
        // The journal, the run log, the --log file (and the passphrase file itself is skipped).
        await fs.rm(secretFile);
        assert.ok((await assertNoSecretUnder(root, secret)) >= 3);

        await assertEncryptedWith(path.join(root, 'etc/ssl/lockstep/s.example/privkey.pem'), secret);
      } finally {
        await cleanup();
      }
    });
  }
});
