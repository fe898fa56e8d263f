// `lockstep cert inspect [FILE] | --domain NAME`: a report, read-only.
import type { Command } from 'commander';
import type { CommandContext } from './program.js';
import { refuseAnswersFile, resultDocument, type GlobalOptions } from './run.js';

export function registerCertInspect(_program: Command, ctx: CommandContext): void {
  ctx
    .command('cert inspect')
    .description('what a certificate says (names, issuer, dates, days left) and when lockstep would renew it')
    .argument('[file]', 'a certificate file (PEM, DER or PKCS#7), read as given (not under --root)')
    .option('--domain <name>', 'the certificate lockstep keeps for NAME in /etc/lockstep/live/')
    .action(async (file: string | undefined, opts: { domain?: string }, command: Command) => {
      const g = command.optsWithGlobals() as GlobalOptions;
      refuseAnswersFile(g, 'cert inspect');
      const { inspect } = await import('../tls/inspect.js');
      const shown = await inspect(g.root, file, opts.domain, g.json === true);
      process.stdout.write(`${g.json === true ? JSON.stringify({ ...resultDocument('cert inspect', 0), ...(JSON.parse(shown) as object) }) : shown}\n`);
      ctx.setCode(0);
    });
}
