// onboard starts with the checklist and ends with it: a part whose checks all pass is offered as
// already done (unticked by default; under --yes without "steps" it is left out), and the closing
// stage shows the counts before → after. On a cloud-image root, the real sshd -T.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { lockstep, tempRoot } from '../helpers.js';
import { cloudImageSsh } from './roots.js';

const haveSshd = process.getuid?.() === 0 && (await execa('sh', ['-c', 'test -x /usr/sbin/sshd'], { reject: false })).exitCode === 0;

test('onboard: before → after counts at the end; a part already done is left out by default', { skip: haveSshd ? false : 'needs root and openssh-server' }, async () => {
  const { root, cleanup } = await tempRoot('lockstep-onboard-check-');
  try {
    await cloudImageSsh(root);
    const answers = path.join(root, '..', `${path.basename(root)}-answers.json`);
    await fs.writeFile(answers, JSON.stringify({ steps: ['ssh'], ssh: { user: 'deploy', allowUsers: 'deploy' } }));
    const run = await lockstep(['--root', root, 'onboard', '--answers', answers, '--yes'], { env: { CI: 'true', NO_COLOR: '1', SUDO_USER: '' } });
    assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
    const out = String(run.stdout);
    assert.match(out, /The checklist \(lockstep check\), before → after/);
    assert.match(out, /Key-only SSH\s+│?\s*3 pass, 2 warn, 1 fail, 0 skip\s+│?\s*6 pass, 0 warn, 0 fail, 0 skip/);
    await fs.writeFile(answers, JSON.stringify({ ssh: { user: 'deploy' } }));
    const again = await lockstep(['--root', root, 'onboard', '--answers', answers, '--yes', '--dry-run'], { env: { CI: 'true', NO_COLOR: '1', SUDO_USER: '' } });
    const text = String(again.stdout);
    assert.match(text, /Already done by the checklist \(every check passes\): Key-only SSH\./);
    assert.match(text, /Key-only SSH: skipped \(not among the parts chosen for this run\)/);
    await fs.rm(answers, { force: true });
  } finally {
    await cleanup();
  }
});
