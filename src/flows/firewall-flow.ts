// `lockstep firewall` with a person at the screen: the ruleset goes in with its rollback armed,
// then the wizard waits, with the countdown showing, for them to say they could still log in
// from a new session — and keeps the rules (`firewall confirm`). "No" brings the previous rules
// back at once; nobody answering lets the rollback restore them when the countdown ends. A script is never asked: --yes does not keep
// rules nobody checked.
import type { Sequence, Stage, StageContext } from '../core/sequence.js';
import { firewallConfirmStep } from '../firewall/confirm-step.js';
import { firewallStep } from '../firewall/firewall-step.js';
import { firewallRollbackStep } from '../firewall/rollback-step.js';
import { after, answersOf } from './stage-rules.js';

export const KEEP_RULES_UNATTENDED = 'nobody to ask: from a new SSH session, run lockstep firewall confirm before the countdown ends, or the previous rules come back';

export function keepRulesStage(firewallId = 'firewall'): Stage {
  return {
    id: 'firewall confirm',
    step: firewallConfirmStep,
    part: 'Firewall',
    when: (ctx: StageContext) => {
      const applied = after(ctx, firewallId, 'the rules');
      if (applied !== true) return applied;
      return (answersOf(ctx, firewallId).confirmTimeout as number | undefined) === 0 ? 'no rollback was armed (--confirm-timeout 0): the rules are kept already' : true;
    },
    gate: {
      question: {
        kind: 'confirm',
        id: 'keepRules',
        message: 'Keep the new firewall rules? First open a NEW SSH session to this server and check that it connects.',
        help: 'Yes keeps them (at boot too). No brings the previous rules back at once; so does no answer before the countdown ends.',
        default: false,
      },
      unattended: KEEP_RULES_UNATTENDED,
      declined: 'not kept: the previous rules were brought back at once',
      confirmsPlan: true,
      declinedStep: firewallRollbackStep,
    },
  };
}

export const firewallSequence: Sequence = {
  answers: 'flat',
  stages: async () => [{ id: 'firewall', step: firewallStep }, keepRulesStage()],
};
