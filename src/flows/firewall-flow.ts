// `lockstep firewall` with a person at the screen: the ruleset goes in with its rollback armed,
// then the wizard waits, with the countdown showing, for them to say they could still log in
// from a new session — and keeps the rules (`firewall confirm`). Nobody answering, or "no",
// lets the rollback restore the previous rules. A script is never asked: --yes does not keep
// rules nobody checked.
import type { Sequence, Stage, StageContext } from '../core/sequence.js';
import { firewallConfirmStep } from '../firewall/confirm-step.js';
import { firewallStep } from '../firewall/firewall-step.js';
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
        help: 'Yes keeps them (at boot too). No, or no answer before the countdown ends, brings the previous rules back.',
        default: false,
      },
      unattended: KEEP_RULES_UNATTENDED,
      declined: 'not kept: the previous rules come back when the countdown ends',
      confirmsPlan: true,
    },
  };
}

export const firewallSequence: Sequence = {
  answers: 'flat',
  stages: async () => [{ id: 'firewall', step: firewallStep }, keepRulesStage()],
};
