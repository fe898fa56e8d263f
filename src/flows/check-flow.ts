// `lockstep check`: every domain's checks in one list, run concurrently and read-only, and for a
// failing item the flow that fixes it (the TUI's Enter runs it, then re-checks the group).
import { caAuditChecks } from '../ca/ca-checks.js';
import { DEFAULT_CA_DIR, DEFAULT_CA_NAME } from '../ca/layout.js';
import { runChecks, type AuditItem, type CheckGroup, type CheckProgress } from '../core/checks.js';
import type { System } from '../core/system.js';
import { firewallChecks, portsChecks } from '../firewall/firewall-checks.js';
import { patchChecks } from '../patch/patch-checks.js';
import { osChecks } from '../platform/os-checks.js';
import { sshChecks } from '../ssh/ssh-checks.js';
import { renewChecks } from '../tls/renew-checks.js';
import { tlsChecks } from '../tls/tls-checks.js';
import { updatesChecks } from '../updates/updates-checks.js';
import { webChecks } from '../web/web-checks.js';
import { FLOWS, type Flow } from './index.js';

/** In the order the list shows them: the system, then the lockdown, then certificates and the site. */
export const CHECK_GROUPS: readonly CheckGroup[] = [osChecks, updatesChecks, patchChecks, sshChecks, firewallChecks, portsChecks, tlsChecks, webChecks, caAuditChecks, renewChecks];

export const CHECK_PREFIXES = CHECK_GROUPS.map((g) => g.prefix);

export interface ChecklistOptions {
  readonly only?: readonly string[];
  readonly caDir?: string;
  readonly caName?: string;
  readonly onProgress?: (p: CheckProgress) => void;
  readonly now?: number;
}

export function runChecklist(sys: System, o: ChecklistOptions = {}): Promise<AuditItem[]> {
  return runChecks(CHECK_GROUPS, { sys, now: o.now ?? Date.now(), caDir: o.caDir ?? DEFAULT_CA_DIR, caName: o.caName ?? DEFAULT_CA_NAME }, {
    ...(o.only !== undefined ? { only: o.only } : {}),
    ...(o.onProgress !== undefined ? { onProgress: o.onProgress } : {}),
  });
}

/** `--only` words that name no group (nor an item under one): exit 2 naming them. */
export function unknownPrefixes(only: readonly string[]): string[] {
  return only.filter((p) => !CHECK_PREFIXES.some((g) => p === g || p.startsWith(`${g}.`)));
}

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
