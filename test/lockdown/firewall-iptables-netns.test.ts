// `lockstep firewall --backend iptables`, proved the same way as nftables: inside two network
// namespaces this test makes, with real TCP connections over IPv4 and IPv6, then a rollback
// after `kill -9` of lockstep. The host's own namespace is never touched.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { alive } from '../../src/firewall/rollback.js';
import { BIN, tempRoot, waitFor } from '../helpers.js';
import { CLIENT4, CLIENT6, assertReachability, bothFamilies, listen, makeNetnsPair, probe, SRV4, SRV6, whyNoNetns, type NetnsPair, type Probe } from './netns.js';

const STATE = 'var/lib/lockstep/firewall';
const PORTS = [22, 80, 443, 6984, 9000];
const haveIptables = (await execa('sh', ['-c', 'command -v iptables-restore && command -v ip6tables-restore'], { reject: false })).exitCode === 0;
const skip = (await whyNoNetns()) ?? (haveIptables ? undefined : 'iptables is not installed');

describe('firewall --backend iptables in a network namespace', { skip: skip ?? false }, () => {
  let pair: NetnsPair;
  let listener: { stop: () => Promise<void> } | undefined;
  const adminSsh = { SSH_CONNECTION: `${CLIENT6.admin} 50022 ${SRV6} 22` };
  const flags = ['--backend', 'iptables', '--ssh-from', `${CLIENT4.admin}/32,${CLIENT6.admin}/128`, '--replication-peers', `${CLIENT4.peer},${CLIENT6.peer}`];
  const inNs = async (...argv: string[]): Promise<string> => {
    const r = await pair.exec(pair.srv, argv);
    assert.equal(r.exitCode, 0, String(r.stderr));
    return String(r.stdout);
  };
  const rules = async (): Promise<string> => `${await inNs('iptables', '-S')}\n${await inNs('ip6tables', '-S')}`;
  const stopTimer = async (root: string): Promise<void> => {
    const pid = (await fs.readFile(path.join(root, STATE, 'rollback.pid'), 'utf8').catch(() => '')).trim();
    if (/^[0-9]+$/.test(pid)) {
      try {
        process.kill(-Number(pid), 'SIGTERM');
      } catch {
        // already gone
      }
    }
  };
  const reset = async (): Promise<void> => {
    await inNs('nft', 'flush', 'ruleset'); // iptables here is iptables-nft; this also works for legacy-free hosts
    for (const tool of ['iptables', 'ip6tables']) await pair.exec(pair.srv, [tool, '-P', 'INPUT', 'ACCEPT']);
  };

  before(async () => {
    pair = await makeNetnsPair('ipt');
    listener = await listen(pair.srv, PORTS);
  });
  after(async () => {
    await listener?.stop();
    await pair?.cleanup();
  });

  test('80/443 for anyone, 22 only from the admin, 6984 only from the peer, the rest dropped, IPv4 and IPv6; confirm persists rules.v4 and rules.v6', async () => {
    const { root, cleanup } = await tempRoot();
    try {
      const run = await pair.exec(pair.srv, ['node', BIN, '--root', root, 'firewall', ...flags, '--yes'], adminSsh);
      assert.equal(run.exitCode, 0, `${String(run.stdout)}\n${String(run.stderr)}`);
      assert.match(String(run.stdout), /✓ iptables: INPUT policy is DROP/);
      assert.match(String(run.stdout), /✓ ip6tables: INPUT policy is DROP/);

      await assertReachability(
        pair,
        bothFamilies((to, c) => [
          [{ to, port: 80, from: c.stranger }, 'open'],
          [{ to, port: 443, from: c.stranger }, 'open'],
          [{ to, port: 22, from: c.admin }, 'open'],
          [{ to, port: 22, from: c.stranger }, 'dropped'],
          [{ to, port: 6984, from: c.peer }, 'open'],
          [{ to, port: 6984, from: c.admin }, 'dropped'],
          [{ to, port: 9000, from: c.admin }, 'dropped'],
        ]),
      );

      const pid = Number((await fs.readFile(path.join(root, STATE, 'rollback.pid'), 'utf8')).trim());
      const confirm = await pair.exec(pair.srv, ['node', BIN, '--root', root, 'firewall', 'confirm', '--yes']);
      assert.equal(confirm.exitCode, 0, `${String(confirm.stdout)}\n${String(confirm.stderr)}`);
      await waitFor(() => !alive(pid), 'the rollback timer to stop');
      for (const [file, applied] of [['rules.v4', 'applied.v4'], ['rules.v6', 'applied.v6']] as const) {
        assert.equal(await fs.readFile(path.join(root, 'etc/iptables', file), 'utf8'), await fs.readFile(path.join(root, STATE, applied), 'utf8'));
      }
      // The persisted files are what netfilter-persistent loads at boot: the tools accept them.
      await inNs('iptables-restore', '--test', path.join(root, 'etc/iptables/rules.v4'));
      await inNs('ip6tables-restore', '--test', path.join(root, 'etc/iptables/rules.v6'));
    } finally {
      await stopTimer(root);
      await reset();
      await cleanup();
    }
  });

  test('nobody confirms and lockstep is killed with -9: the previous IPv4 and IPv6 rules come back', async () => {
    const { root, cleanup } = await tempRoot();
    try {
      await inNs('iptables', '-A', 'INPUT', '-p', 'tcp', '--dport', '9000', '-j', 'ACCEPT');
      await inNs('ip6tables', '-A', 'INPUT', '-p', 'tcp', '--dport', '9000', '-j', 'ACCEPT');
      const previous = await rules();

      const child = execa('ip', ['netns', 'exec', pair.srv, 'node', BIN, '--root', root, '--json', 'firewall', ...flags, '--confirm-timeout', '4', '--yes'], {
        reject: false, stdin: 'ignore', env: { CI: 'true', ...adminSsh },
      });
      let killed = false;
      let pending = '';
      child.stdout?.on('data', (d: Buffer) => {
        pending += d.toString();
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        if (!killed && lines.some((l) => /"type":"action-done".*"title":"Load the new IPv6 rules"/.test(l))) killed = child.kill('SIGKILL');
      });
      const result = await child;
      assert.ok(killed && result.signal === 'SIGKILL', `lockstep was killed with -9 (exit ${result.exitCode} ${result.signal ?? ''})\n${String(result.stderr)}`);
      assert.match(await rules(), /-P INPUT DROP/);
      assert.equal((await probe(pair, [{ to: SRV6, port: 9000, from: CLIENT6.stranger }]))[0], 'dropped');

      await waitFor(async () => (await rules()) === previous, 'the previous rules to come back', 15_000, 100);
      await waitFor(() => fs.access(path.join(root, STATE, 'rolled-back')).then(() => true, () => false), 'the rolled-back marker');
      const after = await probe(pair, [{ to: SRV4, port: 9000, from: CLIENT4.stranger }, { to: SRV6, port: 9000, from: CLIENT6.stranger }]);
      assert.deepEqual(after, ['open', 'open']);
    } finally {
      await stopTimer(root);
      await reset();
      await cleanup();
    }
  });
});
