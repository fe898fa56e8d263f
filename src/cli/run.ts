// One run of a flow: the session, the front end (Ink, plain, script, JSON) and what the operator
// sees when it fails. The Ink TUI is imported only when it will be drawn.
import fs from 'node:fs';
import { loadAnswersFile, PresetAnswers, type FlagValue } from '../core/answers.js';
import { AbortedError, exitCodeOf, UserError } from '../core/errors.js';
import { NonInteractivePrompter, type Prompter } from '../core/prompter.js';
import { FLOWS, type Flow } from '../flows/index.js';
import { Session } from '../flows/session.js';
import { System } from '../core/system.js';
import { colorWanted, palette } from '../ui/text/colors.js';
import { eventLines } from '../ui/text/format.js';

export interface GlobalOptions {
  root: string;
  answers?: string;
  yes?: boolean;
  dryRun?: boolean;
  plain?: boolean;
  json?: boolean;
  log?: string;
  debug?: boolean;
}

export type FrontEnd = 'ink' | 'plain' | 'script' | 'json';

export function pickFrontEnd(g: GlobalOptions, env: NodeJS.ProcessEnv = process.env): FrontEnd {
  if (g.json) return 'json';
  if (g.yes) return 'script';
  if (g.plain) return 'plain';
  // The same rule as Ink's own (is-in-ci): Ink draws nothing until exit when it thinks it is in CI.
  const ci = env.CI !== '0' && env.CI !== 'false' && ('CI' in env || 'CONTINUOUS_INTEGRATION' in env || Object.keys(env).some((k) => k.startsWith('CI_')));
  return !ci && process.stdout.isTTY && process.stdin.isTTY ? 'ink' : 'script';
}

/** An object in the answers file (not a list): one step's answers. */
const isSection = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** An object in the answers file holds one step's answers: only a sequence with sections reads them, and only under its steps' names. */
async function checkSections(file: Readonly<Record<string, unknown>>, flow: Flow | undefined, root: string): Promise<void> {
  const sections = Object.keys(file).filter((k) => isSection(file[k]));
  if (sections.length === 0 || flow === undefined) return;
  if (flow.sequence?.answers !== 'sections') {
    throw new UserError(`The answers file's key "${sections[0]}" holds an object, but lockstep ${flow.command} reads plain answers.`, 'Objects keyed by a step name are for lockstep onboard; give this command its answers at the top level.');
  }
  const ids = (await flow.sequence.stages(new System(root))).map((s) => s.id).slice(1);
  const unknown = sections.find((k) => !ids.includes(k));
  if (unknown !== undefined) {
    throw new UserError(`The answers file names a step "${unknown}" that lockstep ${flow.command} does not have.`, `Its steps: ${ids.join(', ')}.`);
  }
}

export async function makeSession(g: GlobalOptions, flags: Map<string, FlagValue>, flow?: Flow): Promise<Session> {
  const file = g.answers !== undefined ? await loadAnswersFile(g.answers) : {};
  if (!fs.existsSync(g.root)) throw new UserError(`--root ${g.root} does not exist.`);
  await checkSections(file, flow, g.root);
  const section = (id: string): PresetAnswers => {
    const part = file[id];
    return new PresetAnswers(new Map(), isSection(part) ? part : {}, process.env, id);
  };
  return new Session({ root: g.root, source: new PresetAnswers(flags, file), section, dryRun: g.dryRun === true, yes: g.yes === true });
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
    session.bus.subscribe((e) => process.stdout.write(`${JSON.stringify(e)}\n`));
  } else if (frontEnd !== 'ink') {
    const c = palette(colorWanted(process.stdout));
    session.bus.subscribe((e) => {
      const lines = eventLines(e, c);
      if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
    });
  }
}

export async function runWith(g: GlobalOptions, flags: Map<string, FlagValue>, work: { flow?: Flow; resume?: string | true }): Promise<number> {
  const frontEnd = pickFrontEnd(g);
  const session = await makeSession(g, flags, work.flow);
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
      return await runTui({ session, flows: FLOWS, ...(work.flow ? { start: work.flow } : {}), ...(work.resume ? { resume: work.resume } : {}) });
    }
    let prompter: Prompter = new NonInteractivePrompter();
    if (frontEnd === 'plain') {
      const { PlainPrompter } = await import('../ui/plain/plain-prompter.js');
      prompter = new PlainPrompter();
    }
    const outcome = work.flow
      ? await session.run(work.flow, prompter)
      : await session.resume(prompter, typeof work.resume === 'string' ? work.resume : undefined);
    return outcome.ok ? 0 : 1;
  } finally {
    for (const s of signals) process.off(s, onSignal);
  }
}

export function reportError(error: unknown, g: GlobalOptions): number {
  const c = palette(colorWanted(process.stderr));
  const err = error instanceof Error ? error : new Error(String(error));
  const isExitPrompt = err.name === 'ExitPromptError' || err.name === 'AbortPromptError';
  if (isExitPrompt) error = new AbortedError('Stopped at a question: nothing was changed.');
  if (g.json) process.stdout.write(`${JSON.stringify({ type: 'error', name: (error as Error).name, message: (error as Error).message })}\n`);
  if (error instanceof UserError) {
    process.stderr.write(`${c.red('error:')} ${error.message}\n`);
    if (error.tryMessage) process.stderr.write(`${error.tryMessage}\n`);
    for (const s of error.nextSteps) process.stderr.write(`  - ${s}\n`);
  } else if (error instanceof AbortedError) {
    process.stderr.write(`${error.message} What was done is in /var/log/lockstep/journal.jsonl; "lockstep resume" continues an interrupted run.\n`);
  } else if (err.name === 'CommandFailedError') {
    process.stderr.write(`${c.red('error:')} ${err.message}\n`);
  } else {
    process.stderr.write(`${c.red('error:')} ${err.message}\n`);
    process.stderr.write(g.debug ? `${err.stack}\n` : 'This is a bug in lockstep; run again with --debug for the details.\n');
  }
  return exitCodeOf(error);
}

