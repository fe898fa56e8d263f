// The firewall's policy, ruleset text, guard and plan as data, from fixture facts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserError } from '../../src/core/errors.js';
import { firewallStep, type FirewallFacts } from '../../src/firewall/firewall-step.js';
import { platformOf } from '../../src/platform/distribution.js';
import { parseOsRelease } from '../../src/platform/os-release.js';
import { nftRuleset } from '../../src/firewall/nft-ruleset.js';
import { allows, buildPolicy, parseAllow, parseSshConnection, parseSsListeners, policyTable, wouldClose } from '../../src/firewall/policy.js';

const SS = `LISTEN 0      4096   127.0.0.53%lo:53    0.0.0.0:*
LISTEN 0      128          0.0.0.0:22    0.0.0.0:*
LISTEN 0      511          0.0.0.0:80    0.0.0.0:*
LISTEN 0      4096               *:5984        *:*
LISTEN 0      128             [::]:22       [::]:*
LISTEN 0      4096           [::1]:631      [::]:*
`;

const facts = (over: Partial<FirewallFacts> = {}): FirewallFacts => ({
  listeners: parseSsListeners(SS),
  ruleset: '',
  pending: { pending: false },
  platform: platformOf(parseOsRelease('ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n')),
  live: 'root',
  ...over,
});
const answers = { backend: 'nft', sshFrom: ['198.51.100.0/24', '2001:db8::/32'], replicationPeers: 'none', allow: 'none', confirmTimeout: 120 };

test('policy: 22 from the ranges, 6984 only with peers, --allow with its reason; matching over both families', () => {
  const policy = buildPolicy({ sshFrom: ['198.51.100.0/24', '2001:db8::/32'], replicationPeers: ['203.0.113.7'], allow: [{ port: 8443, proto: 'tcp', reason: 'admin' }] });
  assert.deepEqual(policy.rules.map((r) => `${r.port}/${r.proto} ${r.sources.join(',') || 'any'}`), [
    '80/tcp any', '443/tcp any', '22/tcp 198.51.100.0/24,2001:db8::/32', '6984/tcp 203.0.113.7', '8443/tcp any',
  ]);
  assert.ok(allows(policy, '198.51.100.9', 22));
  assert.ok(allows(policy, '::ffff:198.51.100.9', 22), 'an IPv4-mapped client address is matched as IPv4');
  assert.ok(allows(policy, '2001:db8:1::5', 22));
  assert.ok(!allows(policy, '192.0.2.1', 22));
  assert.ok(!allows(policy, '2001:db9::1', 22));
  assert.ok(allows(policy, '203.0.113.7', 6984) && !allows(policy, '203.0.113.8', 6984));
  assert.ok(!buildPolicy({ sshFrom: ['10.0.0.1/32'], replicationPeers: [], allow: [] }).rules.some((r) => r.port === 6984), '6984 stays closed without peers');
});

test('ruleset: one table inet, input policy drop, per-family source sets, ICMPv6 neighbour discovery', () => {
  const text = nftRuleset(buildPolicy({ sshFrom: ['198.51.100.0/24', '2001:db8::/32'], replicationPeers: [], allow: [] }));
  assert.doesNotMatch(text, /flush ruleset/, 'other tools\' tables are never deleted');
  assert.match(text, /^table inet lockstep\ndelete table inet lockstep\n/m, 'only lockstep\'s own table is replaced');
  assert.equal(text.match(/^table inet lockstep \{/gm)?.length, 1);
  assert.match(text, /table inet lockstep \{/);
  assert.match(text, /policy drop;/);
  assert.match(text, /ip saddr \{ 198\.51\.100\.0\/24 \} tcp dport 22 accept/);
  assert.match(text, /ip6 saddr \{ 2001:db8::\/32 \} tcp dport 22 accept/);
  assert.match(text, /nd-neighbor-solicit/);
  assert.doesNotMatch(text, /6984/);
  assert.match(nftRuleset(buildPolicy({ sshFrom: ['0.0.0.0/0', '::/0'], replicationPeers: [], allow: [] })), /^\t\ttcp dport 22 accept/m);
});

test('a range for one family and "any" for the other keeps the range: "192.0.2.0/24,::/0" is not anyone', () => {
  const mixed = buildPolicy({ sshFrom: ['192.0.2.0/24', '::/0'], replicationPeers: [], allow: [] });
  const text = nftRuleset(mixed);
  assert.match(text, /ip saddr \{ 192\.0\.2\.0\/24 \} tcp dport 22 accept/);
  assert.match(text, /ip6 saddr \{ ::\/0 \} tcp dport 22 accept/);
  assert.doesNotMatch(text, /^\t\ttcp dport 22 accept/m);
  assert.equal(allows(mixed, '198.51.100.7', 22), false);
  assert.equal(allows(mixed, '192.0.2.9', 22), true);
  assert.equal(allows(mixed, '2001:db8::1', 22), true);
  assert.match(policyTable(mixed).join('\n'), /22\/tcp\s+— 192\.0\.2\.0\/24, any IPv6 address/);
  // IPv4 "anywhere" alone opens SSH to IPv4 only.
  const v4only = buildPolicy({ sshFrom: ['0.0.0.0/0'], replicationPeers: [], allow: [] });
  assert.equal(allows(v4only, '2001:db8::1', 22), false);
  assert.equal(allows(v4only, '203.0.113.1', 22), true);
});

test('--allow parsing and conflicts', () => {
  assert.deepEqual(parseAllow('51820/UDP:wireguard'), { port: 51820, proto: 'udp', reason: 'wireguard' });
  assert.match(parseAllow('0/tcp') as string, /out of range/);
  assert.match(parseAllow('8443/tcp') as string, /"8443\/tcp" has no reason: add one after a colon, e\.g\. 8443\/tcp:admin console/);
  assert.match(parseAllow('8443/tcp: ') as string, /has no reason/);
  assert.match(parseAllow('22/sctp') as string, /PORT\/PROTO/);
  assert.match(parseAllow('80/tcp:a "quote"') as string, /reason/);
  assert.throws(() => buildPolicy({ sshFrom: ['10.0.0.0/8'], replicationPeers: [], allow: [{ port: 22, proto: 'tcp', reason: '' }] }), /conflicts with --ssh-from/);
  assert.throws(() => buildPolicy({ sshFrom: ['0.0.0.0/0'], replicationPeers: ['10.1.1.1'], allow: [{ port: 6984, proto: 'tcp', reason: '' }] }), /conflicts with --replication-peers/);
});

test('ss listeners: loopback ignored, closed and narrowed ports reported', () => {
  const policy = buildPolicy({ sshFrom: ['198.51.100.0/24'], replicationPeers: [], allow: [] });
  assert.deepEqual(wouldClose(policy, parseSsListeners(SS)), [
    '0.0.0.0:22 (tcp) would be open only to 198.51.100.0/24',
    '*:5984 (tcp) would be closed',
    ':::22 (tcp) would be open only to 198.51.100.0/24',
  ]);
});

test('SSH_CONNECTION guard: a client outside --ssh-from is refused with the fix in the hint', () => {
  const client = parseSshConnection('192.0.2.10 51234 198.51.100.1 22');
  assert.deepEqual(client, { address: '192.0.2.10', serverPort: 22 });
  assert.throws(
    () => firewallStep.plan(answers, facts({ sshClient: client! })),
    (e: unknown) => e instanceof UserError && /cut your own SSH session/.test(e.message) && /--ssh-from 192\.0\.2\.10\/32/.test(e.tryMessage ?? ''),
  );
  assert.ok(firewallStep.plan(answers, facts({ sshClient: { address: '198.51.100.20', serverPort: 22 } })).length > 0);
});

test('plan: check before arming, arm before loading; --confirm-timeout 0 persists without a rollback', () => {
  const titles = firewallStep.plan(answers, facts()).map((a) => a.title);
  const at = (s: string) => titles.findIndex((t) => t.includes(s));
  assert.ok(at('Check the ruleset') < at("Save lockstep's table"));
  assert.ok(at("Save lockstep's table") < at('Arm the rollback'));
  assert.ok(at('Arm the rollback') < at('Load the new ruleset'));
  assert.equal(at('/etc/nftables'), -1, 'nothing persisted before confirmation');
  const direct = firewallStep.plan({ ...answers, confirmTimeout: 0 }, facts()).map((a) => a.title);
  assert.ok(direct.some((t) => t.includes('/etc/nftables.d/lockstep.nft')));
  assert.ok(direct.some((t) => t.includes('Create /etc/nftables.conf loading it at boot')), 'no nftables.conf yet: one that includes it');
  const edited = firewallStep.plan({ ...answers, confirmTimeout: 0 }, facts({ nftablesConf: '#!/usr/sbin/nft -f\nflush ruleset\ntable inet filter {\n}\n' }));
  const edit = edited.find((a) => a.kind === 'edit');
  assert.ok(edit !== undefined && edit.kind === 'edit' && edit.after.startsWith(edit.before) && edit.after.endsWith('include "/etc/nftables.d/lockstep.nft"\n'), 'the operator\'s nftables.conf gets one include line, the rest stays');
  const load = edited.filter((a) => a.kind === 'run').at(-1);
  assert.ok(load?.kind === 'run' && JSON.stringify(load.argv).includes('/etc/nftables.d/lockstep.nft'), 'loads lockstep\'s file, never nftables.conf (its flush ruleset)');
  assert.ok(!direct.some((t) => t.includes('Arm the rollback')));
});

test('plan refused: Docker rules present, a pending unconfirmed change, nft missing', () => {
  assert.throws(() => firewallStep.plan(answers, facts({ docker: 'the nft ruleset mentions docker' })), /Docker is here.*6984 would stay open/);
  assert.throws(() => firewallStep.plan(answers, facts({ pending: { pending: true, pid: 4242 } })), /waiting for confirmation/);
  const { ruleset: _drop, ...noNft } = facts();
  assert.throws(() => firewallStep.plan(answers, noNft), /nft is not available/);
});

test('iptables backend: each family gets only its own sources; rollback restores both after opening the filter table', async () => {
  const { iptablesRules } = await import('../../src/firewall/iptables-rules.js');
  const { rollbackScript } = await import('../../src/firewall/rollback.js');
  const policy = buildPolicy({ sshFrom: ['198.51.100.0/24', '2001:db8::/32'], replicationPeers: ['203.0.113.7'], allow: [] });
  const v4 = iptablesRules(policy, 4);
  const v6 = iptablesRules(policy, 6);
  assert.match(v4, /^:INPUT DROP \[0:0\]$/m);
  assert.match(v4, /^-A INPUT -s 198\.51\.100\.0\/24 -p tcp -m tcp --dport 22 /m);
  assert.match(v4, /^-A INPUT -s 203\.0\.113\.7 -p tcp -m tcp --dport 6984 /m);
  assert.doesNotMatch(v4, /2001:db8/);
  assert.match(v6, /^-A INPUT -s 2001:db8::\/32 -p tcp -m tcp --dport 22 /m);
  assert.doesNotMatch(v6, /6984|198\.51/, 'no IPv6 peer: 6984 stays closed over IPv6');
  assert.match(v6, /neighbour-solicitation/);
  const plan = firewallStep.plan({ ...answers, backend: 'iptables' }, facts({ iptables: '' }));
  assert.ok(plan.some((a) => a.kind === 'run' && a.argv[0] === 'ip6tables-restore'));
  assert.match(rollbackScript('iptables'), /iptables-restore < "\$dir\/previous\.v4" && ip6tables-restore < "\$dir\/previous\.v6"/);
});

test('backend detection: ufw enabled, else iptables rules, else an nft ruleset, else nftables by default; the preview says which and why', async () => {
  const { detectBackend } = await import('../../src/firewall/detect.js');
  const empty = '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n';
  assert.equal(detectBackend({ ruleset: '', iptables: '-A ufw-user-input -j ACCEPT', ufwEnabled: true }).backend, 'ufw');
  assert.equal(detectBackend({ ruleset: 'table ip filter {', iptables: `${empty}-A INPUT -p tcp --dport 22 -j ACCEPT\n`, ufwEnabled: false }).backend, 'iptables');
  assert.equal(detectBackend({ ruleset: '', iptables: empty.replace(':INPUT ACCEPT', ':INPUT DROP') }).backend, 'iptables');
  const nft = detectBackend({ ruleset: 'table inet filter {\n}', iptables: empty, ufwEnabled: false });
  assert.deepEqual(nft, { backend: 'nft', why: 'an nftables ruleset is loaded (inet filter)' });
  assert.match(detectBackend({ ruleset: '', iptables: '' }).why, /no firewall is loaded; nftables is the default/);
  const notes = firewallStep.notes!({ ...answers, backend: 'auto' }, facts({ ufwEnabled: true, ufwIpv6: true, iptables: '-A INPUT -p tcp --dport 9000 -j ACCEPT\n-A INPUT -j ufw-before-input' }));
  assert.equal(notes[0], 'Backend: ufw (detected: ufw is enabled (ENABLED=yes in /etc/ufw/ufw.conf)).');
  assert.ok(notes.some((n) => n.includes('ufw leaves rules it did not write in INPUT') && n.includes('--dport 9000') && !n.includes('ufw-before-input')));
});

test('ufw plan: reset, defaults, one allow per source with its reason, enable last; the rollback saved and armed before; IPV6=no refused', () => {
  const plan = firewallStep.plan({ ...answers, backend: 'ufw', replicationPeers: '203.0.113.7' }, facts({ ufwEnabled: false, ufwIpv6: true, iptables: '' }));
  const runs = plan.flatMap((a) => (a.kind === 'run' ? [a.argv.map((x) => (typeof x === 'string' ? x : x.path)).join(' ')] : []));
  assert.deepEqual(runs.slice(-9), [
    'ufw --force reset', 'ufw default deny incoming', 'ufw default allow outgoing',
    'ufw allow 80/tcp comment HTTP, only to redirect to HTTPS', 'ufw allow 443/tcp comment HTTPS',
    'ufw allow proto tcp from 198.51.100.0/24 to any port 22 comment SSH administration',
    'ufw allow proto tcp from 2001:db8::/32 to any port 22 comment SSH administration',
    'ufw allow proto tcp from 203.0.113.7 to any port 6984 comment CouchDB replication with the peers',
    'ufw --force enable',
  ]);
  assert.ok(runs.indexOf('/var/lib/lockstep/firewall/rollback.sh 120') < runs.indexOf('ufw --force reset'));
  assert.ok(runs.includes('cp -a /etc/ufw/. /var/lib/lockstep/firewall/previous-ufw'));
  assert.throws(() => firewallStep.plan({ ...answers, backend: 'ufw' }, facts({ ufwEnabled: false, ufwIpv6: false })), (e: unknown) => e instanceof UserError && /IPV6=yes/.test(e.message));
  assert.throws(() => firewallStep.plan({ ...answers, backend: 'ufw' }, facts()), (e: unknown) => e instanceof UserError && /ufw is not installed/.test(e.message));
});

test('Docker: detected from its chains, nft ruleset or socket; iptables keeps its chains (--noflush) and filters published ports in DOCKER-USER; nft and ufw refused', async () => {
  const { dockerEvidence, detectBackend } = await import('../../src/firewall/detect.js');
  const { iptablesRules } = await import('../../src/firewall/iptables-rules.js');
  assert.equal(dockerEvidence('*filter\n:DOCKER-USER - [0:0]\n', '', false), 'the DOCKER-USER chain exists');
  assert.equal(dockerEvidence('', 'table ip filter {\n\tchain DOCKER {', false), 'the nft ruleset mentions docker');
  assert.equal(dockerEvidence('', '', true), '/var/run/docker.sock exists');
  assert.equal(dockerEvidence('', '', false), undefined);
  assert.equal(detectBackend({ ruleset: '', iptables: '', docker: '/var/run/docker.sock exists' }).backend, 'iptables');

  const docker = '/var/run/docker.sock exists';
  const plan = firewallStep.plan({ ...answers, backend: 'auto', replicationPeers: '203.0.113.7' }, facts({ docker, iptables: '' }));
  const runs = plan.flatMap((a) => (a.kind === 'run' ? [a.argv.map((x) => (typeof x === 'string' ? x : x.path)).join(' ')] : []));
  assert.ok(runs.includes('iptables-restore --noflush /var/lib/lockstep/firewall/applied.v4'), runs.join('\n'));
  assert.ok(runs.includes('ip6tables-restore --test --noflush /var/lib/lockstep/firewall/applied.v6'));
  const v4 = iptablesRules(buildPolicy({ sshFrom: ['198.51.100.0/24'], replicationPeers: ['203.0.113.7', '2001:db8::7'], allow: [] }), 4, true);
  assert.doesNotMatch(v4, /:FORWARD|:OUTPUT/);
  assert.deepEqual(v4.split('\n').filter((l) => l.includes('DOCKER-USER')), [
    ':DOCKER-USER - [0:0]',
    '-A DOCKER-USER -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN',
    '-A DOCKER-USER -p tcp -m conntrack --ctstate DNAT --ctorigdstport 80 --ctdir ORIGINAL -m comment --comment "HTTP, only to redirect to HTTPS" -j RETURN',
    '-A DOCKER-USER -p tcp -m conntrack --ctstate DNAT --ctorigdstport 443 --ctdir ORIGINAL -m comment --comment "HTTPS" -j RETURN',
    '-A DOCKER-USER -s 198.51.100.0/24 -p tcp -m conntrack --ctstate DNAT --ctorigdstport 22 --ctdir ORIGINAL -m comment --comment "SSH administration" -j RETURN',
    '-A DOCKER-USER -s 203.0.113.7 -p tcp -m conntrack --ctstate DNAT --ctorigdstport 6984 --ctdir ORIGINAL -m comment --comment "CouchDB replication with the peers" -j RETURN',
    '-A DOCKER-USER -m conntrack --ctstate DNAT -m comment --comment "other ports Docker publishes" -j DROP',
    '-A DOCKER-USER -j RETURN',
  ]);
  for (const backend of ['nft', 'ufw']) {
    assert.throws(() => firewallStep.plan({ ...answers, backend }, facts({ docker, ufwEnabled: true, ufwIpv6: true })), (e: unknown) => e instanceof UserError && /Docker is here/.test(e.message) && /--backend iptables/.test(e.tryMessage ?? ''));
  }
});
