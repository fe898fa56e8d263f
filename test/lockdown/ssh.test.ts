// `lockstep ssh` against the real openssh-server: the written configuration passes `sshd -t`,
// `sshd -T` reads back key-only settings, and an sshd this test starts on a loopback port (with
// the --root's config) offers no password method, accepts the test's key, and is reloaded by
// lockstep. The missing-key guard refuses before anything is written.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dropinText, includesDropins } from '../../src/ssh/ssh-step.js';
import { validKey } from '../../src/ssh/authorized-keys.js';
import { System } from '../../src/core/system.js';
import { lockstep, snapshot, tempRoot, waitFor } from '../helpers.js';
import { prepareSshd } from './sshd.js';

const haveSshd = (await execa('sh', ['-c', 'command -v sshd || test -x /usr/sbin/sshd'], { reject: false })).exitCode === 0;
const isRoot = process.getuid?.() === 0;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

test('authorized_keys parsing: well-formed keys count, cut or mislabelled ones do not', async () => {
  const { root, cleanup } = await tempRoot();
  try {
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(root, 'k')]);
    const pub = (await fs.readFile(path.join(root, 'k.pub'), 'utf8')).trim();
    assert.equal(validKey(pub), 'ssh-ed25519');
    assert.equal(validKey(`from="10.0.0.0/8",no-pty ${pub}`), 'ssh-ed25519');
    assert.equal(validKey(pub.replace('ssh-ed25519', 'ssh-rsa')), undefined, 'blob of another type');
    assert.equal(validKey(pub.slice(0, 40)), undefined, 'cut short');
    assert.equal(validKey('# ssh-ed25519 AAAA'), undefined);
    assert.ok(includesDropins('Include /etc/ssh/sshd_config.d/*.conf\n', new System('/')));
    assert.ok(!includesDropins('#Include /etc/ssh/sshd_config.d/*.conf\nPort 22\n', new System('/')));
    assert.match(dropinText({ permitRootLogin: 'no' }), /^PasswordAuthentication no$/m);
  } finally {
    await cleanup();
  }
});

describe('lockstep ssh with the real sshd', { skip: !haveSshd || !isRoot ? 'needs openssh-server and root' : false }, () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let port: number;
  let sshd: ReturnType<typeof execa> | undefined;
  let sshdLog = '';
  const key = () => path.join(root, 'client', 'id_ed25519');

  before(async () => {
    ({ root, cleanup } = await tempRoot('lockstep-ssh-'));
    port = await freePort();
    await prepareSshd(root, { port, listen: '127.0.0.1', passwd: 'root:x:0:0:root:/root:/bin/sh\nnokey:x:1001:1001::/home/nokey:/bin/sh\n' });
    sshd = execa('/usr/sbin/sshd', ['-D', '-e', '-f', path.join(root, 'etc/ssh/sshd_config')], { reject: false });
    sshd.stderr?.on('data', (d: Buffer) => (sshdLog += d.toString()));
    await waitFor(() => fs.readFile(path.join(root, 'run/sshd.pid'), 'utf8').then((t) => t.trim() !== '', () => false), 'sshd to start');
  });
  after(async () => {
    sshd?.kill();
    await sshd;
    await cleanup();
  });

  const methods = async (): Promise<string> => {
    const r = await execa('ssh', [
      '-v', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'PubkeyAuthentication=no',
      '-o', 'PreferredAuthentications=password,keyboard-interactive', '-p', String(port), 'root@127.0.0.1', 'true',
    ], { reject: false, stdin: 'ignore' });
    assert.notEqual(r.exitCode, 0, 'no login without a key');
    return /Authentications that can continue: (\S+)/.exec(r.stderr)?.[1] ?? r.stderr;
  };

  test('missing key: refused naming the user and file, exit 2, nothing written', async () => {
    const snap = await snapshot(root);
    const run = await lockstep(['--root', root, 'ssh', '--user', 'nokey', '--yes'], { env: { CI: 'true', SUDO_USER: '' } });
    assert.equal(run.exitCode, 2, run.stderr);
    assert.match(run.stderr, /nokey has no \/home\/nokey\/\.ssh\/authorized_keys\./);
    assert.deepEqual(await snapshot(root), snap);
  });

  test('key-only: sshd -t passes, sshd -T reads no passwords, the running sshd is reloaded, offers only publickey and accepts the key', async () => {
    assert.match(await methods(), /password/, 'before lockstep the test sshd offers passwords');
    const run = await lockstep(['--root', root, 'ssh', '--user', 'root', '--permit-root-login', 'prohibit-password', '--yes'], { env: { CI: 'true', SUDO_USER: '' } });
    assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /effective passwordauthentication is no \(sshd -T\)/);
    assert.match(run.stdout, /Reload sshd/);
    assert.equal(await fs.readFile(path.join(root, 'etc/ssh/sshd_config.d/00-lockstep.conf'), 'utf8'), dropinText({ permitRootLogin: 'prohibit-password' }));

    // The reload (SIGHUP) makes sshd re-read its config: the methods offered change.
    const offered = await waitFor(async () => ((await methods()) === 'publickey' ? 'publickey' : undefined), 'sshd to offer only publickey', 5000, 200);
    assert.equal(offered, 'publickey');
    const login = await execa('ssh', [
      '-i', key(), '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null',
      '-p', String(port), 'root@127.0.0.1', 'echo', 'key-login-ok',
    ], { reject: false, stdin: 'ignore' });
    assert.equal(login.exitCode, 0, login.stderr);
    assert.equal(login.stdout.trim(), 'key-login-ok');
  });

  test('--allow-users / --allow-groups: names validated, a list that would shut out the keyed user refused, then AllowUsers/AllowGroups read back with sshd -T and enforced by the running sshd', async () => {
    await fs.writeFile(path.join(root, 'etc/group'), 'root:x:0:\nsshusers:x:2000:nokey\n');
    const snap = await snapshot(root);
    const env = { env: { CI: 'true', SUDO_USER: '' } };
    const bad = await lockstep(['--root', root, 'ssh', '--user', 'root', '--allow-users', 'root,bad*name', '--yes'], env);
    assert.equal(bad.exitCode, 2, bad.stderr);
    assert.match(bad.stderr, /Invalid --allow-users \/ "allowUsers": not a valid user name: "bad\*name"/);
    const users = await lockstep(['--root', root, 'ssh', '--user', 'root', '--allow-users', 'nokey', '--yes'], env);
    assert.equal(users.exitCode, 2, users.stderr);
    assert.match(users.stderr, /root \(who keeps access with a key\) is not in it/);
    const groups = await lockstep(['--root', root, 'ssh', '--user', 'root', '--allow-groups', 'sshusers', '--yes'], env);
    assert.equal(groups.exitCode, 2, groups.stderr);
    assert.match(groups.stderr, /root is in root, none of them/);
    assert.deepEqual(await snapshot(root), snap, 'nothing written by the refused runs');

    const run = await lockstep(['--root', root, 'ssh', '--user', 'root', '--permit-root-login', 'prohibit-password', '--allow-users', 'root', '--allow-groups', 'root,sshusers', '--yes'], env);
    assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /✓ effective allowusers is root \(sshd -T\)/);
    assert.match(run.stdout, /✓ effective allowgroups is root sshusers \(sshd -T\)/);
    assert.match(await fs.readFile(path.join(root, 'etc/ssh/sshd_config.d/00-lockstep.conf'), 'utf8'), /^AllowUsers root\nAllowGroups root sshusers\n$/m);
    // The reloaded sshd refuses a user outside AllowUsers before any authentication, and says why.
    await waitFor(async () => {
      await execa('ssh', ['-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-p', String(port), 'nobody@127.0.0.1', 'true'], { reject: false, stdin: 'ignore' });
      return /User nobody from 127\.0\.0\.1 not allowed because not listed in AllowUsers/.test(sshdLog);
    }, 'sshd to refuse nobody by AllowUsers', 5000, 200);
    const login = await execa('ssh', [
      '-i', key(), '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null',
      '-p', String(port), 'root@127.0.0.1', 'echo', 'still-ok',
    ], { reject: false, stdin: 'ignore' });
    assert.equal(login.stdout.trim(), 'still-ok', login.stderr);
  });

  test('a drop-in folder the main config does not include: warned, and verification fails', async () => {
    const { root: r2, cleanup: c2 } = await tempRoot('lockstep-ssh-noinc-');
    try {
      await fs.mkdir(path.join(r2, 'etc/ssh'), { recursive: true });
      await fs.copyFile(path.join(root, 'etc/passwd'), path.join(r2, 'etc/passwd'));
      await fs.cp(path.join(root, 'root'), path.join(r2, 'root'), { recursive: true });
      const main = (await fs.readFile(path.join(root, 'etc/ssh/sshd_config'), 'utf8')).replace(/^Include .*\n/, '').replaceAll(`${root}/`, `${r2}/`);
      await fs.writeFile(path.join(r2, 'etc/ssh/sshd_config'), main);
      // Under --root every path sshd reads is r2's (src/ssh/sshd-sandbox.ts): its own host key.
      await fs.copyFile(path.join(root, 'etc/ssh/ssh_host_ed25519_key'), path.join(r2, 'etc/ssh/ssh_host_ed25519_key'));
      const run = await lockstep(['--root', r2, 'ssh', '--user', 'root', '--permit-root-login', 'no', '--yes'], { env: { CI: 'true', SUDO_USER: '' } });
      assert.equal(run.exitCode, 1, run.stdout);
      assert.match(run.stdout, /has no "Include \/etc\/ssh\/sshd_config\.d\/\*\.conf"/);
      assert.match(run.stdout, /sshd -T says passwordauthentication yes/);
    } finally {
      await c2();
    }
  });
});
