// When sshd -T cannot say (here: the real sshd refuses the configuration), the ssh.
// checks read the files the way sshd does — first value wins, OpenSSH's defaults for the rest —
// and say so; ssh.config fails with sshd's own message.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { System } from '../../src/core/system.js';
import { sshChecks } from '../../src/ssh/ssh-checks.js';
import { tempRoot } from '../helpers.js';

test('sshd -T refuses the files: ssh.config fails with its message, the settings come from the files', async () => {
  const { root, cleanup } = await tempRoot('lockstep-check-sshfiles-');
  try {
    await fs.mkdir(path.join(root, 'etc/ssh/sshd_config.d'), { recursive: true });
    await fs.writeFile(path.join(root, 'etc/ssh/sshd_config'), `Include ${root}/etc/ssh/sshd_config.d/*.conf\nKbdInteractiveAuthentication no\nPermitRootLogin yes\nBogusOption 1\n`);
    await fs.writeFile(path.join(root, 'etc/ssh/sshd_config.d/50-cloud-init.conf'), 'PasswordAuthentication yes\n');
    await fs.writeFile(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
    const sys = new System(root);
    const items = new Map((await sshChecks.run({ sys, now: Date.now(), caDir: '/etc/pki/CA', caName: 'couch_ca' })).map((i) => [i.id, i]));
    assert.equal(items.get('ssh.config')?.status, 'fail');
    assert.match(items.get('ssh.config')?.evidence ?? '', /\/etc\/ssh\/sshd_config: line 4: Bad configuration option: BogusOption/);
    assert.doesNotMatch(items.get('ssh.config')?.evidence ?? '', /lockstep-sshd-copy/, "sshd's message names the root's file, not the temporary copy sshd read");
    assert.equal(items.get('ssh.passwords')?.status, 'fail');
    assert.match(items.get('ssh.passwords')?.evidence ?? '', /the files say passwordauthentication yes \(set by \/etc\/ssh\/sshd_config\.d\/50-cloud-init\.conf:1\)/);
    assert.equal(items.get('ssh.kbd-interactive')?.status, 'pass');
    assert.equal(items.get('ssh.root-login')?.status, 'fail');
    assert.match(items.get('ssh.root-login')?.evidence ?? '', /permitrootlogin yes \(set by \/etc\/ssh\/sshd_config:3\)/);
  } finally {
    await cleanup();
  }
});
