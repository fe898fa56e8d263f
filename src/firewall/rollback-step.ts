// The rollback now, not when the countdown ends: what "no" to "keep the new rules?" runs. The
// pending marker is withdrawn from the timer, the timer stopped, then the same restore it would
// have run, so the previous rules — only what lockstep changed — come back at once.
import { p, type Action } from '../core/actions.js';
import type { Check } from '../core/events.js';
import type { Step } from '../core/step.js';
import type { System } from '../core/system.js';
import { ended, PENDING, PREVIOUS, readPending, restoreCommand, ROLLBACK_DEADLINE, ROLLED_BACK, STATE_DIR, type PendingState } from './rollback.js';
import { TABLE } from './nft-ruleset.js';

export interface RollbackFacts {
  readonly state: PendingState;
}

export const firewallRollbackStep: Step<RollbackFacts> = {
  id: 'firewall rollback',
  title: 'Bring the previous firewall rules back now',
  description: 'Stops the rollback timer and restores the rules it saved, at once.',
  questions: [],

  async facts(_answers, sys: System): Promise<RollbackFacts> {
    return { state: await readPending(sys) };
  },

  plan(_answers, facts): readonly Action[] {
    const { state } = facts;
    if (!state.pending) return []; // the timer already restored them
    const backend = state.backend ?? 'nft';
    // The marker first: a timer that fires meanwhile finds nothing to restore.
    const actions: Action[] = [
      { kind: 'move', title: 'Withdraw the pending rollback from the timer', from: PENDING, to: ROLLED_BACK, endsDeadline: { label: ROLLBACK_DEADLINE(0).label, message: 'Not kept: the previous firewall rules are restored now.' } },
    ];
    if (state.pid !== undefined) {
      actions.push({ kind: 'run', title: `Stop the rollback timer (process group ${state.pid})`, argv: ['kill', '-TERM', '--', `-${state.pid}`] });
    }
    actions.push({
      kind: 'run',
      title: backend === 'nft' ? `Restore table inet ${TABLE} as it was (the other tables are not touched)` : 'Restore the previous rules',
      // The stopped timer left its pid file behind.
      argv: ['sh', '-c', `dir=$1; ${restoreCommand(backend)} && rm -f "$dir/rollback.pid"`, 'lockstep-rollback', p(STATE_DIR)],
    });
    return actions;
  },

  async verify(_answers, sys) {
    const before = await readPending(sys);
    if (before.pid !== undefined) await ended(before.pid);
    const state = await readPending(sys);
    const rolledBack = (await sys.stat(ROLLED_BACK)) !== undefined;
    const checks: Check[] = [
      { name: 'the previous rules are back', ok: rolledBack && !state.pending, evidence: rolledBack ? `${sys.real(ROLLED_BACK)} present` : `${sys.real(PENDING)} still there` },
      { name: 'no rollback timer is left running', ok: state.pid === undefined, evidence: state.pid !== undefined ? `timer pid ${state.pid}` : 'none' },
    ];
    if (state.backend === 'nft') {
      const saved = (await sys.readText(PREVIOUS)) ?? '';
      const now = await sys.probe(['nft', 'list', 'tables']);
      const loaded = now.stdout.split('\n').includes(`table inet ${TABLE}`);
      checks.push({
        name: saved.trim() === '' ? `table inet ${TABLE} is gone, as before` : `table inet ${TABLE} is back as it was`,
        ok: saved.trim() === '' ? !loaded : loaded,
        evidence: `nft list tables: ${now.stdout.trim().split('\n').join(', ') || '(none)'}`,
      });
    }
    return checks;
  },

  summary() {
    return [`The previous firewall rules are back (saved in ${STATE_DIR}). Run "lockstep firewall" again when you are ready.`];
  },
};
