// A flow as a command: its step's questions as options (cli/options.ts), answers from flags,
// the --answers file or a prompt, run in the front end the terminal allows (cli/run.ts).
import type { Command } from 'commander';
import type { Flow } from '../flows/index.js';
import { flagValues, optionsFor, readHostsFile } from './options.js';
import type { CommandContext } from './program.js';
import { runWith, type GlobalOptions } from './run.js';

const ANSWERS_NOTE =
  '\nEach option is also a key of the --answers file. Missing answers are asked on a terminal;\nwith --yes or without a terminal a missing answer stops the run (exit 2), naming its flag.';

export function registerFlow(program: Command, ctx: CommandContext, flow: Flow, helpAfter?: string): void {
  const cmd = ctx.command(flow.command).description(flow.description);
  for (const q of flow.step.questions) for (const o of [optionsFor(q)].flat()) cmd.addOption(o);
  const hostList = flow.step.questions.find((q) => q.id === 'host' && q.kind === 'hostname' && q.multiple === true);
  if (hostList) cmd.option('--hosts-file <file>', 'more host names, one per line (# starts a comment); adds to --host');
  if (helpAfter !== undefined) cmd.addHelpText('after', helpAfter);
  cmd.addHelpText('after', ANSWERS_NOTE);
  cmd.action(async (_opts, command: Command) => {
    const all = command.optsWithGlobals() as GlobalOptions & Record<string, unknown>;
    const flags = flagValues(flow.step.questions, all);
    if (typeof all.hostsFile === 'string') flags.set('host', [...((flags.get('host') as string[] | undefined) ?? []), ...(await readHostsFile(all.hostsFile))]);
    ctx.setCode(await runWith(all, flags, { flow }));
  });
}
