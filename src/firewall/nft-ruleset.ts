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

/**
 * The file `nft -f` loads: it replaces lockstep's own table, atomically, and nothing else —
 * never `flush ruleset`, which would delete Docker's, libvirt's, fail2ban's or a provider's
 * tables. (Creating the table first makes the delete safe when it is not there yet.)
 */
export function nftRuleset(policy: Policy): string {
  const rules = policy.rules.flatMap((r) => sourceRules(r, JSON.stringify(r.why)));
  return [
    '#!/usr/sbin/nft -f',
    '# Written by lockstep firewall. Inbound traffic is dropped unless a rule below accepts it;',
    '# outbound and forwarded traffic are not filtered. `nft -f` loads this file atomically;',
    `# it replaces table inet ${TABLE} only: the other tables stay as they are.`,
    `table inet ${TABLE}`,
    `delete table inet ${TABLE}`,
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

/** The tables of `nft list ruleset` output other than lockstep's, as "family name". */
export function otherTables(ruleset: string | undefined): string[] {
  return [...(ruleset ?? '').matchAll(/^table (\S+) (\S+)/gm)].map((m) => `${m[1]} ${m[2]}`).filter((t) => t !== `inet ${TABLE}`);
}

/** Saves lockstep's table as it is now (nothing when it is not loaded): what the rollback puts back. */
export const SAVE_OWN_TABLE = `if nft list tables | grep -qx 'table inet ${TABLE}'; then nft list table inet ${TABLE}; fi`;

/** Restores lockstep's table from a saved copy (empty: no table), leaving every other table alone. */
export const RESTORE_OWN_TABLE = (saved: string): string => `{ echo 'table inet ${TABLE}'; echo 'delete table inet ${TABLE}'; cat "${saved}"; } | nft -f -`;
