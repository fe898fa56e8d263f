// `lockstep` without a command: the home menu on a terminal, else its help and exit 2.
import type { Command } from 'commander';
import type { CommandContext } from './program.js';
import { pickFrontEnd, runWith, type GlobalOptions } from './run.js';

export function registerHome(program: Command, ctx: CommandContext): void {
  program.action(async (_opts, command: Command) => {
    const g = command.opts() as GlobalOptions;
    if (pickFrontEnd(g) !== 'ink') {
      process.stderr.write((await ctx.manifest()).commands.find((c) => c.path === '')?.help ?? '');
      process.stderr.write('\nNo command given: the home menu needs a terminal. Name a command, e.g. "lockstep cert self-signed --help".\n');
      ctx.setCode(2);
      return;
    }
    ctx.setCode(await runWith(g, new Map(), { menu: (await ctx.manifest()).menu }));
  });
}
