// `lockstep firewall` for real, but only inside two network namespaces this test makes: the
// built CLI runs under `ip netns exec` in the server namespace, and real TCP connections from
// the client namespace (from an admin, a stranger and a replication peer address, over IPv4
// and IPv6) prove each rule. The host's own namespace is never touched.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { alive } from '../../src/firewall/rollback.js';
import { BIN, snapshot, tempRoot, waitFor } from '../helpers.js';
import { CLIENT4, CLIENT6, assertReachability, bothFamilies, killAfterAction, listen, makeNetnsPair, probe, SRV4, SRV6, whyNoNetns, type NetnsPair, type Probe, stopRollbackTimer } from './netns.js';

const STATE = 'var/lib/lockstep/firewall';
const PORTS = [22, 80, 443, 6984, 8080, 9000];
const skip = await whyNoNetns();

describe('firewall in a network namespace', { skip: skip ?? false }, () => {
  let pair: NetnsPair;
  let listener: { stop: () => Promise<void> } | undefined;
  let sandbox: { root: string; cleanup: () => Promise<void> };

  const nft = async (...args: string[]): Promise<string> => {
    const r = await pair.exec(pair.srv, ['nft', ...args]);
    assert.equal(r.exitCode, 0, String(r.stderr));
    return String(r.stdout);
  };
  const adminSsh = { SSH_CONNECTION: `${CLIENT4.admin} 50022 ${SRV4} 22` };
  const firewall = (root: string, args: readonly string[], env: NodeJS.ProcessEnv = adminSsh) =>
    pair.exec(pair.srv, ['node', BIN, '--root', root, 'firewall', ...args], env);
  const policyFlags = [
    '--ssh-from', `${CLIENT4.admin}/32`, '--ssh-from', `${CLIENT6.admin}/128`,
    '--replication-peers', `${CLIENT4.peer},${CLIENT6.peer}`, '--allow', '8080/tcp:metrics for the monitoring host',
  ];
  /** Stops a rollback timer left by a test (it runs detached, outside this process tree). */

  before(async () => {
    pair = await makeNetnsPair('fw');
    listener = await listen(pair.srv, PORTS);
  });
  after(async () => {
    await listener?.stop();
    await pair?.cleanup();
  });

  test('applied ruleset: 80/443 for anyone, 22 only from the admin range, 6984 only from the peer, the rest dropped, IPv4 and IPv6; confirm keeps it', async () => {
    sandbox = await tempRoot();
    try {
      // Without rules every listener answers: what is closed later is closed by the firewall.
      const all = (await probe(pair, PORTS.map((port) => ({ to: SRV4, port, from: CLIENT4.stranger })))).every((o) => o === 'open');
      assert.ok(all, 'every port is reachable before the firewall');
      // The operator's own nftables.conf (Debian's, with a table of theirs): confirm adds one include line to it.
      const theirs = '#!/usr/sbin/nft -f\n\nflush ruleset\n\ntable inet filter {\n\tchain input {\n\t\ttype filter hook input priority filter;\n\t}\n}\n';
      await fs.mkdir(path.join(sandbox.root, 'etc'), { recursive: true });
      await fs.writeFile(path.join(sandbox.root, 'etc/nftables.conf'), theirs, { mode: 0o755 });

      const run = await firewall(sandbox.root, [...policyFlags, '--confirm-timeout', '60', '--yes']);
      assert.equal(run.exitCode, 0, `${String(run.stdout)}\n${String(run.stderr)}`);
      assert.match(String(run.stdout), /22\/tcp\s+— 10\.203\.1\.2\/32, fd00:203::2\/128\s+— SSH administration/);
      assert.match(String(run.stdout), /8080\/tcp\s+— anyone.*— metrics for the monitoring host/);
      assert.match(String(run.stdout), /\[::\]:9000 \(tcp\) would be closed|\*:9000 \(tcp\) would be closed/);
      assert.match(String(run.stdout), /lockstep firewall confirm/);
      assert.match(await nft('list', 'table', 'inet', 'lockstep'), /policy drop/);

      await assertReachability(
        pair,
        bothFamilies((to, c) => [
          [{ to, port: 80, from: c.stranger }, 'open'],
          [{ to, port: 443, from: c.stranger }, 'open'],
          [{ to, port: 8080, from: c.stranger }, 'open'],
          [{ to, port: 22, from: c.admin }, 'open'],
          [{ to, port: 22, from: c.stranger }, 'dropped'],
          [{ to, port: 22, from: c.peer }, 'dropped'],
          [{ to, port: 6984, from: c.peer }, 'open'],
          [{ to, port: 6984, from: c.admin }, 'dropped'],
          [{ to, port: 6984, from: c.stranger }, 'dropped'],
          [{ to, port: 9000, from: c.admin }, 'dropped'],
        ]),
      );

      // --yes applied it but did not confirm: the timer is armed and nothing is persisted yet.
      await fs.access(path.join(sandbox.root, STATE, 'pending'));
      assert.equal(await fs.readFile(path.join(sandbox.root, 'etc/nftables.conf'), 'utf8'), theirs);
      await assert.rejects(fs.access(path.join(sandbox.root, 'etc/nftables.d/lockstep.nft')));
      const pid = Number((await fs.readFile(path.join(sandbox.root, STATE, 'rollback.pid'), 'utf8')).trim());

      const confirm = await pair.exec(pair.srv, ['node', BIN, '--root', sandbox.root, 'firewall', 'confirm', '--yes']);
      assert.equal(confirm.exitCode, 0, `${String(confirm.stdout)}\n${String(confirm.stderr)}`);
      assert.equal(
        await fs.readFile(path.join(sandbox.root, 'etc/nftables.d/lockstep.nft'), 'utf8'),
        await fs.readFile(path.join(sandbox.root, STATE, 'applied.nft'), 'utf8'),
      );
      assert.equal(
        await fs.readFile(path.join(sandbox.root, 'etc/nftables.conf'), 'utf8'),
        `${theirs}# lockstep's own table (lockstep firewall); the rest of this file is yours.\ninclude "/etc/nftables.d/lockstep.nft"\n`,
        'the operator\'s nftables.conf is kept, with one include line',
      );
      await waitFor(() => !alive(pid), 'the rollback timer to stop');
      assert.match(await nft('list', 'table', 'inet', 'lockstep'), /policy drop/);
      // The persisted file is what nftables.service loads at boot (through the include): nft accepts it as it is.
      await nft('-c', '-f', path.join(sandbox.root, 'etc/nftables.d/lockstep.nft'));

      const again = await pair.exec(pair.srv, ['node', BIN, '--root', sandbox.root, 'firewall', 'confirm', '--yes']);
      assert.equal(again.exitCode, 2);
      assert.match(String(again.stderr), /No firewall change is waiting/);
    } finally {
      await stopRollbackTimer(sandbox.root);
      await nft('flush', 'ruleset');
      await sandbox.cleanup();
    }
  });

  test('nobody confirms and lockstep is killed with -9: the detached timer restores the previous ruleset', async () => {
    sandbox = await tempRoot();
    try {
      const old = 'table ip previous {\n\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n\t\ttcp dport 9000 counter accept\n\t}\n}\n';
      const load = await execa('ip', ['netns', 'exec', pair.srv, 'nft', '-f', '-'], { input: old, reject: false });
      assert.equal(load.exitCode, 0, load.stderr);
      const before = await nft('list', 'ruleset');

      const child = execa('ip', ['netns', 'exec', pair.srv, 'node', BIN, '--root', sandbox.root, '--json', 'firewall', ...policyFlags, '--confirm-timeout', '4', '--yes'], {
        reject: false, stdin: 'ignore', env: { CI: 'true', ...adminSsh },
      });
      // Killed the moment the new rules are loaded, before lockstep could do anything else.
      await killAfterAction(child, /^Load the new ruleset/);
      assert.match(await nft('list', 'ruleset'), /table inet lockstep/, 'the new rules were loaded');
      assert.equal((await probe(pair, [{ to: SRV4, port: 9000, from: CLIENT4.stranger }]))[0], 'dropped');

      await waitFor(async () => (await nft('list', 'ruleset')) === before, 'the previous ruleset to come back', 15_000, 100);
      // The timer marks the rollback right after nft has restored the rules.
      await waitFor(() => fs.access(path.join(sandbox.root, STATE, 'rolled-back')).then(() => true, () => false), 'the rolled-back marker');
      assert.equal((await probe(pair, [{ to: SRV4, port: 9000, from: CLIENT4.stranger }]))[0], 'open');

      const late = await pair.exec(pair.srv, ['node', BIN, '--root', sandbox.root, 'firewall', 'confirm', '--yes']);
      assert.equal(late.exitCode, 2);
      assert.match(String(late.stderr), /Too late: the rollback already restored/);
    } finally {
      await stopRollbackTimer(sandbox.root);
      await nft('flush', 'ruleset');
      await sandbox.cleanup();
    }
  });

  test('a plan that would cut the SSH session it runs in is refused: exit 2, nothing changed', async () => {
    sandbox = await tempRoot();
    try {
      const snap = await snapshot(sandbox.root);
      const stranger = { SSH_CONNECTION: `${CLIENT6.stranger} 50022 ${SRV6} 22` };
      const run = await firewall(sandbox.root, [...policyFlags, '--yes'], stranger);
      assert.equal(run.exitCode, 2);
      assert.match(String(run.stderr), /would cut your own SSH session: your client fd00:203::3/);
      assert.match(String(run.stderr), /--ssh-from fd00:203::3\/128/);
      assert.deepEqual(await snapshot(sandbox.root), snap);
      assert.equal((await nft('list', 'ruleset')).trim(), '');

      // sshd on another port: the guard checks that port, not 22.
      const otherPort = { SSH_CONNECTION: `${CLIENT4.admin} 50022 ${SRV4} 2222` };
      const moved = await firewall(sandbox.root, [...policyFlags, '--yes'], otherPort);
      assert.equal(moved.exitCode, 2);
      assert.match(String(moved.stderr), /could no longer reach port 2222/);
    } finally {
      await sandbox.cleanup();
    }
  });

  test('bad input names the flag, exits 2 and changes nothing', async () => {
    sandbox = await tempRoot();
    try {
      const snap = await snapshot(sandbox.root);
      const cases: [string[], RegExp][] = [
        [['--ssh-from', '10.0.0.0/33'], /--ssh-from.*"\/33" is not a valid prefix/],
        [['--ssh-from', '300.1.1.1'], /--ssh-from.*"300\.1\.1\.1" is not an IPv4 or IPv6 address/],
        [['--ssh-from', ''], /--ssh-from.*needs at least one/],
        [['--replication-peers', '10.203.1.4,10.0.0.0/40'], /--replication-peers.*"\/40"/],
        [['--allow', '70000/tcp:big'], /--allow.*out of range/],
        [['--allow', '8080'], /--allow.*PORT\/PROTO/],
        [['--confirm-timeout', '-5'], /--confirm-timeout.*less than 0/],
        [['--backend', 'pf'], /--backend.*not one of/],
        [['--ssh-from', `${CLIENT4.admin}/32`, '--allow', '22/tcp:ssh'], /Conflicting answers: --allow 22\/tcp .*conflicts with --ssh-from/],
      ];
      for (const [args, message] of cases) {
        const run = await firewall(sandbox.root, [...args, '--yes']);
        assert.equal(run.exitCode, 2, `${args.join(' ')}: ${String(run.stderr)}`);
        assert.match(String(run.stderr), message, args.join(' '));
      }
      assert.deepEqual(await snapshot(sandbox.root), snap);
      assert.equal((await nft('list', 'ruleset')).trim(), '');
    } finally {
      await sandbox.cleanup();
    }
  });
});
