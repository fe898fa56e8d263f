// `lockstep completion bash|zsh`: the shell completion script, made from the manifest.
import type { Command } from 'commander';
import { Argument } from 'commander';
import { completionScript, SHELLS, type Shell } from './completion.js';
import type { CommandContext } from './program.js';

export function registerCompletion(program: Command, ctx: CommandContext): void {
  program
    .command('completion')
    .description('print the completion script for bash or zsh (the .deb installs both)')
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .addHelpText(
      'after',
      '\nFor the current shell: source <(lockstep completion bash), or in zsh\n' +
        '  lockstep completion zsh > "${fpath[1]}/_lockstep" (then compinit).',
    )
    .action(async (shell: Shell) => {
      process.stdout.write(completionScript(await ctx.manifest(), shell));
      ctx.setCode(0);
    });
}
