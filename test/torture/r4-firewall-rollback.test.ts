// R4: `lockstep firewall` killed with -9 at a seeded random moment, inside two network namespaces
// this test makes (the host's namespace is never touched), over and over: nftables and the
// iptables backend in turn, a different previous ruleset each trial (IPv4 and IPv6 rules of
// their own). Whatever the moment — before anything was loaded, while the rollback timer was
// being armed, the instant the new rules were loaded, during verification — the previous rules
// are back once the confirmation timeout has passed, read back rule for rule, and proved with
// real TCP connections over IPv4 and IPv6.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BIN, seeded, tempRoot, waitFor } from '../helpers.js';
import { CLIENT4, CLIENT6, listen, makeNetnsPair, probe, SRV4, SRV6, whyNoNetns, type NetnsPair, stopRollbackTimer } from '../lockdown/netns.js';
import { SEED, figures, trials } from './torture.js';

const TRIALS = trials(2, 24);
const TIMEOUT = 2; // --confirm-timeout, seconds
const STATE = 'var/lib/lockstep/firewall';
const PORTS = [22, 80, 443, 9000, 9001, 9002];
const haveIptables = (await execa('sh', ['-c', 'command -v iptables-restore && command -v ip6tables-restore'], { reject: false })).exitCode === 0;
const skip = await whyNoNetns();

type Backend = 'nft' | 'iptables';

describe('R4: firewall rollback after kill -9, in a network namespace', { skip: skip ?? false }, () => {
  let pair: NetnsPair;
  let listener: { stop: () => Promise<void> } | undefined;
  const adminSsh = { SSH_CONNECTION: `${CLIENT4.admin} 50022 ${SRV4} 22` };
  const inNs = async (input: string | undefined, ...argv: string[]): Promise<string> => {
    const r = await execa('ip', ['netns', 'exec', pair.srv, ...argv], { reject: false, ...(input !== undefined ? { input } : { stdin: 'ignore' }) });
    assert.equal(r.exitCode, 0, `${argv.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const rules = async (backend: Backend): Promise<string> =>
    backend === 'nft' ? inNs(undefined, 'nft', 'list', 'ruleset') : `${await inNs(undefined, 'iptables', '-S')}\n--\n${await inNs(undefined, 'ip6tables', '-S')}`;
  const reset = async (): Promise<void> => {
    await inNs(undefined, 'nft', 'flush', 'ruleset');
    for (const tool of ['iptables', 'ip6tables']) await pair.exec(pair.srv, [tool, '-P', 'INPUT', 'ACCEPT']);
  };

  /** A previous ruleset of its own: port `v4` dropped for IPv4 only, `v6` for IPv6 only, the rest open. */
  async function loadPrevious(backend: Backend, v4: number, v6: number): Promise<void> {
    if (backend === 'nft') {
      const text = [
        'table ip previous4 {', '\tchain input {', '\t\ttype filter hook input priority filter; policy accept;', `\t\ttcp dport ${v4} drop`, '\t}', '}',
        'table ip6 previous6 {', '\tchain input {', '\t\ttype filter hook input priority filter; policy accept;', `\t\ttcp dport ${v6} drop`, '\t}', '}', '',
      ].join('\n');
      await inNs(text, 'nft', '-f', '-');
    } else {
      await inNs(undefined, 'iptables', '-A', 'INPUT', '-p', 'tcp', '--dport', String(v4), '-j', 'DROP');
      await inNs(undefined, 'ip6tables', '-A', 'INPUT', '-p', 'tcp', '--dport', String(v6), '-j', 'DROP');
    }
  }

  before(async () => {
    pair = await makeNetnsPair('r4');
    listener = await listen(pair.srv, PORTS);
  });
  after(async () => {
    await listener?.stop();
    await pair?.cleanup();
  });

  test(`${TRIALS} kills at seeded random moments (seed ${SEED}), nft and iptables in turn: the previous IPv4 and IPv6 rules are back every time`, async (t) => {
    const random = seeded(SEED);
    const moments = new Map<string, number>();
    let restored = 0;
    let loadedWhenKilled = 0;
    const started = performance.now();
    for (let i = 0; i < TRIALS; i++) {
      const backend: Backend = i % 2 === 1 && haveIptables ? 'iptables' : 'nft';
      const v4 = 9001 + (i % 2);
      const v6 = 9002 - (i % 2);
      const { root, cleanup } = await tempRoot('lockstep-r4-');
      try {
        await loadPrevious(backend, v4, v6);
        const previous = await rules(backend);
        // Where to kill: after the n-th action started or finished, or after a random delay.
        const r = random();
        // A third of the trials aim at the moment that matters most: the new rules just loaded.
        const how = r < 0.33 ? 'loaded' : r < 0.55 ? 'action-start' : r < 0.75 ? 'action-done' : r < 0.87 ? 'verify' : 'delay';
        const pick = random();
        const delay = Math.round(pick * 1500);

        const child = execa('ip', ['netns', 'exec', pair.srv, 'node', BIN, '--root', root, '--json', 'firewall', '--backend', backend,
          '--ssh-from', `${CLIENT4.admin}/32,${CLIENT6.admin}/128`, '--confirm-timeout', String(TIMEOUT), '--yes'], { reject: false, stdin: 'ignore', env: { CI: 'true', ...adminSsh } });
        let moment = 'it ended by itself';
        let timer: NodeJS.Timeout | undefined;
        const kill = (what: string): void => {
          if (child.exitCode !== null || child.killed) return;
          moment = what;
          child.kill('SIGKILL');
        };
        if (how === 'delay') timer = setTimeout(() => kill(`${delay} ms after start`), delay);
        let pending = '';
        let total = 0;
        child.stdout?.on('data', (d: Buffer) => {
          pending += d.toString();
          const lines = pending.split('\n');
          pending = lines.pop() ?? '';
          for (const line of lines) {
            const e = JSON.parse(line) as { type: string; index?: number; total?: number; title?: string };
            if (e.type === 'apply-start') total = e.total ?? 0;
            if (how === 'loaded' && e.type === 'action-done' && /^Load the new (ruleset|IPv6 rules)$/.test(e.title ?? '')) kill(`right after "${e.title}"`);
            if (e.type === how && how === 'verify') kill('when verification began');
            else if (e.type === how && e.index === Math.floor(pick * total)) kill(`${how === 'action-start' ? 'at the start of' : 'right after'} "${e.title}"`);
          }
        });
        const result = await child;
        clearTimeout(timer);
        if (result.signal !== 'SIGKILL') {
          assert.equal(result.exitCode, 0, `trial ${i}: lockstep firewall failed on its own\n${String(result.stdout)}\n${String(result.stderr)}`);
        }
        const atKill = await rules(backend);
        if (atKill !== previous) loadedWhenKilled += 1;
        moments.set(moment, (moments.get(moment) ?? 0) + 1);

        // The detached timer restores within TIMEOUT s of being armed; allow for a loaded machine.
        await waitFor(async () => (await rules(backend)) === previous, `trial ${i} (${backend}, killed ${moment}): the previous rules to come back`, (TIMEOUT + 15) * 1000, 100);
        await waitFor(() => fs.access(path.join(root, STATE, 'rollback.pid')).then(() => false, () => true), `trial ${i}: the rollback timer to end`, (TIMEOUT + 15) * 1000, 100);
        assert.equal(await rules(backend), previous, `trial ${i}: the previous rules stay once the timer has ended`);
        const outcomes = await probe(pair, [
          { to: SRV4, port: 9000, from: CLIENT4.stranger },
          { to: SRV4, port: v4, from: CLIENT4.stranger },
          { to: SRV6, port: 9000, from: CLIENT6.stranger },
          { to: SRV6, port: v6, from: CLIENT6.stranger },
          { to: SRV4, port: v6, from: CLIENT4.stranger },
        ]);
        assert.deepEqual(outcomes, ['open', 'dropped', 'open', 'dropped', 'open'], `trial ${i} (${backend}, killed ${moment}): reachability after the rollback`);
        restored += 1;
        t.diagnostic(`trial ${i}: ${backend}, killed ${moment}; ${atKill === previous ? 'the rules were not yet changed' : 'the new rules were loaded'}; previous rules back`);
      } finally {
        await stopRollbackTimer(root);
        await reset();
        await cleanup();
      }
    }
    figures(t, {
      requirement: 'R4',
      trials: TRIALS,
      restored,
      killedWithNewRulesLoaded: loadedWhenKilled,
      moments: Object.fromEntries(moments),
      seconds: Math.round((performance.now() - started) / 100) / 10,
    });
    assert.equal(restored, TRIALS);
  });
});
