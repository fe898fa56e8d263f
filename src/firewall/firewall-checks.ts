// The firewall as it is loaded now. loadedPolicyChecks is `lockstep firewall`'s verification of
// the backend it applied; the checklist's firewall. and ports. groups call it too, and read the
// live rules (live-rules.ts) for what any firewall lets in.
import { fail, pass, seed, skip, verdict, type AuditItem, type CheckGroup } from '../core/checks.js';
import type { Check } from '../core/events.js';
import type { System } from '../core/system.js';
import { dockerEvidence } from './detect.js';
import { liveRules, openTo, openToAll, type LiveRules } from './live-rules.js';
import { TABLE } from './nft-ruleset.js';
import { parseSsListeners, REPLICATION_PORT, SSH_PORT } from './policy.js';
import { readPending, STATE_DIR, type Backend } from './rollback.js';

async function capture(sys: System, argv: readonly string[]): Promise<string | undefined> {
  const r = await sys.probe(argv);
  return r.exitCode === 0 ? r.stdout : undefined;
}

/** The backend lockstep applied drops inbound by default (and filters Docker's published ports when it did). */
export async function loadedPolicyChecks(sys: System, backend: Backend): Promise<Check[]> {
  const checks: Check[] = [];
  if (backend === 'ufw') {
    const status = await capture(sys, ['ufw', 'status']);
    checks.push({ name: 'ufw is active', ok: status !== undefined && /^Status: active/m.test(status), evidence: status?.split('\n')[0] ?? 'ufw status failed' });
  }
  if (backend === 'iptables' || backend === 'ufw') {
    for (const tool of ['iptables', 'ip6tables']) {
      const rules = await capture(sys, [tool, '-S', 'INPUT']);
      const user = await capture(sys, [tool, '-S', 'DOCKER-USER']);
      if (user !== undefined && /lockstep|--ctorigdstport/.test(user)) {
        checks.push({ name: `${tool}: DOCKER-USER drops published ports the policy does not open`, ok: /--ctstate DNAT .*-j DROP/.test(user), evidence: `${user.split('\n').length} lines` });
      }
      checks.push({ name: `${tool}: INPUT policy is DROP`, ok: rules !== undefined && /^-P INPUT DROP$/m.test(rules), evidence: rules === undefined ? `${tool} -S failed` : `${rules.split('\n').length} lines` });
    }
    return checks;
  }
  const table = await capture(sys, ['nft', 'list', 'table', 'inet', TABLE]);
  checks.push({
    name: `table inet ${TABLE} is loaded with an input policy of drop`,
    ok: table !== undefined && /policy drop/.test(table),
    evidence: table === undefined ? `nft list table inet ${TABLE} failed` : `${table.split('\n').length} lines, policy drop present`,
  });
  return checks;
}

const FW_SEED = seed('lockdown', 'Configuring firewall rules. Do not expose ports unless they are necessary for the application and its support');
const SSH_RANGE_SEED = seed('lockdown', '22 for SSH access. This can be further restricted by locking down a range of machines that are allowed to access it.');
const COUCH_SEED = seed('lockdown', '6984 for CouchDB replication. This is necessary only where local instances are syncing with a central server and should be locked down in a deployment where no local instances exist.');
const WEB_SEED = seed('lockdown', '80, 443 for HTTP/HTTPS.');
const FIX = 'lockstep firewall --ssh-from <your admin ranges>';

interface Live {
  readonly rules: LiveRules;
  readonly nft?: string;
  readonly iptables?: string;
  readonly ss?: string;
  readonly docker?: string;
  /** "(live: the running system's ruleset, not under --root)" where it matters. */
  readonly note: string;
  readonly tools: string;
}

/** One read of the live firewall for both groups. */
async function readLive(sys: System): Promise<Live> {
  const [nft, iptables, ip6tables, ss] = await Promise.all([
    capture(sys, ['nft', 'list', 'ruleset']),
    capture(sys, ['iptables-save']),
    capture(sys, ['ip6tables-save']),
    capture(sys, ['ss', '-Hltnp']),
  ]);
  const docker = dockerEvidence(iptables, nft, (await sys.stat('/var/run/docker.sock')) !== undefined);
  const tools = [nft !== undefined ? 'nft list ruleset' : undefined, iptables !== undefined ? 'iptables-save' : undefined, ip6tables !== undefined ? 'ip6tables-save' : undefined].filter((t) => t !== undefined).join(', ');
  return {
    rules: liveRules({ ...(nft !== undefined ? { nft } : {}), ...(iptables !== undefined ? { iptables } : {}), ...(ip6tables !== undefined ? { ip6tables } : {}) }),
    ...(nft !== undefined ? { nft } : {}),
    ...(iptables !== undefined ? { iptables } : {}),
    ...(ss !== undefined ? { ss } : {}),
    ...(docker !== undefined ? { docker } : {}),
    note: sys.root === '/' ? '' : ' (live: the running system, not under --root)',
    tools: tools || 'no firewall tool answered',
  };
}

// The live read is shared by the firewall. and ports. groups of one run.
const reads = new WeakMap<System, Promise<Live>>();
const live = (sys: System): Promise<Live> => {
  let r = reads.get(sys);
  if (r === undefined) reads.set(sys, (r = readLive(sys)));
  return r;
};

const portList = (ports: readonly number[]): string => (ports.length > 0 ? ports.join(', ') : 'none');
const srcText = (s: readonly string[] | undefined): string => (s === undefined ? 'closed' : s.length === 0 ? 'anyone' : s.join(', '));

async function firewallItems(sys: System): Promise<AuditItem[]> {
  const l = await live(sys);
  const { v4, v6 } = l.rules;
  const items: AuditItem[] = [];
  const active = v4.dropBy !== undefined || v6.dropBy !== undefined;
  items.push(verdict(active, { id: 'firewall.active', title: 'A firewall is active', evidence: `${l.tools}${l.note}: ${active ? `inbound dropped by ${[v4.dropBy, v6.dropBy].filter((d) => d !== undefined).join(' and ')}` : 'no input chain drops by default'}`, fix: FIX, seed: FW_SEED }));
  items.push(verdict(v4.dropBy !== undefined && v6.dropBy !== undefined, { id: 'firewall.default-deny', title: 'Inbound is dropped by default, IPv4 and IPv6', evidence: `IPv4: ${v4.dropBy ?? 'accepted by default'}; IPv6: ${v6.dropBy ?? 'accepted by default'}${l.note}`, fix: FIX, seed: FW_SEED }));
  const all4 = openToAll(v4);
  const all6 = openToAll(v6);
  // Parity: both families drop by default and no port is open to anyone in one family and not the
  // other. A port open to some sources in one family only is fine: sources are of one family.
  const ports = (f: typeof v4): string => [...new Set(f.open.map((o) => `${o.port}:${srcText(openTo(f, o.port))}`))].sort().join(' ');
  const allPorts = [...new Set([...v4.open, ...v6.open].map((o) => o.port))];
  const uneven = allPorts.filter((p) => (openTo(v4, p)?.length === 0) !== (openTo(v6, p)?.length === 0));
  const parity = { id: 'firewall.parity', title: 'IPv4 and IPv6 get the same policy', evidence: `IPv4 ${v4.dropBy !== undefined ? 'drops' : 'accepts'} by default, open: ${ports(v4) || 'none'}; IPv6 ${v6.dropBy !== undefined ? 'drops' : 'accepts'} by default, open: ${ports(v6) || 'none'}${uneven.length > 0 ? `; open to anyone in one family only: ${uneven.join(', ')}` : ''}${l.note}`, fix: FIX, seed: FW_SEED };
  items.push(active ? verdict(uneven.length === 0 && (v4.dropBy !== undefined) === (v6.dropBy !== undefined), parity) : skip(parity, 'no firewall is active: nothing to compare'));
  const extra = [...new Set([...(all4 ?? []), ...(all6 ?? [])].filter((p) => p !== 80 && p !== 443))];
  items.push(verdict(active && all4 !== undefined && all6 !== undefined && extra.length === 0, {
    id: 'firewall.open-to-all',
    title: 'Only 80 and 443 are open to anyone',
    evidence: all4 === undefined || all6 === undefined ? `inbound is not dropped by default (${all4 === undefined ? 'IPv4' : 'IPv6'}): every listening port is open` : `open to anyone: IPv4 ${portList(all4)}; IPv6 ${portList(all6)}${l.note}`,
    fix: FIX,
    seed: WEB_SEED,
  }));
  const ssh4 = openTo(v4, SSH_PORT);
  const ssh6 = openTo(v6, SSH_PORT);
  const sshAll = ssh4?.length === 0 || ssh6?.length === 0 || !active;
  items.push(verdict(!sshAll && (ssh4 !== undefined || ssh6 !== undefined), { id: 'firewall.ssh-range', title: 'SSH (22) limited to the admin ranges', evidence: active ? `22 open to: IPv4 ${srcText(ssh4)}; IPv6 ${srcText(ssh6)}${l.note}` : 'no firewall: 22 is open to anyone', fix: FIX, seed: SSH_RANGE_SEED }, 'warn'));
  const c4 = openTo(v4, REPLICATION_PORT);
  const c6 = openTo(v6, REPLICATION_PORT);
  const couchAll = c4?.length === 0 || c6?.length === 0 || !active;
  items.push(verdict(!couchAll, { id: 'firewall.replication', title: 'CouchDB replication (6984) open only to replication peers', evidence: active ? `6984 open to: IPv4 ${srcText(c4)}; IPv6 ${srcText(c6)}${c4 === undefined && c6 === undefined ? ' (closed: no replication here)' : ''}${l.note}` : 'no firewall: 6984 is open to anyone who can reach it', fix: 'lockstep firewall --replication-peers <peers> (or none to close it)', seed: COUCH_SEED }));
  const lockstepState = (await sys.stat(STATE_DIR)) !== undefined;
  if (lockstepState) {
    const backend = (await readPending(sys)).backend ?? 'nft';
    const checks = await loadedPolicyChecks(sys, backend);
    items.push(verdict(checks.every((c) => c.ok), { id: 'firewall.lockstep', title: `The ruleset lockstep applied (${backend}) is still loaded`, evidence: checks.map((c) => `${c.ok ? 'ok' : 'NOT'}: ${c.name} (${c.evidence})`).join('; '), fix: 'lockstep firewall, then lockstep firewall confirm', seed: FW_SEED }));
  }
  return items;
}

const EXPECTED_PORTS = new Set([22, 80, 443, REPLICATION_PORT]);
const loopback = (a: string): boolean => a === '::1' || a.startsWith('127.') || a === 'localhost';

async function portItems(sys: System): Promise<AuditItem[]> {
  const l = await live(sys);
  const items: AuditItem[] = [];
  if (l.ss === undefined) {
    items.push(skip({ id: 'ports.listening', title: 'Listening sockets the policy does not expect are not reachable', evidence: 'ss -Hltnp failed', fix: 'apt-get install iproute2', seed: FW_SEED }, 'ss (iproute2) did not answer'));
  } else {
    const procs = new Map<string, string>();
    for (const line of l.ss.split('\n')) {
      const local = line.trim().split(/\s+/)[3];
      const proc = /users:\(\("([^"]+)"/.exec(line)?.[1];
      if (local !== undefined && proc !== undefined) procs.set(local, proc);
    }
    const reachable = parseSsListeners(l.ss).filter((s) => !loopback(s.address) && !EXPECTED_PORTS.has(s.port)).filter((s) => {
      const view = s.address.includes(':') && s.address !== '0.0.0.0' ? l.rules.v6 : l.rules.v4;
      return view.dropBy === undefined || openTo(view, s.port) !== undefined;
    });
    const text = [...new Set(reachable.map((s) => `${s.address}:${s.port}${procs.get(`${s.address.includes(':') ? `[${s.address}]` : s.address}:${s.port}`) !== undefined ? ` (${procs.get(`${s.address.includes(':') ? `[${s.address}]` : s.address}:${s.port}`)})` : ''}`))];
    items.push(verdict(reachable.length === 0, {
      id: 'ports.listening',
      title: 'Listening sockets the policy does not expect are not reachable',
      evidence: reachable.length > 0 ? `ss -Hltnp${l.note}: reachable and not 22/80/443/6984: ${text.join(', ')}` : `ss -Hltnp${l.note}: ${parseSsListeners(l.ss).length} listening socket(s); none unexpected is reachable`,
      fix: 'Stop the service, bind it to 127.0.0.1, or run lockstep firewall (it drops what the policy does not open)',
      seed: FW_SEED,
    }, 'warn'));
  }
  if (l.docker === undefined) {
    items.push(pass({ id: 'ports.docker', title: "Docker's published ports follow the policy", evidence: `no Docker here (no DOCKER chains, no /var/run/docker.sock)${l.note}`, fix: 'lockstep firewall --backend iptables', seed: FW_SEED }));
  } else {
    const filtered = /^-A DOCKER-USER .*--ctstate DNAT .*-j DROP/m.test(l.iptables ?? '');
    items.push((filtered ? pass : fail)({ id: 'ports.docker', title: "Docker's published ports follow the policy", evidence: `${l.docker}; DOCKER-USER ${filtered ? 'drops published ports the policy does not open' : 'does not filter published ports: they bypass the INPUT policy'}${l.note}`, fix: 'lockstep firewall --backend iptables (filters them in DOCKER-USER)', seed: FW_SEED }));
  }
  return items;
}

export const firewallChecks: CheckGroup = { prefix: 'firewall', title: 'Firewall', run: ({ sys }) => firewallItems(sys) };
export const portsChecks: CheckGroup = { prefix: 'ports', title: 'Listening ports', run: ({ sys }) => portItems(sys) };
