// The rollback that cannot be forgotten: a small shell script, written beside the saved ruleset
// and started detached (its own session, setsid), so it outlives lockstep even after `kill -9`.
// It restores previous.nft (lockstep's own table as it was) after the timeout unless `lockstep firewall confirm` has removed
// the file "pending" first (confirm also kills the script's process group).
import { readFileSync } from 'node:fs';
import type { System } from '../core/system.js';
import { RESTORE_OWN_TABLE } from './nft-ruleset.js';

export const STATE_DIR = '/var/lib/lockstep/firewall';
export const PENDING = `${STATE_DIR}/pending`;
export const PREVIOUS = `${STATE_DIR}/previous.nft`;
export const APPLIED = `${STATE_DIR}/applied.nft`;
export const ROLLBACK_SCRIPT = `${STATE_DIR}/rollback.sh`;
export const ROLLBACK_PID = `${STATE_DIR}/rollback.pid`;
export const ROLLED_BACK = `${STATE_DIR}/rolled-back`;
export const BACKEND_FILE = `${STATE_DIR}/backend`;
export const APPLIED_V4 = `${STATE_DIR}/applied.v4`;
export const APPLIED_V6 = `${STATE_DIR}/applied.v6`;
export const PREVIOUS_V4 = `${STATE_DIR}/previous.v4`;
export const PREVIOUS_V6 = `${STATE_DIR}/previous.v6`;
/** A copy of /etc/ufw before a ufw change. */
export const PREVIOUS_UFW = `${STATE_DIR}/previous-ufw`;

function script(restore: string): string {
  return `#!/bin/sh
# Written by lockstep firewall: restores the ruleset saved in previous.* after "$1" seconds unless
# "lockstep firewall confirm" removes the file "pending" in this folder first. Detaches itself
# (setsid) so it keeps running when lockstep exits or is killed.
set -u
dir=$(cd "$(dirname "$0")" && pwd)
if [ "\${2:-}" != "--detached" ]; then
  rm -f "$dir/rollback.pid" "$dir/rolled-back"
  setsid -f "$0" "$1" --detached </dev/null >/dev/null 2>&1
  # Return only once the timer runs, so the new rules are never loaded without it.
  i=0
  while [ ! -s "$dir/rollback.pid" ]; do
    i=$((i + 1)); [ "$i" -gt 100 ] && { echo "the rollback timer did not start" >&2; exit 1; }
    sleep 0.05
  done
  echo "rollback armed: pid $(cat "$dir/rollback.pid"), restores the previous ruleset in $1 s unless confirmed"
  exit 0
fi
echo $$ > "$dir/rollback.pid.tmp" && mv "$dir/rollback.pid.tmp" "$dir/rollback.pid"
sleep "$1"
if [ -e "$dir/pending" ]; then
  ${restore} && mv "$dir/pending" "$dir/rolled-back"
fi
rm -f "$dir/rollback.pid"
`;
}

export type Backend = 'nft' | 'iptables' | 'ufw';

const OPEN = String.raw`printf '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n'`;

/** The shell command that puts the saved rules back (it reads them from "$dir"). */
export function restoreCommand(backend: Backend): string {
  // Only lockstep's table goes back to what it was; the other tables are not lockstep's to restore.
  if (backend === 'nft') return RESTORE_OWN_TABLE('$dir/previous.nft');
  // iptables-restore replaces only the tables a file names: open the filter table first, so a
  // ruleset saved while empty still undoes the new one.
  const tables = `${OPEN} | iptables-restore && ${OPEN} | ip6tables-restore \\\n    && iptables-restore < "$dir/previous.v4" && ip6tables-restore < "$dir/previous.v6"`;
  if (backend === 'iptables') return tables;
  // ufw: its files first (ufw.conf's ENABLED, user.rules), so a reboot agrees with the live rules.
  return `cp -a "$dir/previous-ufw/." /etc/ufw/ \\\n    && ${tables}`;
}

/** The timer script for a backend; only the restore command differs. */
export function rollbackScript(backend: Backend): string {
  return script(restoreCommand(backend));
}

export const ROLLBACK_SH = rollbackScript('nft');

/** The countdown the front ends show from the moment the timer is armed. */
export const ROLLBACK_DEADLINE = (seconds: number) => ({ label: 'The previous firewall rules come back unless you run "lockstep firewall confirm"', seconds });

export interface PendingState {
  readonly pending: boolean;
  /** The rollback timer's pid (also its process group), when it is running. */
  readonly pid?: number;
  readonly backend?: Backend;
  /** nft: the ruleset file; iptables: rules.v4 and rules.v6; ufw: none (ufw keeps its own). */
  readonly applied?: string;
  readonly appliedV6?: string;
}

/** Running, and not a zombie waiting for a parent (init, here) to reap it. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\S+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

/** Waits up to `ms` for a process to end (a signalled timer takes a moment). */
export async function ended(pid: number, ms = 2000): Promise<boolean> {
  const until = Date.now() + ms;
  while (alive(pid)) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

export async function readPending(sys: System): Promise<PendingState> {
  const pending = (await sys.stat(PENDING)) !== undefined;
  const pidText = (await sys.readText(ROLLBACK_PID))?.trim();
  const pid = pidText !== undefined && /^[0-9]+$/.test(pidText) && alive(Number(pidText)) ? Number(pidText) : undefined;
  const recorded = (await sys.readText(BACKEND_FILE))?.trim();
  const backend: Backend = recorded === 'iptables' || recorded === 'ufw' ? recorded : 'nft';
  const applied = backend === 'ufw' ? undefined : await sys.readText(backend === 'nft' ? APPLIED : APPLIED_V4);
  const appliedV6 = backend === 'iptables' ? await sys.readText(APPLIED_V6) : undefined;
  return {
    pending,
    backend,
    ...(pid !== undefined ? { pid } : {}),
    ...(applied !== undefined ? { applied } : {}),
    ...(appliedV6 !== undefined ? { appliedV6 } : {}),
  };
}
