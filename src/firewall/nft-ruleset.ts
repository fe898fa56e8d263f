// The policy as an nftables ruleset: one `table inet` so IPv4 and IPv6 get the same rules.
import { isIP } from 'node:net';
import type { Policy, PortRule } from './policy.js';

export const TABLE = 'lockstep';

function sourceRules(r: PortRule, comment: string): string[] {
  const match = `${r.proto} dport ${r.port}`;
  if (r.sources.length === 0) return [`${match} accept comment ${comment}`];
  const v4 = r.sources.filter((s) => isIP(s.split('/')[0] ?? '') === 4);
  const v6 = r.sources.filter((s) => isIP(s.split('/')[0] ?? '') === 6);
  return [
    ...(v4.length > 0 ? [`ip saddr { ${v4.join(', ')} } ${match} accept comment ${comment}`] : []),
    ...(v6.length > 0 ? [`ip6 saddr { ${v6.join(', ')} } ${match} accept comment ${comment}`] : []),
  ];
}

/** The file `nft -f` loads: it replaces the whole ruleset, atomically. */
export function nftRuleset(policy: Policy): string {
  const rules = policy.rules.flatMap((r) => sourceRules(r, JSON.stringify(r.why)));
  return [
    '#!/usr/sbin/nft -f',
    '# Written by lockstep firewall. Inbound traffic is dropped unless a rule below accepts it;',
    '# outbound and forwarded traffic are not filtered. `nft -f` loads this file atomically.',
    'flush ruleset',
    '',
    `table inet ${TABLE} {`,
    '\tchain input {',
    '\t\ttype filter hook input priority filter; policy drop;',
    '\t\tiif "lo" accept comment "loopback"',
    '\t\tct state established,related accept comment "replies to connections already allowed"',
    '\t\tct state invalid drop',
    '\t\tmeta l4proto icmp icmp type { echo-request, destination-unreachable, time-exceeded, parameter-problem } accept comment "ping and ICMP errors"',
    '\t\tmeta l4proto ipv6-icmp icmpv6 type { echo-request, destination-unreachable, packet-too-big, time-exceeded, parameter-problem, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert } accept comment "IPv6 needs neighbour discovery and packet-too-big"',
    ...rules.map((r) => `\t\t${r}`),
    '\t}',
    '}',
    '',
  ].join('\n');
}
