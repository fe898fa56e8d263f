// nftables: lockstep replaces only its own table, never `flush ruleset`. Inside network
// namespaces this test makes: another tool's tables (loaded before lockstep, and one added
// while lockstep's rules wait for confirmation) are there before, after the apply and after
// the rollback, unchanged; the rollback puts back lockstep's previous table exactly. And a
// --root sandbox in the host's network namespace never touches the live firewall.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BIN, lockstep, snapshot, tempRoot, waitFor } from '../helpers.js';
import { CLIENT4, CLIENT6, listen, makeNetnsPair, probe, SRV4, whyNoNetns, type NetnsPair, stopRollbackTimer } from './netns.js';

const STATE = 'var/lib/lockstep/firewall';
const skip = await whyNoNetns();
const FOREIGN = [
  'table ip foreign {',
  '\tchain input {',
  '\t\ttype filter hook input priority 10; policy accept;',
  '\t\ttcp dport 9000 accept comment "another tool"',
  '\t}',
  '}',
  'table ip6 foreign6 {',
  '\tset banned {',
  '\t\ttype ipv6_addr',
  '\t\telements = { fd00:203::99 }',
  '\t}',
  '}',
  '',
].join('\n');

describe('nftables next to other tools\' tables, in a network namespace', { skip: skip ?? false }, () => {
  let pair: NetnsPair;
  let listener: { stop: () => Promise<void> } | undefined;
  const nft = async (...args: string[]): Promise<string> => {
    const r = await pair.exec(pair.srv, ['nft', ...args]);
    assert.equal(r.exitCode, 0, String(r.stderr));
    return String(r.stdout);
  };
  const load = async (text: string): Promise<void> => {
    const { execa } = await import('execa');
    const r = await execa('ip', ['netns', 'exec', pair.srv, 'nft', '-f', '-'], { input: text, reject: false });
    assert.equal(r.exitCode, 0, r.stderr);
  };
  const foreign = async (): Promise<string> => `${await nft('list', 'table', 'ip', 'foreign')}${await nft('list', 'table', 'ip6', 'foreign6')}`;
  const firewall = (root: string, args: readonly string[]) =>
    pair.exec(pair.srv, ['node', BIN, '--root', root, 'firewall', '--backend', 'nft', '--replication-peers', 'none', ...args], { SSH_CONNECTION: `${CLIENT4.admin} 50022 ${SRV4} 22` });

  before(async () => {
    pair = await makeNetnsPair('fwfor');
    listener = await listen(pair.srv, [22, 9000]);
  });
  after(async () => {
    await listener?.stop();
    await pair?.cleanup();
  });

  test('apply and rollback touch table inet lockstep only: foreign tables stay, the preview lists them, lockstep\'s previous table comes back exactly', async () => {
    const { root, cleanup } = await tempRoot('lockstep-fwfor-');
    try {
      await load(FOREIGN);
      const foreignBefore = await foreign();
      // lockstep's rules of an earlier run, kept (no rollback): SSH from the admin and the stranger.
      const first = await firewall(root, ['--ssh-from', `${CLIENT4.admin}/32,${CLIENT4.stranger}/32,${CLIENT6.admin}/128`, '--confirm-timeout', '0', '--yes']);
      assert.equal(first.exitCode, 0, `${String(first.stdout)}\n${String(first.stderr)}`);
      assert.match(String(first.stdout), /these tables stay as they are: ip foreign, ip6 foreign6/);
      assert.equal(await foreign(), foreignBefore, 'the foreign tables are untouched by the apply');
      const earlier = await nft('list', 'table', 'inet', 'lockstep');
      assert.match(earlier, /10\.203\.1\.2\/31|10\.203\.1\.3/, "the stranger is in the earlier run's SSH range");
      assert.deepEqual(await probe(pair, [{ to: SRV4, port: 22, from: CLIENT4.stranger }]), ['open']);

      // The new policy: SSH from the admin only, with a 3 s rollback nobody confirms.
      const run = await firewall(root, ['--ssh-from', `${CLIENT4.admin}/32,${CLIENT6.admin}/128`, '--confirm-timeout', '3', '--yes']);
      assert.equal(run.exitCode, 0, `${String(run.stdout)}\n${String(run.stderr)}`);
      assert.match(String(run.stdout), /Only table inet lockstep is replaced \(and rolled back\); these tables stay as they are: ip foreign, ip6 foreign6\./);
      assert.doesNotMatch(await fs.readFile(path.join(root, STATE, 'applied.nft'), 'utf8'), /flush ruleset/);
      assert.equal(await foreign(), foreignBefore);
      assert.deepEqual(await probe(pair, [{ to: SRV4, port: 22, from: CLIENT4.stranger }]), ['dropped']);
      // Another tool changes the ruleset while lockstep's rules wait for confirmation.
      await load('table inet late {\n\tchain c {\n\t}\n}\n');

      await waitFor(() => fs.access(path.join(root, STATE, 'rolled-back')).then(() => true, () => false), 'the rollback', 15_000, 100);
      // nft prints a one-element anonymous set without its braces once it has read its own listing back.
      const same = (t: string): string => t.replace(/\{ ([^,{}]+) \}/g, '$1');
      assert.equal(same(await nft('list', 'table', 'inet', 'lockstep')), same(earlier), 'lockstep\'s previous table is back exactly');
      assert.equal(await foreign(), foreignBefore, 'the foreign tables are untouched by the rollback');
      assert.match(await nft('list', 'tables'), /^table inet late$/m, 'what another tool added meanwhile stays');
      assert.deepEqual(await probe(pair, [{ to: SRV4, port: 22, from: CLIENT4.stranger }]), ['open']);
    } finally {
      await stopRollbackTimer(root);
      await nft('flush', 'ruleset');
      await cleanup();
    }
  });

  test('with no table of its own before, the rollback removes lockstep\'s table and leaves the others', async () => {
    const { root, cleanup } = await tempRoot('lockstep-fwfor-');
    try {
      await load(FOREIGN);
      const before = await nft('list', 'ruleset');
      const run = await firewall(root, ['--ssh-from', `${CLIENT4.admin}/32,${CLIENT6.admin}/128`, '--confirm-timeout', '2', '--yes']);
      assert.equal(run.exitCode, 0, `${String(run.stdout)}\n${String(run.stderr)}`);
      assert.match(await nft('list', 'tables'), /^table inet lockstep$/m);
      await waitFor(() => fs.access(path.join(root, STATE, 'rolled-back')).then(() => true, () => false), 'the rollback', 15_000, 100);
      assert.equal(await nft('list', 'ruleset'), before, 'the ruleset is as it was: foreign tables only');
    } finally {
      await stopRollbackTimer(root);
      await nft('flush', 'ruleset');
      await cleanup();
    }
  });

  test('--root in a network namespace of its own: the preview says the rules go into that namespace; ufw (whose files are this machine\'s) is refused without --live-firewall', async () => {
    const { root, cleanup } = await tempRoot('lockstep-fwfor-');
    try {
      const dry = await firewall(root, ['--ssh-from', `${CLIENT4.admin}/32,${CLIENT6.admin}/128`, '--dry-run']);
      assert.equal(dry.exitCode, 0, `${String(dry.stdout)}\n${String(dry.stderr)}`);
      assert.match(String(dry.stdout), /Live firewall: the network namespace lockstep runs in, not the host's/);
      // ufw's rules live in this machine's /etc/ufw whatever the namespace: refused without --live-firewall.
      const ufw = await pair.exec(pair.srv, ['node', BIN, '--root', root, 'firewall', '--backend', 'ufw', '--ssh-from', `${CLIENT4.admin}/32`, '--yes']);
      assert.equal(ufw.exitCode, 2, `${String(ufw.stdout)}\n${String(ufw.stderr)}`);
      assert.match(String(ufw.stderr), /ufw keeps its rules in this machine's \/etc\/ufw .* whatever --root says/);
    } finally {
      await cleanup();
    }
  });
});

describe('--root in the host\'s network namespace', () => {
  test('refused before anything changes (exit 2, naming --live-firewall), a dry run too; nothing written under --root; an export (for its targets) is not refused', async () => {
    const { root, cleanup } = await tempRoot('lockstep-fwhost-');
    try {
      const before = await snapshot(root);
      for (const extra of [['--yes'], ['--dry-run']]) {
        const run = await lockstep(['--root', root, 'firewall', '--backend', 'nft', '--ssh-from', '10.0.0.0/8', '--confirm-timeout', '30', ...extra]);
        assert.equal(run.exitCode, 2, `${run.stdout}\n${run.stderr}`);
        assert.match(run.stderr, /This --root is a sandbox for files, but the firewall rules would go into this machine's live kernel firewall/);
        assert.match(run.stderr, /network namespace of its own \(unshare -rn, ip netns exec NS\), or pass --live-firewall/);
      }
      assert.deepEqual(await snapshot(root), before, 'nothing written');
      assert.ok(!(await fs.stat(path.join(root, STATE)).catch(() => undefined)), 'no firewall state');
      // An export plans for its targets, whose firewalls are theirs: not refused, and no flush ruleset.
      const answers = path.join(root, '..', `${path.basename(root)}-answers.json`);
      await fs.writeFile(answers, JSON.stringify({ steps: ['firewall'], firewall: { backend: 'nft', sshFrom: ['10.0.0.0/8'] } }));
      try {
        const exported = await lockstep(['--root', root, 'export', 'script', '--answers', answers]);
        assert.equal(exported.exitCode, 0, exported.stderr);
        assert.match(exported.stdout, /table inet lockstep/);
        assert.doesNotMatch(exported.stdout, /flush ruleset/);
      } finally {
        await fs.rm(answers, { force: true });
      }
    } finally {
      await cleanup();
    }
  });
});
