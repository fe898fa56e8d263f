// `lockstep resume` after an onboard run was killed in the middle of a step: the interrupted
// step is resumed (what it did is not repeated), and then the rest of the sequence runs — the
// stages after it, with the answers file the run read — not only the interrupted step.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { lockstep, tempRoot, waitFor } from '../helpers.js';
import { descendants, groupMembers, journalRecords, killTree, requireBuiltCli, running } from '../core/process-tree.js';

const NAME = 'portal.example.com';

test('onboard killed during the certificate\'s key: resume finishes that step, then runs the renewal timer stage after it', async () => {
  requireBuiltCli();
  const { root, cleanup } = await tempRoot('lockstep-onboard-resume-');
  const answers = path.join(root, '..', `${path.basename(root)}.json`);
  try {
    await fs.writeFile(answers, JSON.stringify({
      steps: ['cert', 'https', 'renewal'],
      cert: { public: true, port80: true, vendorRequired: true, method: 'purchased' },
      'cert purchased': { domain: [NAME], org: 'Example GmbH', country: 'DE', keyType: 'rsa4096' },
    }));
    const cli = lockstep(['--root', root, '--answers', answers, '--yes', 'onboard'], { detached: true });
    const pid = cli.pid!;
    let openssl: number | undefined;
    try {
      await waitFor(async () => (await journalRecords(root)).some((r) => r.t === 'action' && r.title === 'Generate the rsa4096 private key' && r.status === 'start'), 'key generation to start', 30_000);
      openssl = (await waitFor(() => descendants(pid).find((p) => p.comm === 'openssl'), 'the openssl child')).pid;
      killTree(pid);
      assert.equal((await cli).signal, 'SIGKILL');
      await waitFor(() => groupMembers(pid).length === 0 && !running(openssl!), 'every process of the killed run to be gone');
    } finally {
      if (groupMembers(pid).length > 0) process.kill(-pid, 'SIGKILL');
      if (openssl !== undefined && running(openssl)) process.kill(-openssl, 'SIGKILL');
    }
    const killed = await journalRecords(root);
    const starts = (rs: Record<string, unknown>[]) => rs.filter((r) => r.t === 'run-start').map((r) => r.command);
    assert.deepEqual(starts(killed), ['cert purchased'], 'killed inside the first step that changes anything');
    assert.ok(killed.some((r) => r.t === 'sequence-start' && r.command === 'onboard' && r.answersFile === answers), 'the sequence and its answers file are journaled');

    const resumed = await lockstep(['--root', root, '--yes', 'resume']);
    assert.equal(resumed.exitCode, 0, `${resumed.stdout}\n${resumed.stderr}`);
    assert.match(resumed.stdout, /Resuming run \S+: 2 of \d+ actions were done/);
    assert.match(resumed.stdout, /✓ Certificate from a vendor: key and CSR/);
    assert.match(resumed.stdout, /- HTTPS only with nginx: skipped \((nginx is not installed here|the vendor's certificate is not here yet)/);
    assert.match(resumed.stdout, /✓ .*[Rr]enew/, 'the renewal stage after the interrupted one ran');
    const after = await journalRecords(root);
    assert.deepEqual(starts(after), ['cert purchased', 'cert renew-timer'], 'the interrupted run was resumed (not started again), then the next stage ran');
    const run = (after.find((r) => r.t === 'run-start' && r.command === 'cert purchased') as { run: string }).run;
    assert.ok(after.some((r) => r.t === 'resume' && r.run === run));
    assert.ok((await fs.stat(path.join(root, 'etc/lockstep/archive', NAME, 'csr1.pem'))).isFile());
  } finally {
    await fs.rm(answers, { force: true });
    await cleanup();
  }
});
