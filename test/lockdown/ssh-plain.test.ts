// `lockstep --plain ssh` driven through its standard input, as a screen-reader user's keystrokes
// arrive: each question asked in turn, a bad user name re-asked, the preview, then the drop-in
// written and checked by the real sshd (-t, then -T). No sshd runs, so nothing is reloaded.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { tempRoot } from '../helpers.js';
import { drivePlain } from '../plain/drive.js';

const haveSshd = (await execa('sh', ['-c', 'test -x /usr/sbin/sshd'], { reject: false })).exitCode === 0;

test('plain mode: lockstep ssh asks user, root login, AllowUsers (re-asked after a bad name), AllowGroups, previews and applies', { skip: !haveSshd || process.getuid?.() !== 0 ? 'needs openssh-server and root' : false }, async (t) => {
  const { root, cleanup } = await tempRoot('lockstep-ssh-plain-');
  t.after(cleanup);
  await fs.mkdir(path.join(root, 'etc/ssh/sshd_config.d'), { recursive: true });
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(root, 'etc/ssh/ssh_host_ed25519_key')]);
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(root, 'id')]);
  await fs.writeFile(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  await fs.writeFile(path.join(root, 'etc/group'), 'root:x:0:\n');
  await fs.mkdir(path.join(root, 'root/.ssh'), { recursive: true, mode: 0o700 });
  await fs.writeFile(path.join(root, 'root/.ssh/authorized_keys'), await fs.readFile(path.join(root, 'id.pub')), { mode: 0o600 });
  await fs.writeFile(
    path.join(root, 'etc/ssh/sshd_config'),
    [`Include ${root}/etc/ssh/sshd_config.d/*.conf`, 'ListenAddress 127.0.0.1', `HostKey ${root}/etc/ssh/ssh_host_ed25519_key`, `PidFile ${root}/sshd.pid`, 'UsePAM no', ''].join('\n'),
  );
  await fs.mkdir('/run/sshd', { recursive: true }); // sshd -t's privilege separation folder

  const run = drivePlain(['--root', root, 'ssh'], { SUDO_USER: '' });
  const { child, answer } = run;
  t.after(() => child.kill());
  await answer('Login user who must keep access with a key', '\u0015root\r');
  await answer('Root login over SSH', '\u001B[B\r'); // the second choice: no
  await answer('Only these users may log in over SSH', 'root,bad*name\r');
  await answer('not a valid user name: "bad*name"', '\u0015root\r');
  await answer('Only members of these groups may log in over SSH', '\r'); // none
  await answer('Apply this plan', 'y\r');
  const result = await child;
  const out = run.screen();
  assert.equal(result.exitCode, 0, out);
  assert.match(out, /The plan/);
  assert.match(out, /root: 1 valid key\(s\) in \/root\/\.ssh\/authorized_keys/);
  assert.match(out, /✓ effective permitrootlogin is no \(sshd -T\)/);
  assert.match(out, /✓ effective allowusers is root \(sshd -T\)/);
  assert.doesNotMatch(out, /allowgroups/);
  const dropin = await fs.readFile(path.join(root, 'etc/ssh/sshd_config.d/00-lockstep.conf'), 'utf8');
  assert.match(dropin, /^PermitRootLogin no\nPubkeyAuthentication yes\nAllowUsers root\n$/m);
});
