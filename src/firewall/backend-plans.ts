// The plans that apply a policy with nftables or iptables: the new rules written and checked
// first, the current ones saved, the detached rollback armed, and only then the new rules
// loaded (or, with --confirm-timeout 0, persisted and loaded at once). ufw's is ufw-commands.ts.
import { p, type Action } from '../core/actions.js';
import { iptablesRules } from './iptables-rules.js';
import { nftRuleset, SAVE_OWN_TABLE, TABLE } from './nft-ruleset.js';
import type { Policy } from './policy.js';
import {
  APPLIED, APPLIED_V4, APPLIED_V6, BACKEND_FILE, PENDING, PREVIOUS, PREVIOUS_V4, PREVIOUS_V6, rollbackScript, ROLLBACK_DEADLINE, ROLLBACK_SCRIPT, ROLLBACK_SH, STATE_DIR,
} from './rollback.js';

export const NFTABLES_CONF = '/etc/nftables.conf';
/** lockstep's table at boot: a file of its own, included from nftables.conf, so the operator's other tables there stay. */
export const NFT_DROPIN = '/etc/nftables.d/lockstep.nft';
const NFT_INCLUDE = `include "${NFT_DROPIN}"`;

/** Whether nftables.conf (its text) already loads lockstep's file at boot. */
export const includesNftDropin = (conf: string | undefined): boolean => conf !== undefined && conf.split('\n').some((l) => l.trim() === NFT_INCLUDE);

/**
 * Keeps lockstep's table at boot without replacing the operator's /etc/nftables.conf: the table
 * in its own file, and one include line added to nftables.conf (made when there is none).
 */
export function persistNft(ruleset: string, conf: string | undefined, why: string): Action[] {
  const actions: Action[] = [
    { kind: 'mkdir', title: 'Create /etc/nftables.d', path: '/etc/nftables.d', mode: 0o755 },
    { kind: 'write', title: `Persist table inet ${TABLE} in ${NFT_DROPIN} (${why})`, path: NFT_DROPIN, content: ruleset, mode: 0o644 },
  ];
  if (conf === undefined) {
    actions.push({ kind: 'write', title: `Create ${NFTABLES_CONF} loading it at boot (nftables.service)`, path: NFTABLES_CONF, content: `#!/usr/sbin/nft -f\n# Loaded at boot by nftables.service.\n${NFT_INCLUDE}\n`, mode: 0o755 });
  } else if (!includesNftDropin(conf)) {
    actions.push({
      kind: 'edit',
      title: `Load it at boot: one include line at the end of ${NFTABLES_CONF}`,
      path: NFTABLES_CONF,
      before: conf,
      after: `${conf.replace(/\n*$/, '\n')}# lockstep's own table (lockstep firewall); the rest of this file is yours.\n${NFT_INCLUDE}\n`,
      changes: [`adds ${NFT_INCLUDE}; everything else in the file stays`],
    });
  }
  return actions;
}
export const RULES_V4 = '/etc/iptables/rules.v4';
export const RULES_V6 = '/etc/iptables/rules.v6';

export function nftPlan(policy: Policy, timeout: number, nftablesConf?: string): Action[] {
  const common: Action[] = [
    { kind: 'mkdir', title: `Create ${STATE_DIR}`, path: STATE_DIR, mode: 0o700 },
    { kind: 'write', title: 'Record the backend for "firewall confirm"', path: BACKEND_FILE, content: 'nft\n', mode: 0o600 },
    { kind: 'write', title: 'Write the new ruleset', path: APPLIED, content: nftRuleset(policy), mode: 0o600 },
    { kind: 'run', title: 'Check the ruleset with nft (changes nothing)', argv: ['nft', '-c', '-f', p(APPLIED)] },
  ];
  if (timeout === 0) {
    return [
      ...common,
      ...persistNft(nftRuleset(policy), nftablesConf, 'no rollback: --confirm-timeout 0'),
      // Not nftables.conf: a distribution's starts with "flush ruleset".
      { kind: 'run', title: `Load the new ruleset (replaces table inet ${TABLE} only)`, argv: ['nft', '-f', p(NFT_DROPIN)] },
    ];
  }
  return [
    ...common,
    { kind: 'run', title: `Save lockstep's table as it is now (table inet ${TABLE}; nothing if absent) for the rollback`, argv: ['sh', '-c', SAVE_OWN_TABLE], stdoutTo: { path: PREVIOUS, mode: 0o600 } },
    { kind: 'write', title: 'Write the rollback timer', path: ROLLBACK_SCRIPT, content: ROLLBACK_SH, mode: 0o700 },
    { kind: 'write', title: 'Mark the change as waiting for confirmation', path: PENDING, content: `confirm-timeout ${timeout}\n`, mode: 0o600 },
    { kind: 'run', title: `Arm the rollback: the previous ruleset returns in ${timeout} s unless confirmed`, argv: [p(ROLLBACK_SCRIPT), String(timeout)], deadline: ROLLBACK_DEADLINE(timeout) },
    { kind: 'run', title: `Load the new ruleset (replaces table inet ${TABLE} only)`, argv: ['nft', '-f', p(APPLIED)] },
  ];
}

export function iptablesPlan(policy: Policy, timeout: number, docker: boolean): Action[] {
  const v4 = iptablesRules(policy, 4, docker);
  const v6 = iptablesRules(policy, 6, docker);
  // With Docker, only INPUT and DOCKER-USER are replaced: its other chains and nat rules stay.
  const keep = docker ? ['--noflush'] : [];
  const common: Action[] = [
    { kind: 'mkdir', title: `Create ${STATE_DIR}`, path: STATE_DIR, mode: 0o700 },
    { kind: 'write', title: 'Record the backend for "firewall confirm"', path: BACKEND_FILE, content: 'iptables\n', mode: 0o600 },
    { kind: 'write', title: 'Write the new IPv4 rules', path: APPLIED_V4, content: v4, mode: 0o600 },
    { kind: 'write', title: 'Write the new IPv6 rules', path: APPLIED_V6, content: v6, mode: 0o600 },
    { kind: 'run', title: 'Check the IPv4 rules (iptables-restore --test)', argv: ['iptables-restore', '--test', ...keep, p(APPLIED_V4)] },
    { kind: 'run', title: 'Check the IPv6 rules (ip6tables-restore --test)', argv: ['ip6tables-restore', '--test', ...keep, p(APPLIED_V6)] },
  ];
  const load: Action[] = [
    { kind: 'run', title: 'Load the new IPv4 rules', argv: ['iptables-restore', ...keep, p(APPLIED_V4)] },
    { kind: 'run', title: 'Load the new IPv6 rules', argv: ['ip6tables-restore', ...keep, p(APPLIED_V6)] },
  ];
  if (timeout === 0) {
    return [
      ...common,
      { kind: 'mkdir', title: 'Create /etc/iptables', path: '/etc/iptables', mode: 0o755 },
      { kind: 'write', title: `Persist the IPv4 rules in ${RULES_V4} (no rollback: --confirm-timeout 0)`, path: RULES_V4, content: v4, mode: 0o640 },
      { kind: 'write', title: `Persist the IPv6 rules in ${RULES_V6}`, path: RULES_V6, content: v6, mode: 0o640 },
      ...load,
    ];
  }
  return [
    ...common,
    { kind: 'run', title: 'Save the current IPv4 rules for the rollback', argv: ['iptables-save'], stdoutTo: { path: PREVIOUS_V4, mode: 0o600 } },
    { kind: 'run', title: 'Save the current IPv6 rules for the rollback', argv: ['ip6tables-save'], stdoutTo: { path: PREVIOUS_V6, mode: 0o600 } },
    { kind: 'write', title: 'Write the rollback timer', path: ROLLBACK_SCRIPT, content: rollbackScript('iptables'), mode: 0o700 },
    { kind: 'write', title: 'Mark the change as waiting for confirmation', path: PENDING, content: `confirm-timeout ${timeout}\n`, mode: 0o600 },
    { kind: 'run', title: `Arm the rollback: the previous rules return in ${timeout} s unless confirmed`, argv: [p(ROLLBACK_SCRIPT), String(timeout)], deadline: ROLLBACK_DEADLINE(timeout) },
    ...load,
  ];
}

