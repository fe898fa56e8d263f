// The policy for iptables / ip6tables, as the files iptables-restore loads (and iptables-persistent
// keeps in /etc/iptables/rules.v4 and rules.v6). Each family gets the same rules.
import { isIP } from 'node:net';
import type { Policy } from './policy.js';

const ICMP4 = ['echo-request', 'destination-unreachable', 'time-exceeded', 'parameter-problem'];
const ICMP6 = [
  'echo-request', 'destination-unreachable', 'packet-too-big', 'time-exceeded', 'parameter-problem',
  'router-advertisement', 'neighbour-solicitation', 'neighbour-advertisement',
];

const quote = (text: string): string => `"${text.replace(/"/g, '')}"`;

const sourcesOf = (sources: readonly string[], family: 4 | 6): string[] => sources.filter((src) => isIP(src.split('/')[0] ?? '') === family);

/**
 * Docker publishes a container's port with a DNAT in the nat table, so the connection crosses
 * FORWARD, never INPUT: Docker's own hook for filtering it is DOCKER-USER, which it jumps to first
 * and never flushes. Each published port the policy names gets its sources (matched on the port the
 * client asked for, --ctorigdstport); every other published port is dropped, as INPUT does.
 */
function dockerUserRules(policy: Policy, family: 4 | 6): string[] {
  const lines = ['-A DOCKER-USER -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN'];
  for (const r of policy.rules) {
    const match = `-p ${r.proto} -m conntrack --ctstate DNAT --ctorigdstport ${r.port} --ctdir ORIGINAL -m comment --comment ${quote(r.why)} -j RETURN`;
    if (r.sources.length === 0) lines.push(`-A DOCKER-USER ${match}`);
    else for (const s of sourcesOf(r.sources, family)) lines.push(`-A DOCKER-USER -s ${s} ${match}`);
  }
  lines.push('-A DOCKER-USER -m conntrack --ctstate DNAT -m comment --comment "other ports Docker publishes" -j DROP', '-A DOCKER-USER -j RETURN');
  return lines;
}

/**
 * `docker`: the file is loaded with --noflush, so Docker's chains and nat rules stay; INPUT and
 * DOCKER-USER are declared, which flushes just those two (and creates DOCKER-USER at boot, before
 * Docker starts, which then keeps it).
 */
export function iptablesRules(policy: Policy, family: 4 | 6, docker = false): string {
  const lines = [
    `# Written by lockstep firewall (${family === 4 ? 'iptables' : 'ip6tables'}-restore${docker ? ' --noflush' : ''}). Inbound is dropped unless a rule accepts it.`,
    '*filter',
    ':INPUT DROP [0:0]',
    ...(docker ? [':DOCKER-USER - [0:0]', '-F INPUT'] : [':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]']),
    '-A INPUT -i lo -m comment --comment "loopback" -j ACCEPT',
    '-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -m comment --comment "replies to connections already allowed" -j ACCEPT',
    '-A INPUT -m conntrack --ctstate INVALID -j DROP',
    ...(family === 4
      ? ICMP4.map((t) => `-A INPUT -p icmp --icmp-type ${t} -j ACCEPT`)
      : ICMP6.map((t) => `-A INPUT -p ipv6-icmp --icmpv6-type ${t} -j ACCEPT`)),
  ];
  for (const r of policy.rules) {
    const match = `-p ${r.proto} -m ${r.proto} --dport ${r.port} -m comment --comment ${quote(r.why)} -j ACCEPT`;
    if (r.sources.length === 0) {
      lines.push(`-A INPUT ${match}`);
      continue;
    }
    for (const s of sourcesOf(r.sources, family)) lines.push(`-A INPUT -s ${s} ${match}`);
  }
  if (docker) lines.push(...dockerUserRules(policy, family));
  lines.push('COMMIT', '');
  return lines.join('\n');
}

/** Loaded before a saved ruleset when rolling back: iptables-restore only replaces the tables a file names. */
export const OPEN_FILTER = '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n';
