// `lockstep check`: the lockdown checklist, read-only. On a terminal the Ink checklist (fills in
// live, Enter on a failing item runs its fix); --plain a text list; --json the document alone;
// --report FILE an HTML (or .md) report. Exit 0 nothing fails, 1 something fails, 2 bad usage.
import type { Command } from 'commander';
import fs from 'node:fs/promises';
import path from 'node:path';
import { checkDocument, checkExitCode, groupsFor, type AuditItem } from '../core/checks.js';
import { UserError } from '../core/errors.js';
import { System } from '../core/system.js';
import { DEFAULT_CA_DIR, DEFAULT_CA_NAME } from '../ca/layout.js';
import { CHECK_GROUPS, CHECK_PREFIXES, fixCommandOf, fixFlowOf, runChecklist, unknownPrefixes } from '../flows/check-flow.js';
import { colorWanted, palette } from '../ui/text/colors.js';
import { htmlReport, markdownReport, plainChecklist } from '../ui/text/check-report.js';
import type { CommandContext } from './program.js';
import { pickFrontEnd, refuseAnswersFile, runWith, type GlobalOptions } from './run.js';

interface CheckOptions {
  readonly only?: string;
  readonly report?: string;
  readonly caDir: string;
  readonly caName: string;
}

export const CHECK_HELP = `
Each check has an id (its group first: ${CHECK_PREFIXES.join(', ')}),
a status (pass, warn, fail, or skip with the reason), the evidence it judged, the lockstep
command that fixes it and the seed sentence it checks. Nothing under --root changes; live state
(firewall rules, sockets, nginx on loopback) is read from the running system and the evidence
says so. What only time settles (a timer that has not run yet) is warn, not fail.

Examples:
  lockstep check                          on a terminal: the checklist; Enter on an item fixes it
  lockstep check --plain --only ssh,firewall
  lockstep check --json | jq '.checks[] | select(.status == "fail")'
  lockstep check --report /root/lockdown.html      (or .md)

Exit codes: 0 nothing fails (warnings allowed), 1 something fails, 2 bad usage.`;

function parseOnly(text: string | undefined): string[] {
  const only = (text ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const bad = unknownPrefixes(only);
  if (bad.length > 0) throw new UserError(`Invalid --only: ${bad.map((b) => `"${b}"`).join(', ')} names no group of checks.`, `Use one or more of ${CHECK_PREFIXES.join(', ')} (or an id under one, e.g. ssh.passwords), separated by commas.`);
  return only;
}

function reportKind(file: string): 'html' | 'md' {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.md' || ext === '.markdown') return 'md';
  if (ext === '.html' || ext === '.htm') return 'html';
  throw new UserError(`Invalid --report: "${file}" ends neither in .html nor .md.`, 'Name the file report.html (a self-contained page) or report.md (Markdown).');
}

async function writeReport(file: string, items: readonly AuditItem[], root: string): Promise<void> {
  const meta = { root, at: new Date().toISOString() };
  const text = reportKind(file) === 'md' ? markdownReport(items, CHECK_GROUPS, meta) : htmlReport(items, CHECK_GROUPS, meta);
  await fs.writeFile(file, text, { mode: 0o640 });
}

/**
 * The Ink checklist; Enter on a failing item leaves it, runs the item's fix flow as the wizard
 * (its questions, plan and yes), then draws the checklist again with that group re-checked.
 * The home menu's "Lockdown checklist" opens it too.
 */
export async function checklistOnTerminal(sys: System, options: { readonly only: readonly string[]; readonly caDir: string; readonly caName: string }, g: GlobalOptions, signal?: AbortSignal): Promise<AuditItem[]> {
  const { checklistRound } = await import('../ui/ink/run-checklist.js');
  const groups = groupsFor(CHECK_GROUPS, options.only);
  let items: readonly AuditItem[] = [];
  let cursor = 0;
  let recheck: string | undefined;
  for (;;) {
    const only = recheck === undefined ? options.only : options.only.filter((p) => p.split('.')[0] === recheck).concat(options.only.some((p) => p.split('.')[0] === recheck) ? [] : [recheck]);
    const kept = recheck === undefined ? undefined : items.filter((i) => i.id.split('.')[0] !== recheck);
    const round = await checklistRound({
      groups,
      start: (onProgress) => void runChecklist(sys, { ...options, only, onProgress }),
      ...(kept !== undefined ? { initial: kept } : {}),
      cursor,
      fixOf: fixCommandOf,
      ...(signal !== undefined ? { signal } : {}),
    });
    items = round.items;
    cursor = round.cursor;
    const flow = round.fix === undefined ? undefined : await fixFlowOf(round.fix);
    if (flow === undefined || round.fix === undefined || signal?.aborted === true) return [...items];
    await runWith(g, new Map(), { flow });
    recheck = round.fix.id.split('.')[0];
  }
}

export function registerCheckCommand(program: Command, ctx: CommandContext): void {
  const setCode = ctx.setCode;
  program
    .command('check')
    .description('the lockdown checklist, read-only: every point of the seeds with its evidence and the command that fixes it')
    .option('--only <prefixes>', `only these groups or ids, comma-separated (${CHECK_PREFIXES.join(', ')})`)
    .option('--report <file>', 'also write a report: FILE.html (self-contained) or FILE.md')
    .option('--ca-dir <dir>', 'folder of the private CA the ca. checks read', DEFAULT_CA_DIR)
    .option('--ca-name <name>', 'name of that CA', DEFAULT_CA_NAME)
    .addHelpText('after', CHECK_HELP)
    .action(async (opts: CheckOptions, command: Command) => {
      const g = command.optsWithGlobals() as GlobalOptions;
      refuseAnswersFile(g, 'check');
      const only = parseOnly(opts.only);
      if (opts.report !== undefined) reportKind(opts.report);
      const sys = new System(g.root);
      const frontEnd = pickFrontEnd(g);
      const options = { only, caDir: opts.caDir, caName: opts.caName };
      if (frontEnd === 'ink') {
        const items = await checklistOnTerminal(sys, options, g);
        if (opts.report !== undefined) await writeReport(opts.report, items, g.root);
        setCode(checkExitCode(items));
        return;
      }
      const items = await runChecklist(sys, options);
      if (opts.report !== undefined) await writeReport(opts.report, items, g.root);
      if (frontEnd === 'json') process.stdout.write(`${JSON.stringify(checkDocument(items))}\n`);
      else process.stdout.write(`${plainChecklist(items, CHECK_GROUPS, palette(colorWanted(process.stdout))).join('\n')}\n${opts.report !== undefined ? `Report written to ${opts.report}.\n` : ''}`);
      setCode(checkExitCode(items));
    });
}
