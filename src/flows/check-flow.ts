// `lockstep check`: every domain's checks in one list, run concurrently and read-only, and for a
// failing item the flow that fixes it (the TUI's Enter runs it, then re-checks the group).
import type { AuditItem } from '../core/checks.js';
import { loadFlow, type Flow } from './index.js';

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
  patch: 'patch',
};

/** The command of the flow Enter runs for a failing item, when lockstep has one (os. items are manual). */
export function fixCommandOf(item: AuditItem): string | undefined {
  return FIX_FLOWS[item.id.split('.')[0] ?? ''];
}

/** That flow, loaded (a command loads only the flows it runs). */
export async function fixFlowOf(item: AuditItem): Promise<Flow | undefined> {
  const command = fixCommandOf(item);
  return command === undefined ? undefined : loadFlow(command);
}
