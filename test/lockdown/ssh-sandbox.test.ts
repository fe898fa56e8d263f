// `lockstep ssh --root R` checks R's sshd configuration, not the host's: Debian's own
// sshd_config (its `Include /etc/ssh/sshd_config.d/*.conf` is absolute) copied into R, while the
// "host" has a drop-in that turns passwords on. The host's drop-in is made inside a user and
// mount namespace the test creates (a tmpfs over /etc/ssh/sshd_config.d there), so this
// machine's /etc is never touched; lockstep runs inside that namespace.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { BIN, tempRoot } from '../helpers.js';

const DEBIAN_SSHD_CONFIG = '/usr/share/openssh/sshd_config';
let box: { root: string; cleanup: () => Promise<void> };
const r = (f: string): string => path.join(box.root, f);

before(async () => {
  box = await tempRoot('lockstep-ssh-sandbox-');
  await fs.mkdir(r('etc/ssh/sshd_config.d'), { recursive: true });
  await fs.copyFile(DEBIAN_SSHD_CONFIG, r('etc/ssh/sshd_config'));
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', r('etc/ssh/ssh_host_ed25519_key')]);
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', r('client-key')]);
  await fs.writeFile(r('etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  await fs.writeFile(r('etc/group'), 'root:x:0:\n');
  await fs.mkdir(r('root/.ssh'), { recursive: true, mode: 0o700 });
  await fs.writeFile(r('root/.ssh/authorized_keys'), await fs.readFile(r('client-key.pub')), { mode: 0o600 });
  await fs.mkdir(r('host-dropins'));
  await fs.writeFile(r('host-dropins/10-host.conf'), 'PasswordAuthentication yes\nPermitRootLogin yes\n');
});
after(() => box?.cleanup());

/** Runs `script` in a new user + mount namespace whose /etc/ssh/sshd_config.d holds the host's drop-in. */
function withHostDropin(script: string) {
  const setup = [
    'set -e',
    'mount -t tmpfs lockstep-test /etc/ssh/sshd_config.d',
    `cp "${r('host-dropins/10-host.conf')}" /etc/ssh/sshd_config.d/`,
    // sshd -t needs its privilege separation folder; a private one here.
    'mount -t tmpfs lockstep-test /run',
    'mkdir -p /run/sshd',
    script,
  ].join('\n');
  return execa('unshare', ['-rm', '--propagation', 'private', 'sh', '-c', setup], { reject: false, stdin: 'ignore', env: { CI: 'true', NO_COLOR: '1', SUDO_USER: '', PATH: process.env.PATH ?? '/usr/bin:/bin' } });
}

test('the host\'s drop-in is there: sshd -T on the host\'s own configuration reads passwords on', async () => {
  const host = await withHostDropin('sshd -T -C user=root,host=localhost,addr=127.0.0.1 | grep -i "^passwordauthentication"');
  assert.equal(host.exitCode, 0, host.stderr);
  assert.equal(host.stdout.trim(), 'passwordauthentication yes');
});

test('ssh --root R with Debian\'s sshd_config: sshd -t and -T read R\'s drop-ins and host keys (not the host\'s), the preview says it is a sandbox, verification passes', async () => {
  const dry = await withHostDropin(`exec node ${BIN} --root ${box.root} --dry-run ssh --user root`);
  assert.equal(dry.exitCode, 0, `${dry.stdout}\n${dry.stderr}`);
  assert.match(dry.stdout, /sandbox \(--root\): sshd -t reads a temporary copy of the root's \/etc\/ssh\/sshd_config/);
  assert.match(dry.stdout, /internal sshd-test --root=/);

  const run = await withHostDropin(`exec node ${BIN} --root ${box.root} --yes ssh --user root --permit-root-login prohibit-password`);
  assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, /✓ effective passwordauthentication is no \(sshd -T\)/);
  assert.match(run.stdout, /✓ effective permitrootlogin is prohibit-password \(sshd -T\)/);
  assert.ok((await fs.stat(r('etc/ssh/sshd_config.d/00-lockstep.conf'))).isFile());

  // R's own drop-in that sshd -t refuses: the sandboxed check reads it (and undoes lockstep's drop-in).
  await fs.writeFile(r('etc/ssh/sshd_config.d/50-broken.conf'), 'NoSuchSshdKeyword yes\n');
  await fs.rm(r('etc/ssh/sshd_config.d/00-lockstep.conf'));
  const broken = await withHostDropin(`exec node ${BIN} --root ${box.root} --yes ssh --user root`);
  assert.equal(broken.exitCode, 1, `${broken.stdout}\n${broken.stderr}`);
  assert.match(`${broken.stdout}\n${broken.stderr}`, /50-broken\.conf.*NoSuchSshdKeyword|NoSuchSshdKeyword/);
  await assert.rejects(fs.stat(r('etc/ssh/sshd_config.d/00-lockstep.conf')), 'the new drop-in was removed again');
  await fs.rm(r('etc/ssh/sshd_config.d/50-broken.conf'));
});

test('R\'s /run/sshd.pid naming a process that is not R\'s sshd: never signalled, and the preview says why', async () => {
  const stranger = execa('sleep', ['600'], { reject: false });
  try {
    await fs.mkdir(r('run'), { recursive: true });
    await fs.writeFile(r('run/sshd.pid'), `${stranger.pid}\n`);
    await fs.rm(r('etc/ssh/sshd_config.d/00-lockstep.conf'), { force: true });
    const run = await withHostDropin(`exec node ${BIN} --root ${box.root} --yes ssh --user root --permit-root-login prohibit-password`);
    assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, new RegExp(`/run/sshd\\.pid names pid ${stranger.pid}, which is not this root's sshd`));
    assert.doesNotMatch(run.stdout, /Reload sshd/);
    assert.equal(stranger.exitCode, null, 'the process is still running');
    assert.equal(stranger.signalCode, null);
  } finally {
    stranger.kill();
    await stranger;
    await fs.rm(r('run/sshd.pid'), { force: true });
  }
});

test('no temporary copy of the configuration is left behind', async () => {
  const tmp = await fs.readdir(process.env.TMPDIR ?? '/tmp');
  assert.deepEqual(tmp.filter((n) => n.startsWith('lockstep-sshd-copy-')), []);
});
