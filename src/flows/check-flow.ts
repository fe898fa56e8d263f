// `lockstep check`: every domain's checks in one list, run concurrently and read-only, and for a
// failing item the flow that fixes it (the TUI's Enter runs it, then re-checks the group).
import type { AuditItem } from '../core/checks.js';
import { FLOWS, type Flow } from './index.js';

export { CHECK_GROUPS, CHECK_PREFIXES, runChecklist, unknownPrefixes, type ChecklistOptions } from './checklist.js';

const FIX_FLOWS: Readonly<Record<string, string>> = {
  ssh: 'ssh',
  firewall: 'firewall',
  ports: 'firewall',
  updates: 'updates',
  tls: 'cert',
  web: 'web https',
  ca: 'ca init',
  renew: 'cert renew-timer',
};

/** The flow Enter runs for a failing item, when lockstep has one (os. and patch. are manual here). */
export function fixFlowOf(item: AuditItem): Flow | undefined {
  const command = FIX_FLOWS[item.id.split('.')[0] ?? ''];
  return command === undefined ? undefined : FLOWS.find((f) => f.command === command);
}
