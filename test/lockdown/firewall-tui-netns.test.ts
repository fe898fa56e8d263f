// `lockstep firewall` as an operator runs it: in a real terminal (tmux), with the whole terminal
// inside the server namespace this test makes. The preview says, for each port, what will be
// open and why; the apply shows a live countdown; while it runs a new connection from the
// admin's address gets through, and the wizard asks whether to keep the rules. Yes keeps them
// (persisted, timer stopped); no brings the previous rules back at once.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { alive } from '../../src/firewall/rollback.js';
import { startInTmux, tmuxMissing } from '../e2e/tmux.js';
import { tempRoot, waitFor } from '../helpers.js';
import { CLIENT4, CLIENT6, listen, makeNetnsPair, probe, SRV4, whyNoNetns, type NetnsPair, stopRollbackTimer } from './netns.js';

const STATE = 'var/lib/lockstep/firewall';
const skip = (await whyNoNetns()) ?? tmuxMissing;

describe('firewall in the TUI, in a test namespace', { skip: skip === false ? false : skip }, () => {
  let pair: NetnsPair;
  let listener: { stop: () => Promise<void> } | undefined;

  before(async () => {
    pair = await makeNetnsPair('fwtui');
    listener = await listen(pair.srv, [22, 80, 443, 9000]);
  });
  after(async () => {
    await listener?.stop();
    await pair?.cleanup();
  });

  const flags = (timeout: number) => [
    'firewall', '--backend', 'nft', '--ssh-from', `${CLIENT4.admin}/32,${CLIENT6.admin}/128`,
    '--replication-peers', 'none', '--allow', '9000/tcp:status page', '--confirm-timeout', String(timeout),
  ];
  const nft = async (...args: string[]): Promise<string> => String((await pair.exec(pair.srv, ['nft', ...args])).stdout);

  test('preview with the port table, a live countdown, a new admin connection gets through, yes keeps the rules', async () => {
    const { root, cleanup } = await tempRoot('lockstep-fwtui-');
    const env = { SSH_CONNECTION: `${CLIENT4.admin} 50022 ${SRV4} 22` };
    const term = await startInTmux(['--root', root, ...flags(90)], env, ['ip', 'netns', 'exec', pair.srv]);
    try {
      const preview = await term.waitFor('? Apply this plan? (y/N)');
      // However long the plan, the port table is repeated right above the question.
      assert.match(preview, /In short:/);
      assert.match(preview, /22\/tcp\s+— 10\.203\.1\.2\/32, fd00:203::2\/128\s+— SSH administration/);
      assert.match(preview, /9000\/tcp\s+— anyone \(IPv4 and IPv6\)\s+— status page/);
      assert.match(preview, /Your SSH client 10\.203\.1\.2 stays allowed\./);
      assert.match(preview, /The previous rules come back after 90 s unless you confirm/);
      await term.type('y');
      const asked = await term.waitFor('Keep the new firewall rules?');
      const first = Number(/⏱ [\s\S]*?([0-9]+) s left/.exec(asked)?.[1]);
      assert.ok(first > 0 && first <= 90, `a countdown is shown:\n${asked}`);
      assert.match(asked, /✓ the rollback timer is armed/);
      // What the operator is asked to check: a NEW connection from their address works, a
      // stranger's does not.
      assert.deepEqual(await probe(pair, [{ to: SRV4, port: 22, from: CLIENT4.admin }, { to: SRV4, port: 22, from: CLIENT4.stranger }]), ['open', 'dropped']);
      const later = await waitFor(async () => {
        const s = await term.screen();
        const left = Number(/⏱ [\s\S]*?([0-9]+) s left/.exec(s)?.[1]);
        return left < first ? s : undefined;
      }, 'the countdown to go down', 5000, 100);
      assert.match(later, /Keep the new firewall rules\?/);
      const pid = Number((await fs.readFile(path.join(root, STATE, 'rollback.pid'), 'utf8')).trim());
      await term.type('y');
      const done = await term.waitFor('lockstep-exit=0');
      assert.match(done, /✓ Firewall/);
      assert.match(done, /no rollback is pending/);
      assert.match(done, /⏱ The rollback is withdrawn: the new firewall rules stay\./);
      assert.doesNotMatch(done, /s left \(at /, 'no countdown once the rules are kept');
      assert.equal(await fs.readFile(path.join(root, 'etc/nftables.d/lockstep.nft'), 'utf8'), await fs.readFile(path.join(root, STATE, 'applied.nft'), 'utf8'));
      assert.match(await fs.readFile(path.join(root, 'etc/nftables.conf'), 'utf8'), /^include "\/etc\/nftables\.d\/lockstep\.nft"$/m);
      await waitFor(() => !alive(pid), 'the rollback timer to stop');
      assert.match(await nft('list', 'table', 'inet', 'lockstep'), /policy drop/);
    } finally {
      await term.kill();
      await stopRollbackTimer(root);
      await nft('flush', 'ruleset');
      await cleanup();
    }
  });

  test('no at the question: the previous rules are back at once, without waiting for the countdown', async () => {
    const { root, cleanup } = await tempRoot('lockstep-fwtui-');
    const term = await startInTmux(['--root', root, ...flags(90)], {}, ['ip', 'netns', 'exec', pair.srv]);
    try {
      await term.waitFor('? Apply this plan? (y/N)');
      await term.type('y');
      await term.waitFor('Keep the new firewall rules?');
      assert.equal((await probe(pair, [{ to: SRV4, port: 22, from: CLIENT4.stranger }]))[0], 'dropped');
      const said = Date.now();
      await term.type('n');
      const done = await term.waitFor('lockstep-exit=0');
      assert.ok(Date.now() - said < 30_000, 'back long before the 90 s countdown');
      assert.match(done, /Keep the new firewall rules: not applied \(not kept: the previous rules were brought back at once\)/);
      assert.match(done, /✓ the previous rules are back/);
      await fs.access(path.join(root, STATE, 'rolled-back'));
      assert.equal((await nft('list', 'ruleset')).trim(), '', 'the previous (empty) ruleset is back');
      assert.equal((await probe(pair, [{ to: SRV4, port: 22, from: CLIENT4.stranger }]))[0], 'open');
      await assert.rejects(fs.access(path.join(root, 'etc/nftables.conf')));
      await assert.rejects(fs.access(path.join(root, STATE, 'rollback.pid')), 'no timer left');
    } finally {
      await term.kill();
      await stopRollbackTimer(root);
      await nft('flush', 'ruleset');
      await cleanup();
    }
  });
});
