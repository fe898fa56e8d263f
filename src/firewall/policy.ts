// The seed's firewall policy as data (000_50867a82ad50b133.txt): inbound dropped; loopback and
// replies allowed; 80/443 open; 22 from the operator's ranges; 6984 only to replication peers;
// anything else only with a reason. Backends render this; the preview's table reads it.
import { BlockList, isIP } from 'node:net';
import { checkCidr } from '../core/validate.js';

export type Proto = 'tcp' | 'udp';

export interface PortRule {
  readonly port: number;
  readonly proto: Proto;
  /** Empty means from anywhere. */
  readonly sources: readonly string[];
  readonly why: string;
  /** The flag the rule comes from, for messages. */
  readonly flag: string;
}

export interface Policy {
  readonly rules: readonly PortRule[];
}

export interface AllowSpec {
  readonly port: number;
  readonly proto: Proto;
  readonly reason: string;
}

export const SSH_PORT = 22;
export const REPLICATION_PORT = 6984;
const ANY = new Set(['0.0.0.0/0', '::/0']);

/** Splits a comma list (the repeatable text flags arrive joined by commas). */
export function items(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '' && s.toLowerCase() !== 'none');
}

/** `PORT/PROTO:reason` (the reason required, as --help says), e.g. `8443/tcp:admin console`. Returns a message or the spec. */
export function parseAllow(text: string): AllowSpec | string {
  const m = /^([0-9]{1,5})\/(tcp|udp)(?::(.*))?$/i.exec(text.trim());
  if (m === null) return `"${text}" is not PORT/PROTO:reason, e.g. 8443/tcp:admin console`;
  const port = Number(m[1]);
  if (port < 1 || port > 65535) return `port ${m[1]} in "${text}" is out of range (1 to 65535)`;
  const reason = (m[3] ?? '').trim();
  // --help says each port needs a reason, and the preview shows it: so it is required.
  if (reason === '') return `"${text}" has no reason: add one after a colon, e.g. ${m[1]}/${m[2]!.toLowerCase()}:admin console (the preview shows why each port is open)`;
  if (!/^[A-Za-z0-9 ._()/+-]{1,60}$/.test(reason)) {
    return `the reason in "${text}" may hold letters, digits, spaces and . _ ( ) / + - (1 to 60 characters)`;
  }
  return { port, proto: m[2]!.toLowerCase() as Proto, reason };
}

export function checkAllowList(text: string): string | undefined {
  for (const item of items(text)) {
    const parsed = parseAllow(item);
    if (typeof parsed === 'string') return parsed;
  }
  return undefined;
}

export function checkAddressList(text: string): string | undefined {
  for (const item of items(text)) {
    const error = checkCidr(item);
    if (error !== undefined) return error;
  }
  return undefined;
}

/**
 * Open to anyone only when both families are: "192.0.2.0/24,::/0" keeps IPv4 to the range and
 * opens IPv6 to all, and "0.0.0.0/0" alone leaves IPv6 closed.
 */
export const isAnywhere = (sources: readonly string[]): boolean => sources.length === 0 || [...ANY].every((a) => sources.includes(a));

const sourceText = (s: string): string => (s === '0.0.0.0/0' ? 'any IPv4 address' : s === '::/0' ? 'any IPv6 address' : s);

export interface PolicyInput {
  readonly sshFrom: readonly string[];
  readonly replicationPeers: readonly string[];
  readonly allow: readonly AllowSpec[];
}

/** Throws a message (the step turns it into a UserError) when answers contradict each other. */
export function buildPolicy(input: PolicyInput): Policy {
  const rules: PortRule[] = [
    { port: 80, proto: 'tcp', sources: [], why: 'HTTP, only to redirect to HTTPS', flag: '(always)' },
    { port: 443, proto: 'tcp', sources: [], why: 'HTTPS', flag: '(always)' },
    {
      port: SSH_PORT,
      proto: 'tcp',
      sources: isAnywhere(input.sshFrom) ? [] : [...input.sshFrom],
      why: 'SSH administration',
      flag: '--ssh-from',
    },
  ];
  if (input.replicationPeers.length > 0) {
    rules.push({ port: REPLICATION_PORT, proto: 'tcp', sources: [...input.replicationPeers], why: 'CouchDB replication with the peers', flag: '--replication-peers' });
  }
  for (const a of input.allow) {
    const clash = rules.find((r) => r.port === a.port && r.proto === a.proto);
    if (clash !== undefined) {
      if (clash.flag === '(always)') continue; // already open to everyone
      throw new Error(
        `--allow ${a.port}/${a.proto} would open port ${a.port} to everyone, which conflicts with ${clash.flag} ` +
          `(${clash.sources.length > 0 ? `only ${clash.sources.join(', ')}` : 'its own rule'}).`,
      );
    }
    rules.push({ port: a.port, proto: a.proto, sources: [], why: a.reason || 'allowed by --allow (no reason given)', flag: '--allow' });
  }
  return { rules };
}

/** One row per rule of the preview's "port — open to — why" table. */
export function policyTable(policy: Policy): string[] {
  const rows = [
    ['port', 'open to', 'why'],
    ...policy.rules.map((r) => [`${r.port}/${r.proto}`, r.sources.length === 0 ? 'anyone (IPv4 and IPv6)' : r.sources.map(sourceText).join(', '), r.why]),
    ['other', 'nobody (dropped)', 'inbound default: drop; loopback, replies and ICMP errors/ping stay allowed'],
  ];
  const w0 = Math.max(...rows.map((r) => r[0]!.length));
  const w1 = Math.max(...rows.map((r) => r[1]!.length));
  // The dashes keep the columns readable where a front end folds the padding away.
  return rows.map((r) => `${r[0]!.padEnd(w0)} — ${r[1]!.padEnd(w1)} — ${r[2]}`);
}

/** A BlockList (node's CIDR matcher) of the given addresses and ranges. */
/** Sources of one family only: node's BlockList matches an IPv4 address against IPv6 ranges (as ::ffff:a.b.c.d), so ::/0 would let every IPv4 client in. */
function matcher(sources: readonly string[], only: 'ipv4' | 'ipv6'): BlockList {
  const list = new BlockList();
  for (const s of sources) {
    const [addr, prefix] = s.split('/');
    const family = isIP(addr ?? '') === 6 ? 'ipv6' : 'ipv4';
    if (family !== only) continue;
    if (prefix === undefined) list.addAddress(addr!, family);
    else list.addSubnet(addr!, Number(prefix), family);
  }
  return list;
}

/** Does the policy let `address` reach `port`/tcp? */
export function allows(policy: Policy, address: string, port: number): boolean {
  const mapped = /^::ffff:([0-9.]+)$/i.exec(address);
  const addr = mapped ? mapped[1]! : address;
  const family = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
  return policy.rules.some((r) => r.port === port && r.proto === 'tcp' && (r.sources.length === 0 || matcher(r.sources, family).check(addr, family)));
}

export interface SshClient {
  readonly address: string;
  readonly serverPort: number;
}

/** `SSH_CONNECTION` is "client-address client-port server-address server-port". */
export function parseSshConnection(value: string | undefined): SshClient | undefined {
  const parts = (value ?? '').trim().split(/\s+/);
  if (parts.length !== 4 || isIP(parts[0]!.replace(/%.*$/, '')) === 0) return undefined;
  return { address: parts[0]!.replace(/%.*$/, ''), serverPort: Number(parts[3]) };
}

export interface Listener {
  readonly address: string;
  readonly port: number;
}

/** `ss -Hltn` lines: State Recv-Q Send-Q Local:Port Peer:Port [Process]. */
export function parseSsListeners(text: string): Listener[] {
  const out: Listener[] = [];
  for (const line of text.split('\n')) {
    const local = line.trim().split(/\s+/)[3];
    const m = local === undefined ? null : /^(.*):([0-9]+)$/.exec(local);
    if (m === null) continue;
    out.push({ address: m[1]!.replace(/^\[|\]$/g, '').replace(/%.*$/, ''), port: Number(m[2]) });
  }
  return out;
}

const isLoopback = (address: string): boolean => address === '::1' || address.startsWith('127.');

/** Listening TCP sockets reachable from outside that the policy would close, one line each. */
export function wouldClose(policy: Policy, listeners: readonly Listener[]): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const l of listeners) {
    if (isLoopback(l.address)) continue;
    const rule = policy.rules.find((r) => r.port === l.port && r.proto === 'tcp');
    if (rule !== undefined && rule.sources.length === 0) continue;
    const line = rule === undefined ? `${l.address}:${l.port} (tcp) would be closed` : `${l.address}:${l.port} (tcp) would be open only to ${rule.sources.join(', ')}`;
    if (!seen.has(line)) lines.push(line);
    seen.add(line);
  }
  return lines;
}
