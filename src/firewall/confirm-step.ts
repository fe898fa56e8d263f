// `lockstep firewall confirm`: the operator could still connect, so the ruleset stays: the
// rollback timer is stopped and lockstep's table is kept at boot (/etc/nftables.d/lockstep.nft,
// included from /etc/nftables.conf, whose other content stays).
import type { Action } from '../core/actions.js';
import { UserError } from '../core/errors.js';
import type { Check } from '../core/events.js';
import type { Step } from '../core/step.js';
import type { System } from '../core/system.js';
import { includesNftDropin, NFT_DROPIN, NFTABLES_CONF, persistNft, RULES_V4, RULES_V6 } from './backend-plans.js';
import { TABLE } from './nft-ruleset.js';
import { ended, PENDING, readPending, ROLLBACK_DEADLINE, ROLLED_BACK, STATE_DIR, type PendingState } from './rollback.js';

export interface ConfirmFacts {
  readonly state: PendingState;
  readonly rolledBack: boolean;
  readonly nftablesConf?: string;
}

const CONFIRMED = `${STATE_DIR}/confirmed`;

export const firewallConfirmStep: Step<ConfirmFacts> = {
  id: 'firewall confirm',
  title: 'Keep the new firewall rules',
  description: 'Run from a new SSH session after "lockstep firewall": stops the rollback timer and keeps the rules at boot (/etc/nftables.conf, /etc/iptables/rules.v4 and rules.v6, or ufw enabled).',
  questions: [],

  async facts(_answers, sys: System): Promise<ConfirmFacts> {
    const nftablesConf = await sys.readText(NFTABLES_CONF);
    return { state: await readPending(sys), rolledBack: (await sys.stat(ROLLED_BACK)) !== undefined, ...(nftablesConf !== undefined ? { nftablesConf } : {}) };
  },

  plan(_answers, facts) {
    const { state } = facts;
    if (!state.pending) {
      throw new UserError(
        facts.rolledBack
          ? 'Too late: the rollback already restored the previous ruleset, so there is nothing to confirm.'
          : 'No firewall change is waiting for confirmation.',
        'Run "lockstep firewall" to apply the policy again.',
      );
    }
    if (state.applied === undefined && state.backend !== 'ufw') throw new UserError(`The applied ruleset is missing from ${STATE_DIR}; run "lockstep firewall" again.`);
    // The marker goes first: a timer that fires now finds nothing to roll back.
    const actions: Action[] = [
      { kind: 'move', title: 'Withdraw the pending rollback', from: PENDING, to: CONFIRMED, endsDeadline: { label: ROLLBACK_DEADLINE(0).label, message: 'The rollback is withdrawn: the new firewall rules stay.' } },
    ];
    if (state.pid !== undefined) {
      actions.push({ kind: 'run', title: `Stop the rollback timer (process group ${state.pid})`, argv: ['kill', '-TERM', '--', `-${state.pid}`] });
    }
    if (state.backend === 'ufw') return actions; // ufw enable already made it persistent
    if (state.backend === 'iptables') {
      if (state.appliedV6 === undefined) throw new UserError(`The applied IPv6 rules are missing from ${STATE_DIR}; run "lockstep firewall" again.`);
      actions.push(
        { kind: 'mkdir', title: 'Create /etc/iptables', path: '/etc/iptables', mode: 0o755 },
        { kind: 'write', title: `Persist the IPv4 rules in ${RULES_V4} (netfilter-persistent loads them at boot)`, path: RULES_V4, content: state.applied!, mode: 0o640 },
        { kind: 'write', title: `Persist the IPv6 rules in ${RULES_V6}`, path: RULES_V6, content: state.appliedV6, mode: 0o640 },
      );
      return actions;
    }
    actions.push(...persistNft(state.applied!, facts.nftablesConf, 'loaded at boot'));
    return actions;
  },

  async verify(_answers, sys) {
    const before = await readPending(sys);
    if (before.pid !== undefined) await ended(before.pid);
    const state = await readPending(sys);
    const checks: Check[] = [
      { name: 'no rollback is pending', ok: !state.pending && state.pid === undefined, evidence: state.pid !== undefined ? `timer pid ${state.pid} still runs` : 'timer stopped, marker withdrawn' },
    ];
    if (state.backend === 'iptables' || state.backend === 'ufw') {
      const rules = await sys.probe(['iptables', '-S', 'INPUT']);
      checks.push(
        { name: 'the INPUT policy is still DROP', ok: /^-P INPUT DROP$/m.test(rules.stdout), evidence: rules.stdout.split('\n')[0] ?? rules.stderr },
      );
      if (state.backend === 'ufw') {
        const conf = await sys.probe(['grep', '-x', 'ENABLED=yes', '/etc/ufw/ufw.conf']);
        checks.push({ name: 'ufw stays enabled at boot', ok: conf.exitCode === 0, evidence: '/etc/ufw/ufw.conf' });
        return checks;
      }
      checks.push(
        { name: `${RULES_V4} and ${RULES_V6} hold the confirmed rules`, ok: (await sys.readText(RULES_V4)) === state.applied && (await sys.readText(RULES_V6)) === state.appliedV6, evidence: sys.real(RULES_V4) },
      );
      return checks;
    }
    const table = await sys.probe(['nft', 'list', 'table', 'inet', TABLE]);
    const persisted = await sys.readText(NFT_DROPIN);
    const conf = await sys.readText(NFTABLES_CONF);
    checks.push(
      { name: `table inet ${TABLE} is still loaded`, ok: table.exitCode === 0, evidence: table.exitCode === 0 ? 'nft list table succeeded' : table.stderr },
      { name: `${NFT_DROPIN} holds the confirmed ruleset`, ok: persisted !== undefined && persisted === state.applied, evidence: sys.real(NFT_DROPIN) },
      { name: `${NFTABLES_CONF} loads it at boot`, ok: includesNftDropin(conf), evidence: conf === undefined ? 'missing' : `include "${NFT_DROPIN}"` },
    );
    return checks;
  },

  summary() {
    return [`The firewall rules stay, and load at boot from ${NFT_DROPIN} (included from ${NFTABLES_CONF}, nftables.service) or ${RULES_V4} / ${RULES_V6} (netfilter-persistent), whichever backend applied them.`];
  },
};
