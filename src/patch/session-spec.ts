// One patch session as data: what the plan decided (the spec, written before anything runs and
// shown in the preview) and what came of it (the result, written by the session's helpers). The
// helpers (`lockstep internal patch …`, session-helpers.ts) read the spec; verify reads the result.
import { z } from 'zod';

export const PATCH_STATE_DIR = '/var/lib/lockstep/patch';
export const DEB_KEEP_DIR = '/var/cache/lockstep/patch';
export const BASELINE_FILE = `${PATCH_STATE_DIR}/baseline.json`;
export const LOG_DIR = '/var/log';

export const sessionPackageSchema = z.object({
  name: z.string(),
  arch: z.string().optional(),
  current: z.string(),
  /** The version this session installs. */
  target: z.string(),
  /** apt's candidate, when it is newer than the target (staged or security-only). */
  candidate: z.string(),
  security: z.boolean(),
  origin: z.string(),
});

export const sessionSpecSchema = z.object({
  stamp: z.string(),
  log: z.string(),
  host: z.string(),
  /** all | security | pick | approved */
  choice: z.string(),
  packages: z.array(sessionPackageSchema),
  mail: z.object({ to: z.string(), smtp: z.string().optional() }).optional(),
  chroots: z.array(z.string()),
  approved: z.object({ file: z.string(), sha256: z.string(), generated: z.string().optional(), host: z.string().optional() }).optional(),
});

export type SessionPackage = z.infer<typeof sessionPackageSchema>;
export type SessionSpec = z.infer<typeof sessionSpecSchema>;

export const rowSchema = z.object({ name: z.string(), old: z.string(), new: z.string(), security: z.boolean(), ok: z.boolean(), note: z.string() });

export const sessionResultSchema = z.object({
  stamp: z.string(),
  log: z.string(),
  /**
   * ok: every package at its target; failed: apt/dpkg failed or a version is not what was planned;
   * interrupted: a signal (Ctrl+C, SIGTERM) stopped apt-get, and the log was closed as it stood.
   */
  status: z.enum(['ok', 'failed', 'nothing', 'interrupted']),
  error: z.string().optional(),
  rows: z.array(rowSchema),
  logSha256: z.string(),
  logMode: z.string(),
  immutable: z.string(),
  reboot: z.string(),
  restarts: z.array(z.string()),
  downgrades: z.array(z.string()),
  changedFiles: z.array(z.string()),
  chrootDiffers: z.array(z.string()),
  mail: z.object({ sent: z.boolean(), detail: z.string() }).optional(),
  /** Each upgraded package's changelog since its old version (the log's lines, and the mail's). */
  changelogs: z.array(z.string()).optional(),
});

export type SessionRow = z.infer<typeof rowSchema>;
export type SessionResult = z.infer<typeof sessionResultSchema>;

export const specPath = (stamp: string): string => `${PATCH_STATE_DIR}/session-${stamp}.json`;
export const headPath = (stamp: string): string => `${PATCH_STATE_DIR}/session-${stamp}.head.log`;
export const upgradeStatusPath = (stamp: string): string => `${PATCH_STATE_DIR}/session-${stamp}.upgrade.json`;
export const resultPath = (stamp: string): string => `${PATCH_STATE_DIR}/session-${stamp}.result.json`;

/** 20261203T124501Z: sortable, one per session. */
export function stampOf(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** The server's local date as the seed's `date '+%Y%m%d'` prints it. */
export const localDay = (now: Date): string => `${now.getFullYear()}${String(now.getMonth() + 1).padStart(2, '0')}${String(now.getDate()).padStart(2, '0')}`;

/** OSPATCH-YYYYMMDD.log (local date), or -2, -3… when the day already has a session's log: an existing log is never touched. */
export function nextLogName(now: Date, existing: ReadonlySet<string>): string {
  const day = localDay(now);
  for (let n = 1; ; n++) {
    const name = `OSPATCH-${day}${n === 1 ? '' : `-${n}`}.log`;
    if (!existing.has(name)) return `${LOG_DIR}/${name}`;
  }
}

/** The session's outcome in a word or two, as the log's summary, the mail and lockstep's summary say it. */
export const statusWord = (status: SessionResult['status']): string =>
  status === 'nothing' ? 'nothing to do' : status === 'ok' ? 'ok' : status === 'interrupted' ? 'INTERRUPTED' : 'FAILED';

export const subjectOf = (r: Pick<SessionResult, 'status' | 'rows'>, host: string): string =>
  r.status === 'ok'
    ? `[lockstep] patch ${host}: ok, ${r.rows.length} upgraded (${r.rows.filter((x) => x.security).length} security)`
    : `[lockstep] patch ${host}: ${statusWord(r.status)}`;

/** The old → new table (the log, the mail, the summary): one shape everywhere. */
export const oldNewTable = (rows: readonly SessionRow[]): { columns: string[]; rows: string[][] } => ({
  columns: ['package', 'old', 'new', 'security', 'checked'],
  rows: rows.map((x) => [x.name, x.old, x.new, x.security ? 'yes' : 'no', x.note]),
});
