// `lockstep firewall --backend ufw`, proved like nftables and iptables: real TCP over IPv4 and IPv6
// between two network namespaces this test makes. ufw reads and writes the real /etc/ufw even in
// a network namespace, so every lockstep run here is in its own mount namespace with copies
// bind-mounted over /etc/ufw and /etc/default/ufw; the host's files are compared at the end.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { alive } from '../../src/firewall/rollback.js';
import { BIN, tempRoot, waitFor } from '../helpers.js';
import { CLIENT4, CLIENT6, assertReachability, bothFamilies, killAfterAction, listen, makeNetnsPair, probe, seedPolicyCases, SRV4, SRV6, whyNoNetns, type NetnsPair, stopRollbackTimer } from './netns.js';

const STATE = 'var/lib/lockstep/firewall';
const PORTS = [22, 80, 443, 6984, 9000];
const haveUfw = (await execa('sh', ['-c', 'command -v ufw && command -v unshare && test -d /etc/ufw'], { reject: false })).exitCode === 0;
const skip = (await whyNoNetns()) ?? (haveUfw ? undefined : 'ufw (or unshare) is not installed');

const digest = async (dir: string): Promise<string> => {
  const r = await execa('sh', ['-c', `cd ${dir} && find . -type f | sort | xargs sha256sum; sha256sum /etc/default/ufw`]);
  return createHash('sha256').update(r.stdout).digest('hex');
};

describe('firewall --backend ufw in a network namespace, /etc/ufw copied and bind-mounted', { skip: skip ?? false }, () => {
  let pair: NetnsPair;
  let listener: { stop: () => Promise<void> } | undefined;
  let copies: string;
  let hostBefore: string;
  let lockExisted: boolean;
  const adminSsh = { SSH_CONNECTION: `${CLIENT4.admin} 50022 ${SRV4} 22` };
  // --live-firewall: ufw writes /etc/ufw whatever --root says; here that is this test's bind-mounted copy.
  const flags = ['--live-firewall', '--ssh-from', `${CLIENT4.admin}/32,${CLIENT6.admin}/128`, '--replication-peers', `${CLIENT4.peer},${CLIENT6.peer}`];
  const etcUfw = (): string => path.join(copies, 'etc-ufw');
  /** argv in the server namespace and a private mount namespace where /etc/ufw is the copy. */
  const inUfwNs = (argv: readonly string[]): string[] => [
    'ip', 'netns', 'exec', pair.srv, 'unshare', '--mount', 'sh', '-c',
    `mount --make-rprivate / && mount --bind ${etcUfw()} /etc/ufw && mount --bind ${copies}/default-ufw /etc/default/ufw && exec "$@"`,
    'sh', ...argv,
  ];
  const ufwRun = (argv: readonly string[], env: NodeJS.ProcessEnv = {}) => {
    const full = inUfwNs(argv);
    return execa(full[0]!, full.slice(1), { reject: false, stdin: 'ignore', env: { CI: 'true', NO_COLOR: '1', ...env } });
  };
  const inNs = async (...argv: string[]): Promise<string> => {
    const r = await pair.exec(pair.srv, argv);
    assert.equal(r.exitCode, 0, String(r.stderr));
    return String(r.stdout);
  };
  const rules = async (): Promise<string> => `${await inNs('iptables', '-S')}\n${await inNs('ip6tables', '-S')}`;
  const fresh = async (): Promise<void> => {
    await fs.rm(copies, { recursive: true, force: true });
    await fs.mkdir(copies, { recursive: true });
    await execa('cp', ['-a', '/etc/ufw', etcUfw()]);
    const defaults = await fs.readFile('/etc/default/ufw', 'utf8');
    await fs.writeFile(path.join(copies, 'default-ufw'), defaults.replace(/^IPV6=.*$/m, 'IPV6=yes'));
    await fs.writeFile(path.join(etcUfw(), 'ufw.conf'), (await fs.readFile(path.join(etcUfw(), 'ufw.conf'), 'utf8')).replace(/^ENABLED=.*$/m, 'ENABLED=no'));
  };
  const reset = async (root: string): Promise<void> => {
    await stopRollbackTimer(root);
    await inNs('nft', 'flush', 'ruleset');
    for (const tool of ['iptables', 'ip6tables']) await pair.exec(pair.srv, [tool, '-P', 'INPUT', 'ACCEPT']);
  };

  before(async () => {
    hostBefore = await digest('/etc/ufw');
    lockExisted = await fs.access('/run/ufw.lock').then(() => true, () => false);
    copies = await fs.mkdtemp(path.join(os.tmpdir(), 'lockstep-ufw-'));
    pair = await makeNetnsPair('ufw');
    listener = await listen(pair.srv, PORTS);
  });
  after(async () => {
    await listener?.stop();
    await pair?.cleanup();
    if (copies) await fs.rm(copies, { recursive: true, force: true });
    if (!lockExisted) await fs.rm('/run/ufw.lock', { force: true });
    assert.equal(await digest('/etc/ufw'), hostBefore, "the host's /etc/ufw and /etc/default/ufw are untouched");
  });

  test('80/443 for anyone, 22 only from the admin, 6984 only from the peer, the rest dropped, IPv4 and IPv6; confirm keeps ufw enabled; detected next time', async () => {
    const { root, cleanup } = await tempRoot();
    try {
      await fresh();
      const run = await ufwRun(['node', BIN, '--root', root, 'firewall', '--backend', 'ufw', ...flags, '--yes'], adminSsh);
      assert.equal(run.exitCode, 0, `${String(run.stdout)}\n${String(run.stderr)}`);
      assert.match(String(run.stdout), /✓ ufw is active/);
      assert.match(String(run.stdout), /⏱ The previous firewall rules come back unless you run "lockstep --root \S+ firewall confirm": in 1[12][0-9] s, at [0-9:]{8} UTC/);
      assert.match(String(run.stdout), /✓ ip6tables: INPUT policy is DROP/);

      await assertReachability(
        pair,
        bothFamilies(seedPolicyCases),
      );

      const pid = Number((await fs.readFile(path.join(root, STATE, 'rollback.pid'), 'utf8')).trim());
      const confirm = await ufwRun(['node', BIN, '--root', root, 'firewall', 'confirm', '--yes']);
      assert.equal(confirm.exitCode, 0, `${String(confirm.stdout)}\n${String(confirm.stderr)}`);
      assert.match(String(confirm.stdout), /✓ ufw stays enabled at boot/);
      await waitFor(() => !alive(pid), 'the rollback timer to stop');
      assert.match(await fs.readFile(path.join(etcUfw(), 'ufw.conf'), 'utf8'), /^ENABLED=yes$/m);
      assert.match(await fs.readFile(path.join(etcUfw(), 'user6.rules'), 'utf8'), /--dport 6984 -s fd00:203::4 -j ACCEPT/);

      const again = await ufwRun(['node', BIN, '--root', root, 'firewall', ...flags, '--dry-run']);
      assert.equal(again.exitCode, 0, `${String(again.stdout)}\n${String(again.stderr)}`);
      assert.match(String(again.stdout), /Backend: ufw \(detected: ufw is enabled/);
      assert.match(String(again.stdout), /ufw allow proto tcp from 10\.203\.1\.4 to any port 6984 comment/);
    } finally {
      await reset(root);
      await cleanup();
    }
  });

  test('nobody confirms and lockstep is killed with -9: the previous rules and /etc/ufw come back', async () => {
    const { root, cleanup } = await tempRoot();
    try {
      await fresh();
      const confBefore = await fs.readFile(path.join(etcUfw(), 'ufw.conf'), 'utf8');
      // No firewall before (ufw would leave rules of its own in INPUT in place anyway).
      const previous = await rules();

      const child = ufwRun(['node', BIN, '--root', root, '--json', 'firewall', '--backend', 'ufw', ...flags, '--confirm-timeout', '4', '--yes'], adminSsh);
      await killAfterAction(child, /^Enable ufw/);
      assert.match(await rules(), /-P INPUT DROP/);
      assert.equal((await probe(pair, [{ to: SRV6, port: 9000, from: CLIENT6.stranger }]))[0], 'dropped');

      await waitFor(async () => (await rules()) === previous, 'the previous rules to come back', 15_000, 100);
      await waitFor(() => fs.access(path.join(root, STATE, 'rolled-back')).then(() => true, () => false), 'the rolled-back marker');
      assert.equal(await fs.readFile(path.join(etcUfw(), 'ufw.conf'), 'utf8'), confBefore, 'ufw.conf is back (ENABLED=no)');
      assert.deepEqual(await probe(pair, [{ to: SRV4, port: 9000, from: CLIENT4.stranger }, { to: SRV6, port: 9000, from: CLIENT6.stranger }]), ['open', 'open']);
    } finally {
      await reset(root);
      await cleanup();
    }
  });
});
