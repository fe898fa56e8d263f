// One run of a flow: the session, the front end (Ink, plain, script, JSON) and what the operator
// sees when it fails. The Ink TUI is imported only when it will be drawn.
import fs from 'node:fs';
import path from 'node:path';
import { loadAnswersFile, PresetAnswers, type FlagValue } from '../core/answers.js';
import type { AnswersShape } from '../core/answers-check.js';
import { AbortedError, exitCodeOf, UserError } from '../core/errors.js';
import { checkGlobalPaths, checkWritableRoot, pickFrontEnd, type FrontEnd, type GlobalOptions } from './front-end.js';
import { logLines } from '../core/events.js';
import { NonInteractivePrompter, type Prompter } from '../core/prompter.js';
import { withRunFlags, type RunFlags } from '../core/run-flags.js';
import type { RunOutcome } from '../core/runner.js';
import { loadFlow, loadFlows, stepIn, type Flow, type MenuEntry } from '../flows/index.js';
import { Session } from '../core/session.js';
import { System } from '../core/system.js';
import { DEFAULT_CA_DIR, DEFAULT_CA_NAME } from '../ca/layout.js';
import { colorWanted, palette } from '../ui/text/colors.js';
import { eventLines } from '../ui/text/format.js';

export { checkGlobalPaths, pickFrontEnd, type FrontEnd, type GlobalOptions };

/** What the answers file of `flow` may hold (for `resume`, without a flow: every secret's file key). */
export async function answersShape(flow: Flow | undefined, sys: System): Promise<AnswersShape> {
  const { keysOf } = await import('../core/answers-check.js');
  if (flow === undefined) {
    return { command: 'resume', top: keysOf((await loadFlows()).flatMap((f) => f.step.questions).filter((q) => q.kind === 'secret')) };
  }
  if (flow.sequence === undefined) return { command: flow.command, top: keysOf(flow.step.questions) };
  const stages = await flow.sequence.stages(sys);
  if (flow.sequence.answers === 'flat') return { command: flow.command, top: keysOf(stages.flatMap((s) => s.step.questions)) };
  const [first, ...rest] = stages;
  return {
    command: flow.command,
    top: keysOf(first?.step.questions ?? []),
    sections: new Map(rest.map((s) => [s.id, keysOf(s.step.questions)])),
  };
}

const isSection = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The session of one run. `flows` are those whose journaled steps it can resume: every flow for
 * `resume` and the home menu, the command's own otherwise (a command loads only its own flow).
 */
export async function makeSession(g: GlobalOptions, flags: Map<string, FlagValue>, flow?: Flow, flows: readonly Flow[] = flow ? [flow] : []): Promise<Session> {
  const file = g.answers !== undefined ? await loadAnswersFile(g.answers) : {};
  checkGlobalPaths(g);
  checkWritableRoot(g);
  // Without an answers file there is nothing to check its shape against: a sequence that reads
  // the machine to build its stages (renewal's listing and ARI) then reads it once, for the run.
  const sys = new System(g.root);
  if (g.answers !== undefined) (await import('../core/answers-check.js')).checkAnswersData(file, await answersShape(flow, sys));
  const sectionsOf = (data: Readonly<Record<string, unknown>>) => (id: string): PresetAnswers => {
    const part = data[id];
    return new PresetAnswers(new Map(), isSection(part) ? part : {}, process.env, id);
  };
  // `lockstep resume` of a sequence's stage: the sequence again, with the answers file it read (checked again) and resume's own flags.
  const sequenceFor = async (command: string, answersFile: string | undefined) => {
    const found = flows.find((f) => f.command === command) ?? (await loadFlow(command).catch(() => undefined));
    if (found?.sequence === undefined) return undefined;
    const data = answersFile !== undefined && fs.existsSync(answersFile) ? await loadAnswersFile(answersFile) : {};
    if (answersFile !== undefined && fs.existsSync(answersFile)) (await import('../core/answers-check.js')).checkAnswersData(data, await answersShape(found, sys));
    return { flow: found, sources: { flat: new PresetAnswers(flags, data), section: sectionsOf(data) } };
  };
  return new Session({
    root: g.root, sys, stepById: stepIn(flows), source: new PresetAnswers(flags, file), section: sectionsOf(file), dryRun: g.dryRun === true, yes: g.yes === true,
    runFlags: runFlagsOf(g, flags), sequenceFor, ...(g.answers !== undefined ? { answersFile: path.resolve(g.answers) } : {}),
  });
}

/** The run's --ca-dir (a flag, else the answers file's) and --answers, for the commands it suggests. */
function runFlagsOf(g: GlobalOptions, flags?: Map<string, FlagValue>): Omit<RunFlags, 'root'> {
  const caDir = flags?.get('caDir');
  return { ...(typeof caDir === 'string' ? { caDir } : {}), ...(g.answers !== undefined ? { answers: path.resolve(g.answers) } : {}) };
}

export function attachPrinters(session: Session, g: GlobalOptions, frontEnd: FrontEnd): void {
  if (g.log !== undefined) {
    const logFd = fs.openSync(g.log, 'a', 0o600);
    session.bus.subscribe((e) => {
      const lines = eventLines(e);
      if (lines.length > 0) fs.writeSync(logFd, `${new Date().toISOString()} ${lines.join('\n')}\n`);
    });
  }
  if (frontEnd === 'json') {
    session.bus.subscribe((e) =>
      process.stdout.write(e.type === 'output' ? `${logLines(e).map((l) => JSON.stringify(l)).join('\n')}\n` : `${JSON.stringify(e)}\n`),
    );
  } else if (frontEnd !== 'ink') {
    const c = palette(colorWanted(process.stdout));
    session.bus.subscribe((e) => {
      const lines = eventLines(e, c, process.stdout.isTTY ? process.stdout.columns : undefined);
      if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
    });
  }
}

export interface Work {
  readonly flow?: Flow;
  readonly resume?: string | true;
  /** The home menu's entries (the manifest's): drawn before any flow is loaded. */
  readonly menu?: readonly MenuEntry[];
  /** After the run, before the result document: what the command prints of its outcome (renew's warnings). */
  readonly after?: (outcome: RunOutcome, frontEnd: FrontEnd) => void;
}

/**
 * --json's last line: one document with the command, the exit code and what the run reports
 * (its checks; a sequence's result, such as renew's certificates). Every command ends with one.
 */
export function resultDocument(command: string, exitCode: number, outcome?: RunOutcome, error?: unknown): Record<string, unknown> {
  const e = error as Error | undefined;
  return {
    type: 'result',
    command,
    ok: exitCode === 0,
    exitCode,
    ...(outcome !== undefined ? { checks: outcome.checks, ...outcome.result } : {}),
    ...(e !== undefined ? { error: { name: e.name, message: e.message } } : {}),
  };
}

export async function runWith(g: GlobalOptions, flags: Map<string, FlagValue>, work: Work): Promise<number> {
  const frontEnd = pickFrontEnd(g);
  // The home menu is drawn from its entries and loads the flows behind it once it is on screen
  // (into `flows`, which the session resumes from); resume needs every flow; a command its own.
  const menu = frontEnd === 'ink' && work.flow === undefined && work.resume === undefined ? work.menu : undefined;
  const flows: Flow[] = menu !== undefined ? [] : work.flow !== undefined ? [work.flow] : await loadFlows();
  let loading: Promise<readonly Flow[]> | undefined;
  const source = {
    load: loadFlow,
    all: () => (loading ??= loadFlows().then((all) => (flows.push(...all), all))),
  };
  const session = await makeSession(g, flags, work.flow, flows);
  attachPrinters(session, g, frontEnd);
  // SIGINT/SIGTERM/SIGHUP (a closed terminal) stop the run: the running command's whole process group is ended (the
  // children have groups of their own, so only lockstep gets the signal) and the journal says
  // the action was interrupted. The TUI hears of it through the same abort signal.
  const onSignal = (): void => session.abort.abort();
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const s of signals) process.on(s, onSignal);
  try {
    if (frontEnd === 'ink') {
      const { runTui } = await import('../ui/ink/run-tui.js');
      let tui = await runTui({ session, flows: menu ?? flows, ...(menu !== undefined ? { source } : {}), ...(work.flow ? { start: work.flow } : {}), ...(work.resume ? { resume: work.resume } : {}) });
      // The menu's "Lockdown checklist" is `lockstep check`'s own screen; q there is the menu again.
      while (tui.next === 'checklist') {
        const { checklistOnTerminal } = await import('./check-command.js');
        await checklistOnTerminal(session.sys, { only: [], caDir: DEFAULT_CA_DIR, caName: DEFAULT_CA_NAME }, g, session.abort.signal);
        // A signal (SIGTERM, a closed terminal) took the checklist down: lockstep leaves, not the menu.
        if (session.abort.signal.aborted) return 1;
        tui = await runTui({ session, flows: menu ?? flows, ...(menu !== undefined ? { source } : {}) });
      }
      return tui.code;
    }
    let prompter: Prompter = new NonInteractivePrompter();
    if (frontEnd === 'plain') {
      // A dumb terminal gets line prompts: not one cursor-control code.
      if (process.env.TERM === 'dumb') prompter = new (await import('../ui/plain/line-prompter.js')).LinePrompter();
      else prompter = new (await import('../ui/plain/plain-prompter.js')).PlainPrompter();
    }
    const outcome = work.flow
      ? await session.run(work.flow, prompter)
      : await session.resume(prompter, typeof work.resume === 'string' ? work.resume : undefined);
    const code = outcome.ok ? 0 : 1;
    work.after?.(outcome, frontEnd);
    if (frontEnd === 'json') process.stdout.write(`${JSON.stringify(resultDocument(work.flow?.command ?? 'resume', code, outcome))}\n`);
    return code;
  } finally {
    for (const s of signals) process.off(s, onSignal);
  }
}

/** For the commands written by hand that read no answers file (`ca list`, `cert inspect`, `renew` unattended). */
export function refuseAnswersFile(g: GlobalOptions, command: string): void {
  if (g.answers === undefined) return;
  throw new UserError(`lockstep ${command} does not read an answers file (--answers ${g.answers}).`, `Give its options as flags: lockstep ${command} --help lists them.`);
}

export function reportError(error: unknown, g: GlobalOptions, command?: string): number {
  const c = palette(colorWanted(process.stderr));
  const advise = (text: string): string => withRunFlags(text, { root: path.resolve(g.root), ...runFlagsOf(g) });
  const err = error instanceof Error ? error : new Error(String(error));
  const isExitPrompt = err.name === 'ExitPromptError' || err.name === 'AbortPromptError';
  if (isExitPrompt) error = new AbortedError('Stopped at a question: nothing was changed.');
  if (g.json) process.stdout.write(`${JSON.stringify(resultDocument(command ?? '', exitCodeOf(error), undefined, error))}\n`);
  if (error instanceof UserError) {
    // The message says what is wrong (it may name a command in prose); the hints are what to run.
    process.stderr.write(`${c.red('error:')} ${error.message}\n`);
    if (error.tryMessage) process.stderr.write(`${advise(error.tryMessage)}\n`);
    for (const s of error.nextSteps) process.stderr.write(`  - ${advise(s)}\n`);
  } else if (error instanceof AbortedError) {
    process.stderr.write(advise(`${error.message} What was done is in /var/log/lockstep/journal.jsonl; "lockstep resume" continues an interrupted run.\n`));
  } else if (err.name === 'CommandFailedError') {
    process.stderr.write(`${c.red('error:')} ${err.message}\n`);
  } else {
    process.stderr.write(`${c.red('error:')} ${err.message}\n`);
    process.stderr.write(g.debug ? `${err.stack}\n` : 'This is a bug in lockstep; run again with --debug for the details.\n');
  }
  return exitCodeOf(error);
}

