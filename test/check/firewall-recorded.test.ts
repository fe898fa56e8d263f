// The firewall. and ports. groups from recorded output (fixtures/probe/, and rules rendered by
// lockstep's own iptables-rules.ts), where a namespace cannot show the case: Docker's chains with
// and without lockstep's DOCKER-USER filter, iptables' v4/v6 rules, a listener the policy leaves
// open. The System's probes answer only from the table: nothing of this machine is read.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runChecks, type AuditItem } from '../../src/core/checks.js';
import { recordedProber, type RecordedProbe } from '../../src/core/probe.js';
import { System } from '../../src/core/system.js';
import { firewallChecks, portsChecks } from '../../src/firewall/firewall-checks.js';
import { iptablesRules } from '../../src/firewall/iptables-rules.js';
import { liveRules, openTo } from '../../src/firewall/live-rules.js';
import { buildPolicy } from '../../src/firewall/policy.js';
import { tempRoot } from '../helpers.js';
import { probeFixture } from '../probe-fixtures.js';

const policy = buildPolicy({ sshFrom: ['198.51.100.0/24', '2001:db8::/32'], replicationPeers: [], allow: [] });

async function run(table: readonly RecordedProbe[]): Promise<Map<string, AuditItem>> {
  const { root, cleanup } = await tempRoot('lockstep-check-rec-');
  try {
    const sys = new System(root, { prober: recordedProber(table) });
    const items = await runChecks([firewallChecks, portsChecks], { sys, now: Date.now(), caDir: '/etc/pki/CA', caName: 'couch_ca' });
    return new Map(items.map((i) => [i.id, i]));
  } finally {
    await cleanup();
  }
}

test('nft: the recorded lockstep ruleset read as the policy it is (22 from the ranges, 6984 closed, IPv4 and IPv6 alike)', () => {
  const rules = liveRules({ nft: probeFixture('nft-list-ruleset.txt') });
  assert.equal(rules.v4.dropBy, 'nft inet lockstep (policy drop)');
  assert.deepEqual(openTo(rules.v4, 443), []);
  assert.deepEqual(openTo(rules.v4, 22), ['198.51.100.0/24']);
  assert.deepEqual(openTo(rules.v6, 22), ['2001:db8::/32']);
  assert.equal(openTo(rules.v4, 6984), undefined);
});

test('iptables with Docker: published ports bypass INPUT until DOCKER-USER filters them; without a firewall an unexpected listener is named', async () => {
  const docker = ':DOCKER - [0:0]\n:DOCKER-USER - [0:0]\n-A FORWARD -j DOCKER-USER\n-A DOCKER-USER -j RETURN\n';
  const v4 = iptablesRules(policy, 4).replace('COMMIT', `${docker}COMMIT`);
  const v6 = iptablesRules(policy, 6);
  const ss = `${probeFixture('ss-tlnp.txt').split('\n').slice(1).join('\n')}LISTEN 0 128 0.0.0.0:9200 0.0.0.0:* users:(("java",pid=77,fd=9))\n`;
  const base: RecordedProbe[] = [
    { argv: ['nft', 'list', 'ruleset'], missing: true },
    { argv: ['ip6tables-save'], stdout: v6 },
    { argv: ['ss', '-Hltnp'], stdout: ss },
  ];
  const open = await run([...base, { argv: ['iptables-save'], stdout: v4 }]);
  assert.equal(open.get('firewall.default-deny')?.status, 'pass', open.get('firewall.default-deny')?.evidence);
  assert.equal(open.get('firewall.parity')?.status, 'pass', open.get('firewall.parity')?.evidence);
  assert.equal(open.get('firewall.ssh-range')?.status, 'pass');
  assert.equal(open.get('ports.docker')?.status, 'fail');
  assert.match(open.get('ports.docker')?.evidence ?? '', /the DOCKER-USER chain exists; DOCKER-USER does not filter published ports/);
  assert.equal(open.get('ports.listening')?.status, 'pass', 'the INPUT policy drops 9200');
  const filtered = iptablesRules(policy, 4, true).replace(':DOCKER-USER - [0:0]', ':DOCKER - [0:0]\n:DOCKER-USER - [0:0]');
  const safe = await run([...base, { argv: ['iptables-save'], stdout: filtered }]);
  assert.equal(safe.get('ports.docker')?.status, 'pass', safe.get('ports.docker')?.evidence);
  // No firewall at all: the java listener on 9200 is reachable and named.
  const none = await run([...base.filter((p) => p.argv[0] !== 'ip6tables-save'), { argv: ['iptables-save'], stdout: '' }, { argv: ['ip6tables-save'], stdout: '' }]);
  assert.equal(none.get('firewall.active')?.status, 'fail');
  assert.equal(none.get('ports.listening')?.status, 'warn');
  assert.match(none.get('ports.listening')?.evidence ?? '', /0\.0\.0\.0:9200 \(java\)/);
});
