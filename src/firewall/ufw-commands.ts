// The policy as ufw commands: ufw keeps its rules in /etc/ufw (user.rules, user6.rules) and its
// on/off switch in ufw.conf, so the commands are the ruleset and `ufw enable` persists it.
// ufw always works on the real /etc/ufw: --root does not move it.
import { p, type Action } from '../core/actions.js';
import type { Policy } from './policy.js';
import { BACKEND_FILE, PENDING, PREVIOUS_UFW, PREVIOUS_V4, PREVIOUS_V6, ROLLBACK_DEADLINE, ROLLBACK_SCRIPT, rollbackScript, STATE_DIR } from './rollback.js';

export const UFW_DIR = '/etc/ufw';
export const UFW_CONF = '/etc/ufw/ufw.conf';
export const UFW_DEFAULTS = '/etc/default/ufw';

/** One `ufw` argv per rule, in the policy's order; each carries its reason as a comment. */
export function ufwRules(policy: Policy): string[][] {
  return policy.rules.flatMap((r) => {
    const comment = ['comment', r.why.replace(/'/g, '')];
    if (r.sources.length === 0) return [['ufw', 'allow', `${r.port}/${r.proto}`, ...comment]];
    return r.sources.map((s) => ['ufw', 'allow', 'proto', r.proto, 'from', s, 'to', 'any', 'port', String(r.port), ...comment]);
  });
}

export function ufwPlan(policy: Policy, timeout: number): Action[] {
  const rules: Action[] = [
    // reset keeps the old rule files as user.rules.<date> and disables ufw until the enable below.
    { kind: 'run', title: 'Start from an empty ufw rule set (ufw --force reset; old files kept as *.rules.<date>)', argv: ['ufw', '--force', 'reset'] },
    { kind: 'run', title: 'Drop inbound by default', argv: ['ufw', 'default', 'deny', 'incoming'] },
    { kind: 'run', title: 'Allow outbound by default', argv: ['ufw', 'default', 'allow', 'outgoing'] },
    ...ufwRules(policy).map((argv): Action => ({ kind: 'run', title: `Allow ${argv.includes('from') ? `${argv[9]}/${argv[3]} from ${argv[5]}` : argv[2]}`, argv })),
  ];
  const enable: Action = { kind: 'run', title: 'Enable ufw (loads the rules now and at boot: ENABLED=yes in /etc/ufw/ufw.conf)', argv: ['ufw', '--force', 'enable'] };
  const record: Action[] = [
    { kind: 'mkdir', title: `Create ${STATE_DIR}`, path: STATE_DIR, mode: 0o700 },
    { kind: 'write', title: 'Record the backend for "firewall confirm"', path: BACKEND_FILE, content: 'ufw\n', mode: 0o600 },
  ];
  if (timeout === 0) return [...record, ...rules, enable];
  return [
    ...record,
    { kind: 'run', title: 'Save the current IPv4 rules for the rollback', argv: ['iptables-save'], stdoutTo: { path: PREVIOUS_V4, mode: 0o600 } },
    { kind: 'run', title: 'Save the current IPv6 rules for the rollback', argv: ['ip6tables-save'], stdoutTo: { path: PREVIOUS_V6, mode: 0o600 } },
    { kind: 'run', title: `Save ${UFW_DIR} for the rollback`, argv: ['cp', '-a', `${UFW_DIR}/.`, p(PREVIOUS_UFW)] },
    { kind: 'write', title: 'Write the rollback timer', path: ROLLBACK_SCRIPT, content: rollbackScript('ufw'), mode: 0o700 },
    { kind: 'write', title: 'Mark the change as waiting for confirmation', path: PENDING, content: `confirm-timeout ${timeout}\n`, mode: 0o600 },
    { kind: 'run', title: `Arm the rollback: the previous rules and ${UFW_DIR} return in ${timeout} s unless confirmed`, argv: [p(ROLLBACK_SCRIPT), String(timeout)], deadline: ROLLBACK_DEADLINE(timeout) },
    ...rules,
    enable,
  ];
}
