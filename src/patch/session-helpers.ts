// `lockstep internal patch prepare|run|close|mail --root R --session STAMP`: the session's own
// actions, run by the plan of patch-step.ts (previewed, journaled). They read the session's
// spec, append to its log, and leave what they found for the next one and for verify.
import { closeSync, openSync, writeSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { probeApt } from '../apt/apt-root.js';
import { queryPackages } from '../apt/dpkg-query.js';
import { shellQuote } from '../core/describe.js';
import { UserError } from '../core/errors.js';
import { spawnChild } from '../core/spawn.js';
import { System } from '../core/system.js';
import { tableLines } from '../core/table-text.js';
import { deliverMail } from '../mail/deliver.js';
import { parseSmtpAddress } from '../mail/smtp.js';
import { cachedDeb, changelogSince, chrootDifferences, debChangelog, debChangelogAt, restartInfo } from './after-upgrade.js';
import { changedBetween, hashFiles, packageFiles, readBaseline, sha256File } from './baseline.js';
import { BASELINE_FILE, DEB_KEEP_DIR, headPath, PATCH_STATE_DIR, oldNewTable, resultPath, sessionResultSchema, sessionSpecSchema, specPath, subjectOf, statusWord, upgradeStatusPath, type SessionResult, type SessionRow, type SessionSpec } from './session-spec.js';

interface Ctx {
  /** The target; its probes are ended when `stop` is aborted. */
  readonly sys: System;
  readonly spec: SessionSpec;
  /** Aborted by a signal to a helper that can be stopped (stoppable). */
  readonly stop: AbortController;
  log(lines: readonly string[]): Promise<void>;
  say(lines: readonly string[]): void;
}

const prepPath = (stamp: string): string => `${PATCH_STATE_DIR}/session-${stamp}.before.json`;

async function writeJson(sys: System, target: string, data: unknown): Promise<void> {
  const real = sys.real(target);
  const tmp = `${real}.tmp-${process.pid}`;
  await fs.writeFile(tmp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
  await fs.rename(tmp, real);
}

async function readJson(sys: System, target: string): Promise<unknown> {
  const text = await sys.readText(target);
  return text === undefined ? undefined : (JSON.parse(text) as unknown);
}

async function context(root: string, stamp: string): Promise<Ctx> {
  const stop = new AbortController();
  const sys = new System(root, { signal: stop.signal });
  const parsed = sessionSpecSchema.safeParse(await readJson(sys, specPath(stamp)));
  if (!parsed.success) throw new UserError(`internal patch: no session ${stamp} in ${PATCH_STATE_DIR}`);
  const spec = parsed.data;
  return {
    sys,
    spec,
    stop,
    log: (lines) => fs.appendFile(sys.real(spec.log), `${lines.join('\n')}\n`),
    say: (lines) => process.stdout.write(`${lines.join('\n')}\n`),
  };
}

interface Before {
  readonly hashes: Record<string, string>;
  readonly downgrades: string[];
}

const debOf = async (keep: string, name: string, version: string): Promise<string | undefined> =>
  (await fs.readdir(keep)).find((f) => f.startsWith(`${name}_${version.replace(/:/g, '%3a')}_`) && f.endsWith('.deb'));

/** The installed version's .deb into `keep`: from apt's cache, else the archive, else rebuilt by dpkg-repack. */
async function keepOldDeb(sys: System, name: string, version: string, keep: string): Promise<{ file: string; how: string } | { why: string }> {
  const cached = await cachedDeb(sys, name, version);
  if (cached !== undefined) {
    await fs.copyFile(sys.real(cached), path.join(keep, path.basename(cached)));
    return { file: `${DEB_KEEP_DIR}/${path.basename(cached)}`, how: "from apt's cache" };
  }
  const r = await probeApt(sys, 'apt-get', ['download', `${name}=${version}`], { cwd: keep, timeoutMs: 300_000 });
  const got = await debOf(keep, name, version);
  if (r.exitCode === 0 && got !== undefined) return { file: `${DEB_KEEP_DIR}/${got}`, how: 'downloaded from the archive' };
  const repack = await sys.probe(['dpkg-repack', ...(sys.root !== '/' ? [`--root=${sys.root}`] : []), name], { cwd: keep, timeoutMs: 300_000 });
  const made = await debOf(keep, name, version);
  if (repack.exitCode === 0 && made !== undefined) return { file: `${DEB_KEEP_DIR}/${made}`, how: 'rebuilt from the installed files by dpkg-repack' };
  const why = repack.missing ? 'dpkg-repack is not installed' : `dpkg-repack failed: ${(repack.stderr.trim().split('\n').pop() ?? '') || `exit ${repack.exitCode}`}`;
  return { why: `not in apt's cache, not in the archive; ${why}` };
}

/** What a helper reads besides the essentials: a failure there is said in the log, never stops the close. */
async function safely<T>(what: string, fallback: T, notes: string[], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    notes.push(`(${what} could not be read: ${(error as Error).message})`);
    return fallback;
  }
}

/** The log put in place from its head: link(2) fails where a file is, so no existing log is replaced. */
async function open(c: Ctx): Promise<void> {
  const { sys, spec } = c;
  const head = sys.real(headPath(spec.stamp));
  try {
    await fs.link(head, sys.real(spec.log));
  } catch (error) {
    const mine = (await sys.readText(spec.log))?.startsWith(`lockstep patch session ${spec.stamp} `) === true;
    // A resumed run finds its own log already there; anything else is another session's.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !mine) {
      throw new UserError(`${spec.log} appeared since the preview (another session?): it is left as it is and this session stops before any change. Run lockstep patch again for a log of its own.`);
    }
  }
  await fs.rm(head, { force: true });
  c.say([`The session's log is ${spec.log}.`]);
}

/** The command that puts a kept .deb back: under --root, dpkg told so and the file named where it is. */
export function downgradeCommand(sys: System, deb: string): string {
  return sys.root === '/' ? `dpkg -i ${shellQuote(deb)}` : `dpkg --root=${shellQuote(sys.root)} -i ${shellQuote(sys.real(deb))}`;
}

/** Before the upgrade: the old versions' .debs kept (apt's cache, the archive, dpkg-repack), the files' checksums. */
/** A session whose log is closed (it ended, or was interrupted) is never run again: a resumed run stops here. */
async function refuseClosed(c: Ctx): Promise<void> {
  if ((await c.sys.readText(resultPath(c.spec.stamp))) === undefined) return;
  throw new UserError(`Session ${c.spec.stamp} is over (its log ${c.spec.log} is closed); nothing was run again.`, 'Run lockstep patch again: a new session with a log of its own.');
}

async function prepare(c: Ctx): Promise<void> {
  const { sys, spec } = c;
  await refuseClosed(c);
  await stoppable(c, { where: 'while the old .debs were kept, before the upgrade: nothing was upgraded', upgrading: false }, async (signal, by) => {
    const names = spec.packages.map((x) => x.name);
    const hashes = await hashFiles(sys, await packageFiles(sys, names));
    const downgrades: string[] = [];
    const lines = ['== Before the upgrade', `Checksums of ${Object.keys(hashes).length} files of the packages taken.`, `The old versions' .debs (kept in ${DEB_KEEP_DIR}, as security archives drop old versions):`];
    const keep = sys.real(DEB_KEEP_DIR);
    for (const x of spec.packages) {
      const k = await keepOldDeb(sys, x.name, x.current, keep).catch((error: unknown) => ({ why: `could not be kept: ${(error as Error).message}` }));
      if (signal.aborted) {
        lines.push(`  ${x.name} ${x.current}: [interrupted by ${by()} while it was kept]`);
        break;
      }
      if ('file' in k) {
        downgrades.push(`${x.name} ${x.current}: ${downgradeCommand(sys, k.file)}`);
        lines.push(`  ${x.name} ${x.current}: ${k.file} (${k.how})`);
      } else lines.push(`  ${x.name} ${x.current}: no .deb of it (${k.why}): a downgrade would need it from elsewhere`);
    }
    await writeJson(sys, prepPath(spec.stamp), { hashes, downgrades } satisfies Before);
    lines.push('');
    await c.log(lines);
    c.say(lines);
    return undefined;
  });
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** apt-get's group gets this long between SIGTERM and SIGKILL: lockstep waits 5 s for this helper. */
const APT_GRACE_MS = 2000;

/**
 * The upgrade itself: every line to the log and to the live log; its exit recorded, never thrown
 * (close reports it). Stopped (lockstep's Ctrl+C or SIGTERM reaches this helper), it ends
 * apt-get's group and closes the log at once, read-only, saying it was interrupted.
 */
async function run(c: Ctx, argv: readonly string[]): Promise<void> {
  const { sys, spec } = c;
  await refuseClosed(c);
  await stoppable(c, { where: 'during the upgrade: apt-get was stopped', upgrading: true }, async (signal, by) => {
    // Written synchronously, line by line, so the log keeps apt's order however fast it prints.
    const fd = openSync(sys.real(spec.log), 'a');
    const tail: string[] = [];
    try {
      writeSync(fd, `$ ${argv.join(' ')}\n`);
      const r = await spawnChild({
        argv,
        timeoutMs: 6 * 3_600_000,
        signal,
        graceMs: APT_GRACE_MS,
        onLine: (stream, raw) => {
          // dpkg redraws "(Reading database ... 25%" with carriage returns: its last state is the line.
          const line = raw.split('\r').filter((part) => part !== '').pop() ?? '';
          writeSync(fd, `${stream === 'stderr' ? 'E| ' : ''}${line}\n`);
          process[stream].write(`${line}\n`);
          tail.push(line);
          if (tail.length > 40) tail.shift();
        },
      });
      if (r.interrupted) {
        writeSync(fd, `[interrupted by ${by()}: apt-get's process group was ended${r.signal !== undefined ? ` (${r.signal})` : ''}]\n\n`);
        return tail.at(-1);
      }
      const exit = r.missing ? 127 : r.exitCode ?? 128;
      writeSync(fd, `[exit ${exit}${r.signal !== undefined ? `, ${r.signal}` : ''}]\n\n`);
      await writeJson(sys, upgradeStatusPath(spec.stamp), { exitCode: exit, tail });
      if (exit !== 0) process.stderr.write(`apt-get exited ${exit}: the session goes on to close its log and report FAILED.\n`);
      return undefined;
    } finally {
      closeSync(fd);
    }
  });
}

/**
 * A helper of the session that a stop (lockstep's Ctrl+C or SIGTERM reaching it) may catch
 * mid-way: the signal aborts what `fn` runs (its children's groups are ended), then the log is
 * closed at once, read-only, saying it was interrupted `where` (and after which line of output).
 * The error's message is the helper's last line, which lockstep's journal keeps with "interrupted".
 */
async function stoppable(c: Ctx, phase: { readonly where: string; readonly upgrading: boolean }, fn: (signal: AbortSignal, by: () => string) => Promise<string | undefined>): Promise<void> {
  let by: NodeJS.Signals | undefined;
  const onSignal = (name: NodeJS.Signals): void => {
    by ??= name;
    c.stop.abort();
  };
  for (const name of STOP_SIGNALS) process.on(name, onSignal);
  try {
    const last = await fn(c.stop.signal, () => by ?? 'a signal');
    if (!c.stop.signal.aborted) return;
    const done = await closeInterrupted(c, `interrupted by ${by ?? 'a signal'} ${phase.where}${last !== undefined ? ` after "${last}"` : ''}`, phase.upgrading);
    throw new Error(`Interrupted by ${by ?? 'a signal'}: the session's log ${c.spec.log} is closed read-only (mode ${done.logMode}, ${done.immutable}), sha256 ${done.logSha256}.`);
  } finally {
    for (const name of STOP_SIGNALS) process.off(name, onSignal);
  }
}

const dpkgError = (tail: readonly string[]): string | undefined => {
  const lines = tail.filter((l) => /^(dpkg: error|E: |Errors were encountered|dpkg: dependency problems| \S+$)/.test(l) || /subprocess .* returned error exit status/.test(l));
  return lines.length > 0 ? lines.join(' | ') : undefined;
};

function summaryLines(r: SessionResult, spec: SessionSpec, changelogs: readonly string[]): string[] {
  return [
    `== Summary: ${statusWord(r.status)}`,
    ...(r.error !== undefined ? [`Error: ${r.error}`] : []),
    ...(r.rows.length > 0 ? tableLines(oldNewTable(r.rows)) : ['No package was upgraded.']),
    `Reboot: ${r.reboot}`,
    ...(r.restarts.length > 0 ? [`Services to restart: ${r.restarts.join(', ')}`] : []),
    ...(r.downgrades.length > 0 ? ['To go back to an old version:', ...r.downgrades.map((d) => `  ${d}`)] : []),
    ...(r.changedFiles.length > 0 ? [`Files the session changed (${r.changedFiles.length}):`, ...r.changedFiles.map((f) => `  ${f}`)] : []),
    ...(spec.chroots.length > 0 ? [r.chrootDiffers.length === 0 ? `Chroots ${spec.chroots.join(', ')}: every copy of the packages' files matches.` : `Chroot copies that differ from the upgraded packages (${r.chrootDiffers.length}):`, ...r.chrootDiffers.map((f) => `  ${f}`)] : []),
    ...changelogs,
  ];
}

/** The changelog of the version installed, from its .deb: apt's cache, else fetched again (a file: archive is not cached). */
async function newChangelog(sys: System, name: string, version: string): Promise<string | undefined> {
  const cached = await cachedDeb(sys, name, version);
  if (cached !== undefined) return debChangelog(sys, cached, name);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lockstep-deb-'));
  try {
    const r = await probeApt(sys, 'apt-get', ['download', `${name}=${version}`], { cwd: dir, timeoutMs: 300_000 });
    const deb = (await fs.readdir(dir)).find((f) => f.endsWith('.deb'));
    return r.exitCode === 0 && deb !== undefined ? await debChangelogAt(sys, path.join(dir, deb), name) : undefined;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** After the upgrade: versions re-checked with dpkg-query, the table, the baseline, the log closed read-only. */
async function close(c: Ctx): Promise<void> {
  const { sys, spec } = c;
  const earlier = sessionResultSchema.safeParse(await readJson(sys, resultPath(spec.stamp)));
  // A resumed run whose close had finished: nothing to do again. An interrupted session stays as it was closed.
  if (earlier.success && earlier.data.status === 'interrupted') {
    throw new UserError(`Session ${spec.stamp} was interrupted and its log ${spec.log} closed read-only then; it is not closed again.`, 'Run lockstep patch again: a new session with a log of its own.');
  }
  if (earlier.success) {
    c.say([`Session ${spec.stamp} is already closed: ${spec.log}, sha256 ${earlier.data.logSha256}.`]);
    return;
  }
  const status = (await readJson(sys, upgradeStatusPath(spec.stamp))) as { exitCode: number; tail: string[] } | undefined;
  const before = ((await readJson(sys, prepPath(spec.stamp))) as Before | undefined) ?? { hashes: {}, downgrades: [] };
  const names = spec.packages.map((x) => x.name);
  const rows = await versionRows(sys, spec);
  const failedRun = status !== undefined && status.exitCode !== 0;
  const error = failedRun ? (dpkgError(status.tail) ?? `apt-get exited ${status.exitCode}`) : rows.some((x) => !x.ok) ? 'a package is not at its planned version (see the table)' : undefined;
  const files = await packageFiles(sys, names);
  const after = await hashFiles(sys, files);
  const baseline = await readBaseline(sys);
  const keptFiles = Object.fromEntries(Object.entries(baseline?.files ?? {}).filter(([f]) => !(f in before.hashes)));
  await writeJson(sys, BASELINE_FILE, { taken: new Date().toISOString(), files: { ...keptFiles, ...after } });
  const notes: string[] = [];
  const chrootDiffers = await safely('the chroots', [] as string[], notes, async () => {
    const out: string[] = [];
    for (const dir of spec.chroots) for (const f of await chrootDifferences(sys, dir, names, files)) out.push(`${path.posix.join(dir, f)} (differs from ${f})`);
    return out;
  });
  const changelogs: string[] = [];
  for (const x of rows.filter((r) => r.ok)) {
    const text = await safely(`the changelog of ${x.name}`, undefined, notes, () => newChangelog(sys, x.name, x.new));
    if (text === undefined) continue;
    const ex = changelogSince(text, x.old);
    changelogs.push(`== Changelog of ${x.name} since ${x.old}${ex.cves.length > 0 ? ` (fixes ${ex.cves.join(', ')})` : ''}`, ...ex.lines);
    if (ex.cves.length > 0) x.note = `${x.note}; ${ex.cves.join(' ')}`;
  }
  const restart = await safely('reboot and restarts', { reboot: 'unknown', services: [] as readonly string[] }, notes, () => restartInfo(sys));
  const result: SessionResult = {
    stamp: spec.stamp,
    log: spec.log,
    status: spec.packages.length === 0 ? 'nothing' : error !== undefined ? 'failed' : 'ok',
    ...(error !== undefined ? { error } : {}),
    rows,
    logSha256: '',
    logMode: '',
    immutable: '',
    reboot: restart.reboot,
    restarts: [...restart.services],
    downgrades: before.downgrades,
    changedFiles: changedBetween(before.hashes, after),
    chrootDiffers,
    ...(changelogs.length > 0 ? { changelogs } : {}),
  };
  const lines = [...summaryLines(result, spec, changelogs), ...notes];
  const done = await seal(c, result, lines);
  c.say([...lines, `Log ${spec.log}: read-only, ${done.immutable}; sha256 ${done.logSha256}`]);
}

/** What dpkg-query says of each package of the session now, against the version it was to reach. */
async function versionRows(sys: System, spec: SessionSpec): Promise<SessionRow[]> {
  const names = spec.packages.map((x) => x.name);
  const now = new Map((names.length > 0 ? await queryPackages(sys, names) : []).map((q) => [q.name, q] as const));
  return spec.packages.map((x) => {
    const q = now.get(x.name);
    const installed = q !== undefined && q.status.state === 'installed';
    const ok = installed && q.version === x.target;
    return { name: x.name, old: x.current, new: q?.version ?? '(gone)', security: x.security, ok, note: ok ? 'dpkg-query: installed' : `expected ${x.target}; dpkg: ${q === undefined ? 'not installed' : `${q.version} ${q.status.state}`}` };
  });
}

/** The closing lines into the log, then the log read-only (chmod a-wx, chattr +i where it can) and the result written. */
async function seal(c: Ctx, result: SessionResult, lines: readonly string[]): Promise<SessionResult> {
  const { sys, spec } = c;
  await c.log([...lines, `Closed ${new Date().toISOString()}: this log is made read-only (chmod a-wx); its sha256 is in the mail and in lockstep's journal.`]);
  const real = sys.real(spec.log);
  await fs.chmod(real, 0o444);
  const logSha256 = await sha256File(real);
  // chattr +i where the filesystem has the flag (ext4, xfs…; not tmpfs or overlay).
  const chattr = await sys.probe(['chattr', '+i', real]);
  const immutable = chattr.exitCode === 0 ? 'immutable (chattr +i; chattr -i before removing it)' : `not immutable (chattr +i: ${(chattr.stderr.trim().split('\n').pop() ?? '').replace(/^chattr: /, '') || `exit ${chattr.exitCode}`})`;
  const done: SessionResult = { ...result, logSha256, logMode: `0${((await fs.stat(real)).mode & 0o777).toString(8)}`, immutable };
  await writeJson(sys, resultPath(spec.stamp), done);
  return done;
}

/**
 * A stopped upgrade: what dpkg says of each package now, how to finish or undo it, and the log
 * closed read-only as it stands — quickly, within the grace lockstep gives this helper.
 */
async function closeInterrupted(stopped: Ctx, error: string, upgrading: boolean): Promise<SessionResult> {
  // The session's System is stopped (its probes end at once): dpkg-query and chattr get one of their own.
  const c: Ctx = { ...stopped, sys: new System(stopped.sys.root) };
  const { sys, spec } = c;
  const before = ((await readJson(sys, prepPath(spec.stamp))) as Before | undefined) ?? { hashes: {}, downgrades: [] };
  const notes: string[] = [];
  const rows = await safely('the versions', [] as SessionRow[], notes, () => versionRows(sys, spec));
  const dpkg = sys.root === '/' ? 'dpkg' : `dpkg --root=${shellQuote(sys.root)}`;
  const result: SessionResult = {
    stamp: spec.stamp,
    log: spec.log,
    status: 'interrupted',
    error,
    rows,
    logSha256: '',
    logMode: '',
    immutable: '',
    reboot: 'unknown (the session was interrupted)',
    restarts: [],
    downgrades: before.downgrades,
    changedFiles: [],
    chrootDiffers: [],
  };
  const lines = [
    ...summaryLines(result, spec, []),
    ...(upgrading ? [`A package left unpacked or half-configured is finished by: ${dpkg} --configure -a (then lockstep patch again).`] : ['Nothing was upgraded: lockstep patch again starts a new session.']),
    ...notes,
  ];
  const done = await seal(c, result, lines);
  c.say(lines);
  return done;
}

/** The summary mail (after the log is closed): subject ok / FAILED / nothing to do, the table, the log's sha256. */
async function mail(c: Ctx): Promise<void> {
  const { sys, spec } = c;
  const parsed = sessionResultSchema.safeParse(await readJson(sys, resultPath(spec.stamp)));
  if (!parsed.success || spec.mail === undefined) throw new Error(`internal patch mail: session ${spec.stamp} has no result or no mail address`);
  const r = parsed.data;
  const body = [
    `lockstep patch session ${spec.stamp} on ${spec.host}: ${statusWord(r.status)}`,
    '',
    ...summaryLines(r, spec, r.changelogs ?? []),
    '',
    `The whole session is in ${spec.log} on ${spec.host} (read-only, ${r.immutable}).`,
    `sha256 of the log: ${r.logSha256}`,
    '',
  ].join('\n');
  const smtp = spec.mail.smtp !== undefined ? parseSmtpAddress(spec.mail.smtp) : undefined;
  const d = await deliverMail({ to: spec.mail.to, subject: subjectOf(r, spec.host), body }, { ...(smtp !== undefined ? { smtp } : {}), savedAt: spec.log, timeoutMs: 30_000 });
  const said = d.sent ? { sent: true, detail: d.detail } : { sent: false, detail: d.reason };
  await writeJson(sys, resultPath(spec.stamp), { ...r, mail: said });
  c.say([d.sent ? `The summary was ${d.detail}.` : `The summary mail was NOT sent: ${d.reason}.`]);
}

export async function runPatchInternal(args: readonly string[]): Promise<void> {
  const [what, ...rest] = args;
  const dash = rest.indexOf('--');
  const own = dash === -1 ? rest : rest.slice(0, dash);
  const value = (flag: string): string => {
    const at = own.indexOf(flag);
    const v = at < 0 ? undefined : own[at + 1];
    if (v === undefined) throw new UserError(`internal patch ${what ?? ''} needs ${flag}`);
    return v;
  };
  const c = await context(value('--root'), value('--session'));
  if (what === 'open') return open(c);
  if (what === 'prepare') return prepare(c);
  if (what === 'run') return run(c, dash === -1 ? [] : rest.slice(dash + 1));
  if (what === 'close') return close(c);
  if (what === 'mail') return mail(c);
  throw new UserError(`internal patch: unknown helper "${what ?? ''}"`);
}
