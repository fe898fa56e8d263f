// What the loaded firewall lets in, read from the running kernel (nft list ruleset, iptables-save,
// ip6tables-save): per address family, whether inbound is dropped by default and which TCP ports
// input accepts from whom. A reading of the common shapes (lockstep's own rules, ufw's chains,
// plain `dport N accept` rules), not a packet-filter emulator: what it cannot read it leaves out.
export type Family = 4 | 6;

export interface OpenPort {
  readonly port: number;
  /** Empty: from anywhere. */
  readonly sources: readonly string[];
  /** What accepted it, for evidence ("nft inet lockstep", "iptables INPUT"). */
  readonly by: string;
}

export interface FamilyView {
  /** Where the drop policy is, undefined when no input chain drops by default. */
  readonly dropBy?: string;
  readonly open: readonly OpenPort[];
}

export interface LiveRules {
  readonly v4: FamilyView;
  readonly v6: FamilyView;
}

const ANY = new Set(['0.0.0.0/0', '::/0']);

const portsOf = (text: string): number[] => {
  const set = /\bdports?\s+\{\s*([^}]*)\}/.exec(text) ?? /\bdports?\s+([0-9][0-9,-]*)/.exec(text) ?? /--dports?\s+([0-9][0-9,:]*)/.exec(text);
  if (set === null) return [];
  return set[1]!.split(/[\s,]+/).filter((p) => /^[0-9]+$/.test(p)).map(Number);
};

interface Acc {
  drop: Partial<Record<Family, string>>;
  open: Record<Family, OpenPort[]>;
}

function nftInto(ruleset: string, acc: Acc): void {
  let families: Family[] = [];
  let table = '';
  let chain: { input: boolean; lines: string[] } | undefined;
  const finish = (): void => {
    if (chain === undefined || !chain.input) return;
    for (const line of chain.lines) {
      if (!/\baccept\b/.test(line) || !/\btcp\b.*\bdport\b/.test(line) || /\biifname?\b/.test(line)) continue;
      const v4 = /\bip saddr\s+(\{[^}]*\}|\S+)/.exec(line)?.[1];
      const v6 = /\bip6 saddr\s+(\{[^}]*\}|\S+)/.exec(line)?.[1];
      const list = (s: string): string[] => s.replace(/[{}]/g, '').split(/[\s,]+/).filter((x) => x !== '');
      // Any ip / ip6 match (saddr, daddr, nfproto) keeps a rule of an inet table to that family.
      const only4 = /\bip (saddr|daddr)\b|nfproto ipv4/.test(line);
      const only6 = /\bip6 (saddr|daddr)\b|nfproto ipv6/.test(line);
      for (const f of families) {
        if ((f === 4 && only6) || (f === 6 && only4)) continue;
        const src = f === 4 ? v4 : v6;
        for (const port of portsOf(line)) acc.open[f].push({ port, sources: src === undefined ? [] : list(src).filter((s) => !ANY.has(s)), by: `nft ${table}` });
      }
    }
  };
  for (const raw of ruleset.split('\n')) {
    const line = raw.trim();
    const t = /^table (inet|ip|ip6) (\S+) \{/.exec(line);
    if (t !== null) {
      finish();
      chain = undefined;
      families = t[1] === 'inet' ? [4, 6] : t[1] === 'ip' ? [4] : [6];
      table = `${t[1]} ${t[2]}`;
      continue;
    }
    if (/^table /.test(line)) {
      families = [];
      continue;
    }
    if (/^chain \S+ \{/.test(line)) {
      finish();
      chain = { input: false, lines: [] };
      continue;
    }
    if (chain === undefined) continue;
    if (/type filter hook input\b/.test(line)) {
      chain.input = true;
      if (/policy drop/.test(line)) for (const f of families) acc.drop[f] ??= `nft ${table} (policy drop)`;
      continue;
    }
    chain.lines.push(line);
  }
  finish();
}

/** iptables-save / ip6tables-save: the INPUT policy, and ACCEPT rules of INPUT and ufw's input chains. */
function iptablesInto(save: string, f: Family, acc: Acc): void {
  const tool = f === 4 ? 'iptables' : 'ip6tables';
  let filter = false;
  for (const line of save.split('\n')) {
    if (line.startsWith('*')) filter = line === '*filter';
    if (!filter) continue;
    if (/^:INPUT DROP\b/.test(line)) acc.drop[f] ??= `${tool} INPUT (policy DROP)`;
    const m = /^-A (INPUT|ufw6?-user-input|ufw6?-before-input)\s(.*)$/.exec(line);
    if (m === null || !/-j ACCEPT\b/.test(m[2]!) || !/-p tcp\b/.test(m[2]!) || /\s-i lo\b/.test(m[2]!)) continue;
    const src = /(?:^|\s)-s (\S+)/.exec(m[2]!)?.[1];
    for (const port of portsOf(m[2]!)) acc.open[f].push({ port, sources: src === undefined || ANY.has(src) ? [] : [src], by: `${tool} ${m[1]}` });
  }
}

export function liveRules(o: { readonly nft?: string; readonly iptables?: string; readonly ip6tables?: string }): LiveRules {
  const acc: Acc = { drop: {}, open: { 4: [], 6: [] } };
  if (o.nft !== undefined) nftInto(o.nft, acc);
  if (o.iptables !== undefined) iptablesInto(o.iptables, 4, acc);
  if (o.ip6tables !== undefined) iptablesInto(o.ip6tables, 6, acc);
  const view = (f: Family): FamilyView => ({ ...(acc.drop[f] !== undefined ? { dropBy: acc.drop[f] } : {}), open: acc.open[f] });
  return { v4: view(4), v6: view(6) };
}

/** The sources a port is open to in one family: undefined closed, [] anyone. */
export function openTo(view: FamilyView, port: number): readonly string[] | undefined {
  const rules = view.open.filter((o) => o.port === port);
  if (rules.length === 0) return undefined;
  if (rules.some((r) => r.sources.length === 0)) return [];
  return [...new Set(rules.flatMap((r) => r.sources))];
}

/** Ports open to anyone in a family (every port when inbound is not dropped: `undefined`). */
export function openToAll(view: FamilyView): number[] | undefined {
  if (view.dropBy === undefined) return undefined;
  return [...new Set(view.open.filter((o) => o.sources.length === 0).map((o) => o.port))].sort((a, b) => a - b);
}
