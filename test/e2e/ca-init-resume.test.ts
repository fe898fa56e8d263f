// `ca init` killed while openssl self-signs the root (R1's finding): the private key is there, the
// root certificate is not. A plain rerun adopts that half CA, fails its checks (0 of 0 actions)
// and says "lockstep resume" continues the interrupted run: resume must take that run, not the
// failed adopt run after it, and finish the CA. The kill lands at that moment every time: the real
// openssl runs behind a wrapper that, for `req -x509`, says so and waits.
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { lockstep, waitFor } from '../helpers.js';
import { killTree, requireBuiltCli, runningMembers } from '../core/process-tree.js';
import { CA, initArgs, sandbox } from './ca-robust-helpers.js';

test('ca init killed while it self-signs the root: the rerun says resume, and resume finishes that run', async () => {
  await requireBuiltCli();
  const box = await sandbox();
  const bin = `${box.root}.bin`;
  const marker = `${box.root}.x509`;
  try {
    await fs.mkdir(bin);
    const real = (await fs.access('/usr/bin/openssl').then(() => '/usr/bin/openssl', () => 'openssl'));
    await fs.writeFile(
      path.join(bin, 'openssl'),
      `#!/bin/sh\nfor a in "$@"; do if [ "$a" = "-x509" ]; then : > '${marker}'; sleep 60; fi; done\nexec ${real} "$@"\n`,
      { mode: 0o755 },
    );
    const env = { CI: 'true', NO_COLOR: '1', PATH: `${bin}:${process.env.PATH ?? ''}` };
    const cli = lockstep(initArgs(box, 'ec-p384'), { detached: true, env });
    await waitFor(() => fs.access(marker).then(() => true, () => false), 'openssl req -x509 to start', 30_000);
    assert.ok(killTree(cli.pid!), 'the run was killed');
    await cli;
    await waitFor(() => runningMembers(cli.pid!).length === 0, `process group ${cli.pid} to be gone`);
    assert.ok((await fs.stat(box.real(`${CA}/private/couch_ca.pem`))).isFile(), 'the root key was made before the kill');
    await assert.rejects(fs.stat(box.real(`${CA}/certs/couch_ca.cert`)), 'no root certificate yet');

    const again = await lockstep(initArgs(box, 'ec-p384'));
    assert.equal(again.exitCode, 1, `${again.stdout}\n${again.stderr}`);
    const said = `${again.stdout}\n${again.stderr}`;
    assert.match(said, /"lockstep --root \S+ resume" continues it/);

    const resumed = await lockstep(['--root', box.root, 'resume', '--yes', '--passphrase-file', box.passFile]);
    assert.equal(resumed.exitCode, 0, `${resumed.stdout}\n${resumed.stderr}`);
    assert.doesNotMatch(resumed.stdout, /0 of 0 actions/, 'not the failed adopt run');
    const root = new X509Certificate(await fs.readFile(box.real(`${CA}/certs/couch_ca.cert`)));
    assert.equal(root.ca, true, 'a CA certificate');
    assert.ok(root.verify(root.publicKey), 'self-signed');
    const key = await fs.readFile(box.real(`${CA}/private/couch_ca.pem`), 'utf8');
    assert.ok(root.checkPrivateKey(createPrivateKey({ key, passphrase: 'correct horse battery staple' })), 'with the key made before the kill');

    // Done now: a rerun adopts the whole CA and passes.
    const after = await lockstep(initArgs(box, 'ec-p384'));
    assert.equal(after.exitCode, 0, `${after.stdout}\n${after.stderr}`);
  } finally {
    await fs.rm(bin, { recursive: true, force: true });
    await fs.rm(marker, { force: true });
    await box.cleanup();
  }
});
