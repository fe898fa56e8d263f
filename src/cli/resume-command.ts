// `lockstep resume`: the last interrupted run (or --run ID) continued from the journal.
import type { Command } from 'commander';
import { loadFlows } from '../flows/index.js';
import { flagValues, optionsFor } from './options.js';
import type { Register } from './program.js';
import { runWith, type GlobalOptions } from './run.js';

/** Needs every flow's secrets (a resumed run asks for them again), so it is loaded with them. */
export async function resumeRegistration(): Promise<Register> {
  const flows = await loadFlows();
  // Secrets are never journaled: a resumed run asks for them again, so every secret of every
  // flow (the CA's --passphrase-file as well as --key-passphrase-file) is accepted here.
  const secretQuestions = [...new Map(flows.flatMap((f) => f.step.questions).filter((q) => q.kind === 'secret').map((q) => [q.id, q])).values()];
  return (program: Command, ctx) => {
    const resume = program
      .command('resume')
      .description('continue the last interrupted run from the journal, skipping what it already did')
      .option('--run <id>', 'a run id from the journal (default: the last run, if it did not finish)');
    for (const q of secretQuestions) for (const o of [optionsFor(q)].flat()) resume.addOption(o);
    resume.action(async (opts: { run?: string }, command: Command) => {
      const all = command.optsWithGlobals() as GlobalOptions & Record<string, unknown>;
      ctx.setCode(await runWith(all, flagValues(secretQuestions, all), { resume: opts.run ?? true }));
    });
  };
}
