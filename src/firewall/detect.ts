// Which firewall the server already uses, from what the facts read: lockstep works with it
// rather than loading a second one beside it.
import { defaultFirewall } from '../platform/conventions.js';
import type { Platform } from '../platform/distribution.js';
import type { Backend } from './rollback.js';

export interface DetectFacts {
  /** `nft list ruleset`, undefined when nft is missing. */
  readonly ruleset?: string;
  /** `iptables-save`, undefined when iptables is missing. */
  readonly iptables?: string;
  /** ENABLED=yes in /etc/ufw/ufw.conf; undefined when ufw is not installed. */
  readonly ufwEnabled?: boolean;
  /** Why Docker is thought present (its chains, its socket), undefined when it is not. */
  readonly docker?: string;
  /** The target's distribution: with nothing loaded, its own front end is preferred. */
  readonly platform?: Platform;
}

export interface Detected {
  readonly backend: Backend;
  readonly why: string;
}

/** Rules iptables(-nft) holds beyond empty built-in chains with an ACCEPT policy. */
function iptablesInUse(save: string | undefined): boolean {
  if (save === undefined) return false;
  return /^-A /m.test(save) || /^:(INPUT|FORWARD|OUTPUT) (DROP|REJECT)/m.test(save) || /^:(?!INPUT |FORWARD |OUTPUT |PREROUTING |POSTROUTING )\S+ /m.test(save);
}

export function detectBackend(facts: DetectFacts): Detected {
  if (facts.ufwEnabled === true) return { backend: 'ufw', why: 'ufw is enabled (ENABLED=yes in /etc/ufw/ufw.conf)' };
  if (facts.docker !== undefined) return { backend: 'iptables', why: `Docker is here (${facts.docker}); its published ports can only be filtered in its iptables DOCKER-USER chain` };
  if (iptablesInUse(facts.iptables)) return { backend: 'iptables', why: 'iptables rules are loaded (iptables-save lists rules or a DROP policy)' };
  const tables = [...(facts.ruleset ?? '').matchAll(/^table (\S+ \S+)/gm)].map((m) => m[1]);
  if (tables.length > 0) return { backend: 'nft', why: `an nftables ruleset is loaded (${tables.join(', ')})` };
  const native = facts.platform !== undefined ? defaultFirewall(facts.platform) : undefined;
  if (native?.frontEnd === 'ufw' && facts.ufwEnabled !== undefined) return { backend: 'ufw', why: `no firewall is loaded; ${native.why}, and it is installed` };
  if (facts.ruleset !== undefined) return { backend: 'nft', why: 'no firewall is loaded; nftables is the default on Debian 10+ and Ubuntu 20.04+' };
  if (facts.iptables !== undefined) return { backend: 'iptables', why: 'no firewall is loaded and nft is not installed; iptables is' };
  if (facts.ufwEnabled !== undefined) return { backend: 'ufw', why: 'ufw is installed (disabled); nft and iptables are not usable' };
  return { backend: 'nft', why: 'no firewall tool answered; nftables is the default' };
}

/** Docker's traces: its chains in iptables or nft, or its socket under --root. */
export function dockerEvidence(iptables: string | undefined, ruleset: string | undefined, socket: boolean): string | undefined {
  if (/^:DOCKER-USER /m.test(iptables ?? '')) return 'the DOCKER-USER chain exists';
  if (/^:DOCKER /m.test(iptables ?? '')) return 'the DOCKER chain exists';
  if (/docker/i.test(ruleset ?? '')) return 'the nft ruleset mentions docker';
  if (socket) return '/var/run/docker.sock exists';
  return undefined;
}
