// `lockstep ca list`: a report, read-only (its document alone with --json).
import type { Command } from 'commander';
import { DEFAULT_CA_DIR, DEFAULT_CA_NAME } from '../ca/layout.js';
import type { CommandContext } from './program.js';
import { refuseAnswersFile, resultDocument, type GlobalOptions } from './run.js';

export function registerCaList(_program: Command, ctx: CommandContext): void {
  ctx
    .command('ca list')
    .description('what the CA has issued (valid / revoked / expired, days left) and when its CRL must be re-issued')
    .option('--ca-dir <dir>', 'folder of the certificate authority', DEFAULT_CA_DIR)
    .option('--ca-name <name>', 'name of the CA', DEFAULT_CA_NAME)
    .action(async (opts: { caDir: string; caName: string }, command: Command) => {
      const g = command.optsWithGlobals() as GlobalOptions;
      refuseAnswersFile(g, 'ca list');
      const { listCa, listingLines } = await import('../ca/ca-list.js');
      const { System } = await import('../core/system.js');
      const listing = await listCa(new System(g.root), opts.caDir, opts.caName);
      process.stdout.write(g.json ? `${JSON.stringify({ ...resultDocument('ca list', 0), ...listing })}\n` : `${listingLines(listing).join('\n')}\n`);
      ctx.setCode(0);
    });
}
