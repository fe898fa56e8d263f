// `lockstep firewall`: the seed's policy with nftables, iptables or ufw, applied with a rollback
// that restores the previous rules unless the operator confirms (`lockstep firewall confirm`)
// in time. The backends' plans are backend-plans.ts and ufw-commands.ts.
import { readFile } from 'node:fs/promises';
import { UserError } from '../core/errors.js';
import type { Check } from '../core/events.js';
import type { Answers, Question } from '../core/questions.js';
import type { Need, Step } from '../core/step.js';
import type { System } from '../core/system.js';
import { networkNamespace } from '../core/sandbox.js';
import { readPlatform, type Platform } from '../platform/distribution.js';
import { otherTables, TABLE } from './nft-ruleset.js';
import { loadedPolicyChecks } from './firewall-checks.js';
import {
  allows, buildPolicy, checkAddressList, checkAllowList, items, parseAllow, parseSshConnection, parseSsListeners, policyTable, wouldClose,
  type AllowSpec, type Listener, type Policy, type SshClient,
} from './policy.js';
import { detectBackend, dockerEvidence, type Detected } from './detect.js';
import { UFW_CONF, UFW_DEFAULTS, ufwPlan } from './ufw-commands.js';
import { PENDING, readPending, STATE_DIR, type Backend, type PendingState } from './rollback.js';
import { iptablesPlan, nftPlan, NFT_DROPIN, NFTABLES_CONF, RULES_V4, RULES_V6 } from './backend-plans.js';

export interface FirewallFacts {
  readonly sshClient?: SshClient;
  readonly listeners: readonly Listener[];
  /** `nft list ruleset` now, undefined when nft is missing. */
  readonly ruleset?: string;
  /** `iptables-save` now, undefined when iptables is missing. */
  readonly iptables?: string;
  readonly pending: PendingState;
  /** ENABLED=yes in /etc/ufw/ufw.conf; undefined when ufw is not installed. */
  readonly ufwEnabled?: boolean;
  /** IPV6=yes in /etc/default/ufw (ufw then writes the same rules for IPv6). */
  readonly ufwIpv6?: boolean;
  /** Why Docker is thought present, undefined when it is not. */
  readonly docker?: string;
  readonly platform: Platform;
  /**
   * Whose kernel firewall the rules would go into: `root` (--root /, this machine's), `netns`
   * (a --root sandbox inside a network namespace of its own), `host` (a sandbox in this
   * machine's namespace: refused without --live-firewall), `unknown` (/proc cannot tell: the same).
   */
  readonly live: 'root' | 'netns' | 'host' | 'unknown' | 'targets';
  /** /etc/nftables.conf now (lockstep adds one include line to it, never replaces it). */
  readonly nftablesConf?: string;
}

/** What the preview says about the firewall the rules go into. */
export function liveFirewallNote(facts: FirewallFacts, answers: Answers): string {
  switch (facts.live) {
    case 'root':
      return 'Live firewall: this machine\'s (--root /).';
    case 'targets':
      return 'Live firewall: each target\'s, where the exported plan runs (--root is the model machine).';
    case 'netns':
      return 'Live firewall: the network namespace lockstep runs in, not the host\'s (its /proc/self/ns/net is another one); --root sandboxes the files.';
    default:
      return answers.liveFirewall === true
        ? 'Live firewall: THIS MACHINE\'S, although --root is a sandbox (--live-firewall given).'
        : 'Live firewall: this machine\'s, although --root is a sandbox: refused without --live-firewall.';
  }
}

export const firewallQuestions: readonly Question[] = [
  {
    kind: 'select',
    id: 'backend',
    message: 'Firewall backend',
    default: 'auto',
    choices: [
      { value: 'auto', label: 'detect', hint: 'the one in use: ufw enabled, else iptables rules loaded, else nftables' },
      { value: 'nft', label: 'nftables', hint: 'Debian 10+ and Ubuntu 20.04+ default' },
      { value: 'iptables', label: 'iptables + ip6tables', hint: 'persisted in /etc/iptables/rules.v4 and rules.v6 (iptables-persistent)' },
      { value: 'ufw', label: 'ufw', hint: 'Ubuntu\'s default front end; rules kept in /etc/ufw, enabled at boot' },
    ],
  },
  {
    kind: 'cidrs',
    id: 'sshFrom',
    message: 'Addresses or ranges allowed to reach SSH (port 22)',
    help: 'Comma list of CIDRs. 0.0.0.0/0,::/0 means anyone; your own SSH client must be inside, or the plan is refused.',
    default: ['0.0.0.0/0', '::/0'],
  },
  {
    kind: 'text',
    id: 'replicationPeers',
    repeatable: true,
    message: 'CouchDB replication peers allowed to reach port 6984 (none keeps it closed)',
    help: 'Only when this server replicates with a central server, or is the central server: the peers\' addresses or ranges.',
    default: 'none',
    validate: (v) => checkAddressList(v),
  },
  {
    kind: 'text',
    id: 'allow',
    repeatable: true,
    message: 'Other ports to open, as PORT/PROTO:reason (none for no others)',
    help: 'e.g. 8443/tcp:admin console. Opened to anyone; each needs a reason the preview shows.',
    default: 'none',
    validate: (v) => checkAllowList(v),
  },
  {
    kind: 'confirm',
    id: 'liveFirewall',
    message: 'Load the rules into this machine\'s live firewall although --root is a sandbox?',
    help: 'Only with a --root other than /: the files go under --root, but the kernel firewall is the one lockstep runs in. Without this, a sandbox run outside a network namespace of its own is refused.',
    default: false,
    unasked: true,
  },
  {
    kind: 'integer',
    id: 'confirmTimeout',
    message: 'Seconds to confirm you can still connect before the old rules come back',
    help: 'Run "lockstep firewall confirm" from a new SSH session within this time. 0 turns the rollback off.',
    default: 120,
    min: 0,
    max: 3600,
    unit: 's',
  },
];

export function policyOf(answers: Answers): Policy {
  const allow = items(answers.allow as string | undefined).map((t) => parseAllow(t) as AllowSpec);
  try {
    return buildPolicy({
      sshFrom: (answers.sshFrom as readonly string[] | undefined) ?? [],
      replicationPeers: items(answers.replicationPeers as string | undefined),
      allow,
    });
  } catch (error) {
    throw new UserError(`Conflicting answers: ${(error as Error).message}`, 'Drop the --allow entry, or widen --ssh-from / --replication-peers instead.');
  }
}

/** The backend this run uses: the one asked for, else the one detected. */
export function backendOf(answers: Answers, facts: FirewallFacts): Detected {
  const asked = answers.backend as Backend | 'auto' | undefined;
  if (asked !== undefined && asked !== 'auto') return { backend: asked, why: 'chosen with --backend' };
  return detectBackend(facts);
}

async function readKey(file: string, key: string): Promise<string | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  return text?.match(new RegExp(`^${key}=["']?([^"'\\s]*)`, 'm'))?.[1];
}

async function capture(sys: System, argv: readonly string[]): Promise<string | undefined> {
  const r = await sys.probe(argv);
  return r.exitCode === 0 ? r.stdout : undefined;
}

/** Why `backend` cannot be used here, with how to get it; undefined when it can. One truth for needs() and plan(). */
function unusable(backend: Backend, t: { readonly ruleset?: string; readonly iptables?: string; readonly ufwEnabled?: boolean }): Need | undefined {
  if (backend === 'ufw' && t.ufwEnabled === undefined) return { missing: 'ufw is not installed', how: 'Install it (apt-get install ufw), or choose --backend nft or iptables' };
  if (backend === 'nft' && t.ruleset === undefined) return { missing: 'nft is not available (or cannot read the ruleset)', how: 'Install it: apt-get install nftables (run as root)' };
  if (backend === 'iptables' && t.iptables === undefined) return { missing: 'iptables is not available (or cannot read the rules)', how: 'Install it: apt-get install iptables (run as root)' };
  return undefined;
}

/** A change still waiting for its confirmation: nothing else may be planned over it. */
function waiting(pending: PendingState): Need | undefined {
  if (!pending.pending || pending.pid === undefined) return undefined;
  return {
    missing: `a firewall change is still waiting for confirmation (rollback timer pid ${pending.pid})`,
    how: 'Run "lockstep firewall confirm" to keep it, or wait for the rollback, then run this again',
  };
}

function sshGuard(policy: Policy, client: SshClient | undefined): string | undefined {
  if (client === undefined) return undefined;
  if (allows(policy, client.address, client.serverPort)) return undefined;
  return `Refusing a plan that would cut your own SSH session: your client ${client.address} (SSH_CONNECTION) could no longer reach port ${client.serverPort}.`;
}

export const firewallStep: Step<FirewallFacts> = {
  id: 'firewall',
  title: 'Firewall',
  description: 'Inbound dropped by default; 80/443 open, SSH from your ranges, CouchDB 6984 only to replication peers. Applied with an automatic rollback unless you confirm.',
  questions: firewallQuestions,

  async needs(preset, sys) {
    const pending = waiting(await readPending(sys));
    if (pending !== undefined) return [pending];
    const asked = preset.backend as Backend | 'auto' | undefined;
    const [ruleset, iptables, ufw] = await Promise.all([capture(sys, ['nft', 'list', 'ruleset']), capture(sys, ['iptables-save']), capture(sys, ['sh', '-c', 'command -v ufw'])]);
    const haveUfw = ufw !== undefined;
    const tools = { ...(ruleset !== undefined ? { ruleset } : {}), ...(iptables !== undefined ? { iptables } : {}), ...(haveUfw ? { ufwEnabled: false } : {}) };
    if (asked !== undefined && asked !== 'auto') return [unusable(asked, tools)].filter((n): n is Need => n !== undefined);
    if (ruleset !== undefined || iptables !== undefined || haveUfw) return [];
    return [{ missing: 'no firewall here: neither nft, iptables-save nor ufw can be run', how: 'Install nftables (apt-get install nftables) and run lockstep as root' }];
  },

  async facts(_answers: Answers, sys: System): Promise<FirewallFacts> {
    const client = parseSshConnection(process.env.SSH_CONNECTION);
    const ss = await capture(sys, ['ss', '-Hltn']);
    const ruleset = await capture(sys, ['nft', 'list', 'ruleset']);
    const iptables = await capture(sys, ['iptables-save']);
    // ufw reads the real /etc/ufw whatever --root says; so does this.
    const haveUfw = (await capture(sys, ['sh', '-c', 'command -v ufw'])) !== undefined;
    const ufwEnabled = haveUfw ? (await readKey(UFW_CONF, 'ENABLED')) === 'yes' : undefined;
    const ufwIpv6 = haveUfw ? (await readKey(UFW_DEFAULTS, 'IPV6')) === 'yes' : undefined;
    const docker = dockerEvidence(iptables, ruleset, (await sys.stat('/var/run/docker.sock')) !== undefined);
    return {
      ...(docker !== undefined ? { docker } : {}),
      ...(ufwEnabled !== undefined ? { ufwEnabled } : {}),
      ...(ufwIpv6 !== undefined ? { ufwIpv6 } : {}),
      ...(iptables !== undefined ? { iptables } : {}),
      ...(client ? { sshClient: client } : {}),
      listeners: parseSsListeners(ss ?? ''),
      ...(ruleset !== undefined ? { ruleset } : {}),
      pending: await readPending(sys),
      platform: await readPlatform(sys),
      ...(await sys.readText(NFTABLES_CONF).then((t) => (t !== undefined ? { nftablesConf: t } : {}))),
      live: sys.model ? 'targets' : sys.root === '/' ? 'root' : ({ own: 'netns', host: 'host', unknown: 'unknown' } as const)[(await networkNamespace()) ?? 'unknown'],
    };
  },

  plan(answers, facts) {
    if ((facts.live === 'host' || facts.live === 'unknown') && answers.liveFirewall !== true) {
      throw new UserError(
        `This --root is a sandbox for files, but the firewall rules would go into this machine's live kernel firewall (lockstep runs in ${facts.live === 'host' ? "the host's network namespace" : 'a network namespace it cannot tell apart from the host\'s'}); nothing was changed.`,
        'Run it inside a network namespace of its own (unshare -rn, ip netns exec NS), or pass --live-firewall if you mean this machine\'s firewall.',
      );
    }
    const policy = policyOf(answers);
    const cut = sshGuard(policy, facts.sshClient);
    if (cut !== undefined) {
      throw new UserError(cut, `Add your address to --ssh-from (e.g. --ssh-from ${facts.sshClient!.address}${facts.sshClient!.address.includes(':') ? '/128' : '/32'}), or run this from a host inside the range.`);
    }
    const { backend } = backendOf(answers, facts);
    // ufw keeps its rules in this machine's /etc/ufw whatever --root says (and enables itself there at boot).
    if (backend === 'ufw' && (facts.live === 'netns' || facts.live === 'host' || facts.live === 'unknown') && answers.liveFirewall !== true) {
      throw new UserError(
        `ufw keeps its rules in this machine's /etc/ufw (and enables itself there at boot) whatever --root says: a sandbox run would change them; nothing was changed.`,
        'Choose --backend nft or iptables for a sandbox, or pass --live-firewall if this machine\'s /etc/ufw is meant (or is a copy in a mount namespace of your own).',
      );
    }
    const missing = unusable(backend, facts);
    // Starts with the tool's name, which keeps its lower case.
    if (missing !== undefined) throw new UserError(`${missing.missing}.`, `${missing.how}.`);
    if (backend === 'ufw' && facts.ufwIpv6 !== true) {
      throw new UserError(`ufw would filter IPv4 only: ${UFW_DEFAULTS} does not say IPV6=yes.`, `Set IPV6=yes in ${UFW_DEFAULTS}, then run this again.`);
    }
    if (facts.docker !== undefined && backend !== 'iptables') {
      throw new UserError(
        `Docker is here (${facts.docker}): it publishes container ports with its own iptables rules (a DNAT, then FORWARD), which never cross ${backend === 'ufw' ? "ufw's" : 'an nftables'} input rules, so a CouchDB container publishing 6984 would stay open to anyone.`,
        'Use --backend iptables: lockstep then keeps Docker\'s chains and filters published ports in DOCKER-USER with the same policy.',
      );
    }
    const pending = waiting(facts.pending);
    // The need's own words, as a sentence of their own ("a firewall change …" → "A firewall change …").
    if (pending !== undefined) throw new UserError(`A${pending.missing.slice(1)}.`, `${pending.how}.`);
    const timeout = answers.confirmTimeout as number;
    if (backend === 'iptables') return iptablesPlan(policy, timeout, facts.docker !== undefined);
    if (backend === 'ufw') return ufwPlan(policy, timeout);
    return nftPlan(policy, timeout, facts.nftablesConf);
  },

  async verify(answers, sys) {
    const policy = policyOf(answers);
    const checks: Check[] = [];
    const backend = answers.backend === 'auto' || answers.backend === undefined ? (await readPending(sys)).backend : answers.backend;
    checks.push(...(await loadedPolicyChecks(sys, (backend ?? 'nft') as Backend)));
    const client = parseSshConnection(process.env.SSH_CONNECTION);
    if (client !== undefined) {
      checks.push({ name: 'your SSH client is still allowed', ok: allows(policy, client.address, client.serverPort), evidence: `${client.address} → port ${client.serverPort}` });
    }
    if ((answers.confirmTimeout as number) > 0) {
      const state = await readPending(sys);
      checks.push({
        name: 'the rollback timer is armed',
        ok: state.pending && state.pid !== undefined,
        evidence: state.pid !== undefined ? `pid ${state.pid}, ${sys.real(PENDING)} present` : 'no running timer',
      });
    }
    return checks;
  },

  summary(answers) {
    const t = answers.confirmTimeout as number;
    const kept = { nft: `${NFT_DROPIN} (included from ${NFTABLES_CONF})`, iptables: `${RULES_V4} and ${RULES_V6}`, ufw: '/etc/ufw (ufw enabled at boot)', auto: `${NFTABLES_CONF}, ${RULES_V4} or /etc/ufw (the detected backend's)` }[
      (answers.backend as Backend | 'auto' | undefined) ?? 'auto'
    ];
    if (t === 0) return [`The new ruleset is loaded and persisted in ${kept}. No rollback was armed (--confirm-timeout 0).`];
    return [
      `The new ruleset is loaded. The previous one comes back in ${t} s unless you confirm.`,
      'Open a NEW SSH session to this server; if it connects, run there: lockstep firewall confirm',
      `Confirming keeps the ruleset in ${kept}. Doing nothing restores the old rules (saved in ${STATE_DIR}).`,
    ];
  },

  recap(answers, facts) {
    const t = answers.confirmTimeout as number;
    return [
      ...policyTable(policyOf(answers)),
      facts.sshClient ? `Your SSH client ${facts.sshClient.address} stays allowed.` : 'Not run over SSH: no client address to check.',
      t > 0 ? `The previous rules come back after ${t} s unless you confirm.` : 'No rollback (--confirm-timeout 0): the rules are kept at once.',
    ];
  },

  notes(answers, facts) {
    const policy = policyOf(answers);
    const { backend, why } = backendOf(answers, facts);
    const notes = [`Backend: ${backend} (${answers.backend === 'auto' || answers.backend === undefined ? `detected: ${why}` : why}).`, liveFirewallNote(facts, answers)];
    if (backend === 'iptables' && facts.docker !== undefined) {
      notes.push(`Docker is here (${facts.docker}): its chains and nat rules stay (iptables-restore --noflush); ports it publishes get the same policy in DOCKER-USER, and any other published port is dropped.`);
    }
    if (backend === 'ufw') {
      notes.push('ufw works on the real /etc/ufw (not under --root); ufw --force reset keeps the old rule files as *.rules.<date>.');
      const foreign = (facts.iptables ?? '').split('\n').filter((l) => /^-A INPUT /.test(l) && !/ -j ufw/.test(l));
      if (foreign.length > 0) notes.push(`ufw leaves rules it did not write in INPUT, and they still apply: ${foreign.join('; ')}`);
    }
    notes.push('What will be open:', ...policyTable(policy).map((l) => `  ${l}`));
    const closing = wouldClose(policy, facts.listeners);
    notes.push(closing.length > 0 ? 'Listening now (ss -ltn) and affected by this policy:' : 'Nothing listening now (ss -ltn) would be closed.');
    notes.push(...closing.map((l) => `  ${l}`));
    notes.push(
      facts.sshClient
        ? `Your SSH client ${facts.sshClient.address} stays allowed to port ${facts.sshClient.serverPort}.`
        : 'Not run over SSH (no SSH_CONNECTION): the lock-out guard has no client address to check.',
    );
    if (backend === 'nft') {
      const tables = otherTables(facts.ruleset);
      notes.push(
        tables.length > 0
          ? `Only table inet ${TABLE} is replaced (and rolled back); these tables stay as they are: ${tables.join(', ')}.`
          : `Only table inet ${TABLE} is replaced (and rolled back); no other table is loaded now.`,
      );
    }
    return notes;
  },
};
