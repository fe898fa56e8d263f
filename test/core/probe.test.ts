// sys.probe: read-only commands through the spawn path, or answered from recorded output
// (fixtures/probe/) so facts and checks are tested without reading the real machine.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { recordedProber, spawnProber, UnrecordedProbeError, type RecordedProbe } from '../../src/core/probe.js';
import { System } from '../../src/core/system.js';
import { firewallStep } from '../../src/firewall/firewall-step.js';
import { effectiveList, effectiveSettings, sshdTArgv } from '../../src/ssh/ssh-step.js';
import { probeFixture } from '../probe-fixtures.js';

describe('probes of the real machine', () => {
  const sys = new System('/');

  test('a non-zero exit is a result, not an exception; output is kept', async () => {
    const r = await sys.probe(['sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.deepEqual([r.exitCode, r.stdout, r.stderr, r.missing, r.timedOut], [3, 'out\n', 'err\n', false, false]);
  });

  test('a missing tool says so (exit 127, as a shell would)', async () => {
    const r = await sys.probe(['lockstep-no-such-tool', '--version']);
    assert.equal(r.exitCode, 127);
    assert.ok(r.missing);
    assert.match(r.stderr, /lockstep-no-such-tool: not found/);
  });

  test('a timeout ends the probe (exit 124) instead of hanging the facts', async () => {
    const r = await sys.probe(['sleep', '300'], { timeoutMs: 100 });
    assert.ok(r.timedOut);
    assert.equal(r.exitCode, 124);
  });

  test('input, env and the session\'s abort signal reach the probe', async () => {
    const r = await sys.probe(['sh', '-c', 'cat; printf "%s" "$PROBE_VAR"'], { input: 'in\n', env: { PROBE_VAR: 'set' } });
    assert.equal(r.stdout, 'in\nset');
    const ac = new AbortController();
    const aborting = new System('/', { signal: ac.signal });
    const running = aborting.probe(['sleep', '300']);
    ac.abort();
    assert.notEqual((await running).exitCode, 0);
    assert.equal((await spawnProber()(['true'])).exitCode, 0);
  });
});

describe('probes answered from recorded output', () => {
  const ROOT = '/srv/fixture-root';

  test('an argv the table does not hold is an error, never the real machine', async () => {
    const sys = new System(ROOT, { prober: recordedProber([]) });
    await assert.rejects(sys.probe(['nft', 'list', 'ruleset']), UnrecordedProbeError);
  });

  test('ssh: the effective settings from a recorded sshd -T, before and after lockstep\'s drop-in', async () => {
    const probeArgv = sshdTArgv(new System(ROOT), 'deploy');
    assert.deepEqual(probeArgv.slice(0, 4), ['sshd', '-T', '-f', `${ROOT}/etc/ssh/sshd_config`]);
    const cloud = new System(ROOT, { prober: recordedProber([{ argv: probeArgv, stdout: probeFixture('sshd-T-cloud-init.txt') }]) });
    const before = await effectiveSettings(cloud, 'deploy');
    assert.equal(typeof before === 'object' && before.passwordauthentication, 'yes', 'cloud-init turned passwords on');
    const hardened = new System(ROOT, { prober: recordedProber([{ argv: probeArgv, stdout: probeFixture('sshd-T-key-only.txt') }]) });
    const after = await effectiveSettings(hardened, 'deploy');
    assert.ok(typeof after === 'object');
    assert.deepEqual([after.passwordauthentication, after.kbdinteractiveauthentication, after.permitrootlogin], ['no', 'no', 'without-password']);
    assert.deepEqual(await effectiveList(hardened, 'deploy', 'allowusers'), ['deploy']);
    const failing = new System(ROOT, { prober: recordedProber([{ argv: probeArgv, exitCode: 255, stderr: '/srv/fixture-root/etc/ssh/sshd_config: No such file or directory\n' }]) });
    assert.match(String(await effectiveSettings(failing, 'deploy')), /No such file/);
  });

  test('firewall facts from a recorded namespace: listeners, the loaded nft table, nftables chosen', async () => {
    const seen: string[] = [];
    const table: RecordedProbe[] = [
      { argv: ['ss', '-Hltn'], stdout: probeFixture('ss-Hltn.txt') },
      { argv: ['nft', 'list', 'ruleset'], stdout: probeFixture('nft-list-ruleset.txt') },
      { argv: ['iptables-save'], stdout: '' },
      { argv: ['sh', '-c', 'command -v ufw'], exitCode: 1 },
    ];
    const sys = new System(ROOT, { prober: recordedProber(table, (argv) => seen.push(argv.join(' '))) });
    const facts = await firewallStep.facts({}, sys);
    assert.deepEqual(seen, ['ss -Hltn', 'nft list ruleset', 'iptables-save', 'sh -c command -v ufw']);
    const ports = facts.listeners.map((l) => `${l.address}:${l.port}`).sort();
    assert.deepEqual(ports, ['0.0.0.0:22', '0.0.0.0:443', '0.0.0.0:6984', '127.0.0.1:5984', ':::22'].sort());
    assert.match(facts.ruleset ?? '', /table inet lockstep/);
    assert.equal(facts.ufwEnabled, undefined, 'ufw is not installed');
    assert.equal(facts.docker, undefined);
  });
});
