// `lockstep export ansible|script`: the plans of onboard for an answers file, as a playbook or a
// shell script (flows/export/).
import type { Command } from 'commander';
import { UserError } from '../core/errors.js';
import { EXPORT_HELP } from '../flows/export/help.js';
import { loadFlow } from '../flows/index.js';
import { VERSION, type CommandContext } from './program.js';
import { makeSession, type GlobalOptions } from './run.js';

export function registerExport(_program: Command, ctx: CommandContext): void {
  for (const format of ['ansible', 'script'] as const) {
    ctx
      .command(`export ${format}`)
      .description(format === 'ansible'
        ? 'a playbook (site.yml, a role per step, ansible.builtin modules only): preconditions, each action, reloads as handlers, then the checks'
        : 'one POSIX shell script doing the same, in the order lockstep would')
      .option('--out <path>', format === 'ansible' ? 'the folder to write (default ./lockstep-ansible; must be new or empty)' : 'the file to write (mode 0755; default: standard output)')
      .addHelpText('after', `\nThe answers file is the one of "lockstep onboard" (same shape): {"steps": [...], "<step command>": {...}}.\n${EXPORT_HELP}`)
      .action(async (opts: { out?: string }, command: Command) => {
        const g = command.optsWithGlobals() as GlobalOptions;
        if (g.answers === undefined) throw new UserError(`lockstep export ${format} needs --answers FILE: the answers file of "lockstep onboard".`, 'lockstep onboard --help shows its shape.');
        const onboard = await loadFlow('onboard');
        const session = await makeSession(g, new Map(), onboard);
        const { runExport } = await import('../flows/export/export.js');
        const none = session.options.source;
        const said = await runExport({ format, root: g.root, answersFile: g.answers, source: session.options.source, section: session.options.section ?? (() => none), version: VERSION, ...(opts.out !== undefined ? { out: opts.out } : {}) });
        for (const line of said) process.stderr.write(`${line}\n`);
        ctx.setCode(0);
      });
  }
}
