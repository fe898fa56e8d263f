// `lockstep renew`: written by hand (its options are not a step's questions), run as the renewal
// flow (flows/renew-flow.ts) with the expiry warnings after it.
import path from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_CA_DIR, DEFAULT_CA_NAME } from '../ca/layout.js';
import type { FlagValue } from '../core/answers.js';
import { UserError } from '../core/errors.js';
import type { CommandContext } from './program.js';
import { refuseAnswersFile, runWith, type GlobalOptions } from './run.js';

export function registerRenew(program: Command, ctx: CommandContext): void {
  program
    .command('renew')
    .description('renew the certificates lockstep manages that are inside their window (a third of the lifetime left, or when the CA says so by ARI): on a terminal a walk through each one, asked and previewed; with --yes (the timer) unattended, with an expiry report; exit 0 when nothing is due')
    .option('--force', 'renew every certificate, due or not')
    .option('--ca-dir <dir>', 'the private CA whose host certificates are listed too', DEFAULT_CA_DIR)
    .option('--ca-name <name>', 'name of that CA', DEFAULT_CA_NAME)
    .option('--passphrase-file <file>', "the CA root key's passphrase (first line of FILE; or set LOCKSTEP_PASSPHRASE): due private-CA certificates are revoked and signed again; never stored")
    .option('--mail <address>', 'mail the expiry report (certificates inside their window that were not renewed) to ADDRESS')
    .option('--smtp <host:port>', 'the mail server for --mail', 'localhost:25')
    .addHelpText(
      'after',
      '\nOn a terminal (the TUI, or --plain) a walk: the table of certificates, then each one due asked\n' +
        'about, its steps previewed and confirmed. With --yes (the timer) the same steps unattended;\n' +
        'with --dry-run their plans. Exit 0: nothing due, or everything due renewed; 1: something due\n' +
        'was not renewed (EXPIRY WARNING on stderr, the expiry report); 2: bad input.',
    )
    .action(async (opts: { force?: boolean; caDir: string; caName: string; passphraseFile?: string; mail?: string; smtp: string }, command: Command) => {
      const g = command.optsWithGlobals() as GlobalOptions;
      refuseAnswersFile(g, 'renew');
      const { checkMailAddress, parseSmtpAddress } = await import('../mail/smtp.js');
      if (parseSmtpAddress(opts.smtp) === undefined) throw new UserError(`Invalid --smtp: "${opts.smtp}" is not HOST:PORT.`);
      const badMail = opts.mail === undefined ? undefined : checkMailAddress(opts.mail);
      if (badMail !== undefined) throw new UserError(`Invalid --mail: ${badMail}.`);
      const flags = new Map<string, FlagValue>(opts.passphraseFile !== undefined ? [['passphrase', opts.passphraseFile]] : []);
      const passphrase = opts.passphraseFile !== undefined || (process.env.LOCKSTEP_PASSPHRASE ?? '') !== '';
      const { renewFlow } = await import('../flows/renew-flow.js');
      const { expiryWarnings } = await import('./renew-warnings.js');
      const flow = renewFlow({ force: opts.force === true, caDir: opts.caDir, caName: opts.caName, passphrase, ...(opts.mail !== undefined ? { mail: opts.mail, smtp: opts.smtp } : {}) });
      ctx.setCode(await runWith(g, flags, { flow, after: (outcome, frontEnd) => expiryWarnings(outcome, frontEnd, opts.mail !== undefined ? { to: opts.mail, smtp: opts.smtp } : undefined, undefined, { root: path.resolve(g.root) }) }));
    });
}
