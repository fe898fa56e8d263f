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
import { CLIENT4, CLIENT6, assertReachability, bothFamilies, killAfterAction, listen, makeNetnsPair, probe, seedPolicyCases, SRV4, SRV6, whyNoNetns, type NetnsPair, type Probe, stopRollbackTimer } from './netns.js';

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
        bothFamilies(seedPolicyCases),
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
      await stopRollbackTimer(root);
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
      await killAfterAction(child, /^Load the new IPv6 rules$/);
      assert.match(await rules(), /-P INPUT DROP/);
      assert.equal((await probe(pair, [{ to: SRV6, port: 9000, from: CLIENT6.stranger }]))[0], 'dropped');

      await waitFor(async () => (await rules()) === previous, 'the previous rules to come back', 15_000, 100);
      await waitFor(() => fs.access(path.join(root, STATE, 'rolled-back')).then(() => true, () => false), 'the rolled-back marker');
      const after = await probe(pair, [{ to: SRV4, port: 9000, from: CLIENT4.stranger }, { to: SRV6, port: 9000, from: CLIENT6.stranger }]);
      assert.deepEqual(after, ['open', 'open']);
    } finally {
      await stopRollbackTimer(root);
      await reset();
      await cleanup();
    }
  });
  test('Docker detected from its chains (no --backend): INPUT and DOCKER-USER replaced, Docker\'s chains, jumps and nat rules kept; a published port forwarded by DNAT only from the peer', async () => {
    const { root, cleanup } = await tempRoot();
    const ctr = `${pair.srv}-ctr`;
    let container: { stop: () => Promise<void> } | undefined;
    try {
      // What Docker makes at start: its chains, FORWARD jumps (DOCKER-USER first) and a nat chain.
      for (const argv of [
        ['-N', 'DOCKER'], ['-N', 'DOCKER-USER'], ['-A', 'DOCKER-USER', '-j', 'RETURN'], ['-A', 'FORWARD', '-j', 'DOCKER-USER'],
        ['-A', 'FORWARD', '-o', 'ctr0', '-j', 'DOCKER'], ['-A', 'FORWARD', '-i', 'ctr0', '-j', 'ACCEPT'],
        ['-A', 'FORWARD', '-o', 'ctr0', '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT'],
        ['-t', 'nat', '-N', 'DOCKER'], ['-t', 'nat', '-A', 'PREROUTING', '-d', SRV4, '-j', 'DOCKER'],
      ]) await inNs('iptables', ...argv);
      // A "container" in a namespace of its own behind ctr0, publishing 6984 and 9001 the way Docker does.
      await execa('ip', ['netns', 'add', ctr]);
      await inNs('ip', 'link', 'add', 'ctr0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ctr);
      await inNs('ip', 'addr', 'add', '172.31.203.1/24', 'dev', 'ctr0');
      await inNs('ip', 'link', 'set', 'ctr0', 'up');
      await inNs('sysctl', '-q', 'net.ipv4.ip_forward=1');
      for (const argv of [['addr', 'add', '172.31.203.2/24', 'dev', 'eth0'], ['link', 'set', 'eth0', 'up'], ['link', 'set', 'lo', 'up'], ['route', 'add', 'default', 'via', '172.31.203.1']]) {
        assert.equal((await pair.exec(ctr, ['ip', ...argv])).exitCode, 0);
      }
      for (const port of ['6984', '9001']) {
        await inNs('iptables', '-t', 'nat', '-A', 'DOCKER', '-p', 'tcp', '--dport', port, '-j', 'DNAT', '--to-destination', `172.31.203.2:${port}`);
        await inNs('iptables', '-A', 'DOCKER', '-d', '172.31.203.2/32', '-o', 'ctr0', '-p', 'tcp', '--dport', port, '-j', 'ACCEPT');
      }
      container = await listen(ctr, [6984, 9001]);
      const nat = await inNs('iptables', '-t', 'nat', '-S');

      const run = await pair.exec(pair.srv, ['node', BIN, '--root', root, 'firewall', ...flags.slice(2), '--confirm-timeout', '0', '--yes'], adminSsh);
      assert.equal(run.exitCode, 0, `${String(run.stdout)}\n${String(run.stderr)}`);
      assert.match(String(run.stdout), /Backend: iptables \(detected: Docker is here \(the DOCKER-USER chain exists\)/);
      assert.match(String(run.stdout), /✓ iptables: DOCKER-USER drops published ports the policy does not open/);
      const filter = await inNs('iptables', '-S');
      for (const kept of ['-N DOCKER', '-A FORWARD -j DOCKER-USER', '-A FORWARD -o ctr0 -j DOCKER', '-A DOCKER -d 172.31.203.2/32 -o ctr0 -p tcp -m tcp --dport 6984 -j ACCEPT', '-P INPUT DROP']) {
        assert.ok(filter.split('\n').includes(kept), `${kept} in\n${filter}`);
      }
      assert.equal(await inNs('iptables', '-t', 'nat', '-S'), nat, 'the nat table is untouched');
      assert.deepEqual((await inNs('iptables', '-S', 'DOCKER-USER')).trim().split('\n').filter((l) => /6984|DROP|ESTABLISHED/.test(l)), [
        '-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN',
        '-A DOCKER-USER -s 10.203.1.4/32 -p tcp -m conntrack --ctstate DNAT --ctorigdstport 6984 --ctdir ORIGINAL -m comment --comment "CouchDB replication with the peers" -j RETURN',
        '-A DOCKER-USER -m conntrack --ctstate DNAT -m comment --comment "other ports Docker publishes" -j DROP',
      ]);
      // Real forwarded traffic: the published 6984 reaches the container only from the peer; 9001,
      // published but not in the policy, from nobody.
      const outcomes = await probe(pair, [
        { to: SRV4, port: 6984, from: CLIENT4.peer }, { to: SRV4, port: 6984, from: CLIENT4.admin }, { to: SRV4, port: 9001, from: CLIENT4.admin },
      ]);
      assert.deepEqual(outcomes, ['open', 'dropped', 'dropped']);
      // …and through FORWARD, not INPUT: Docker's accept for 6984 and the DOCKER-USER drop counted them.
      const packets = async (chain: string, match: RegExp): Promise<number> =>
        Number((await inNs('iptables', '-L', chain, '-v', '-n', '-x')).split('\n').find((l) => match.test(l))?.trim().split(/\s+/)[0] ?? 0);
      assert.ok((await packets('DOCKER', /dpt:6984/)) > 0, 'the peer reached the container through FORWARD');
      assert.ok((await packets('DOCKER-USER', /other ports Docker publishes/)) > 0, 'DOCKER-USER dropped the others');
    } finally {
      await container?.stop();
      await execa('ip', ['netns', 'del', ctr], { reject: false });
      await pair.exec(pair.srv, ['iptables', '-t', 'nat', '-F']);
      await pair.exec(pair.srv, ['sysctl', '-q', 'net.ipv4.ip_forward=0']);
      await reset();
      await cleanup();
    }
  });
});
