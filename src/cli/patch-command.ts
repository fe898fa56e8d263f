// `lockstep patch pending`: a report (it changes nothing but apt's package lists), so it is written
// by hand as `ca list` is; `lockstep patch` and `patch timer` are flows (flows/index.ts). One
// registry entry (cli/registry.ts): registerPatchCommands.
import type { Command } from 'commander';
import { UserError } from '../core/errors.js';
import { System } from '../core/system.js';
import type { CommandContext } from './program.js';
import { refuseAnswersFile, resultDocument, type GlobalOptions } from './run.js';

interface PendingOptions {
  readonly mail?: string;
  readonly smtp: string;
  readonly update: boolean;
}

export function registerPatchCommands(_program: Command, ctx: CommandContext): void {
  const setCode = ctx.setCode;
  const patch = ctx.command('patch');
  patch.addHelpText(
    'after',
    '\nExamples:\n' +
      '  lockstep patch                                   # on a terminal: what is pending, your choice, the plan, your yes\n' +
      '  lockstep patch --upgrade security --mail ops@example.org --smtp localhost:25 --yes\n' +
      '  lockstep patch --packages openssl,libssl3 --dry-run        # only those (pick)\n' +
      '  lockstep patch --approved approved.json --yes    # the versions of "patch pending --json", exactly\n' +
      '  lockstep patch --chroot /home/cacert --yes       # then bring the chroot\'s copies up to date\n\n' +
      'The whole session goes to /var/log/OSPATCH-YYYYMMDD.log (-2, -3… for a second one that day), made\n' +
      'read-only at the end; the old → new table is re-checked with dpkg-query and mailed with the log\'s\n' +
      'sha256. Exit 0: upgraded (or nothing to do); 1: apt or dpkg failed (the log and the mail say how);\n' +
      '2: bad input (an approval file that cannot be applied, a package that is not pending).\n' +
      'Also: lockstep patch pending (the list, --json for approval), lockstep patch timer (a daily mail).',
  );
  patch
    .command('pending')
    .description('refresh the package lists (apt-get update), then list every upgradable package: installed and candidate version, the archive it comes from, SECURITY when that is the security archive; --json is also the approval file of "patch --approved"')
    .option('--mail <address>', 'mail the list to ADDRESS (the daily warning of "patch timer")')
    .option('--smtp <host:port>', 'the mail server for --mail; "none" hands the mail to /usr/sbin/sendmail', 'none')
    .option('--no-update', 'list from the package lists as they are (no apt-get update)')
    .addHelpText(
      'after',
      '\nExamples:\n  lockstep patch pending\n  lockstep patch pending --json > approved.json     # the approval file for: lockstep patch --approved approved.json\n' +
        '  lockstep patch pending --mail ops@example.org --smtp localhost:25\n\n' +
        'It changes nothing but apt\'s package lists (under --root R, R\'s). Exit 0: listed (and mailed); 1: apt-get update or the mail failed; 2: bad input.',
    )
    .action(async (own: PendingOptions, command: Command) => {
      // `patch`'s own --mail/--smtp (its questions) take the words wherever they stand: read both.
      const g = command.optsWithGlobals() as GlobalOptions & Partial<PendingOptions>;
      const opts: PendingOptions = { ...own, ...(g.mail !== undefined ? { mail: g.mail } : {}), smtp: own.smtp !== 'none' ? own.smtp : (g.smtp ?? own.smtp) };
      refuseAnswersFile(g, 'patch pending');
      const { checkMailAnswer, checkSmtpAnswer, isNone } = await import('../mail/questions.js');
      const badMail = opts.mail === undefined ? undefined : checkMailAnswer(opts.mail, false);
      if (badMail !== undefined) throw new UserError(`Invalid --mail: ${badMail}.`, 'Give an address such as ops@example.org.');
      const badSmtp = checkSmtpAnswer(opts.smtp, true);
      if (badSmtp !== undefined) throw new UserError(`Invalid --smtp: ${badSmtp}.`, 'HOST:PORT, or none for /usr/sbin/sendmail.');
      const { pendingDocument, pendingLines, pendingMail, readPending, refreshLists } = await import('../patch/pending.js');
      const sys = new System(g.root);
      let code = 0;
      if (opts.update && g.dryRun !== true) {
        process.stderr.write('$ apt-get update\n');
        const r = await refreshLists(sys, (line) => process.stderr.write(`  ${line}\n`));
        for (const p of r.problems) process.stderr.write(`warning: ${p}\n`);
        if (!r.ok) {
          process.stderr.write('error: apt-get update did not refresh every list (a source unreachable or its signature refused, above): the list below is from the package lists as they were.\n');
          code = 1;
        }
      } else process.stderr.write(`The package lists as they are (${g.dryRun === true ? '--dry-run' : '--no-update'}: no apt-get update).\n`);
      const packages = await readPending(sys);
      if (opts.mail !== undefined) {
        const { deliverMail } = await import('../mail/deliver.js');
        const { parseSmtpAddress } = await import('../mail/smtp.js');
        const smtp = isNone(opts.smtp) ? undefined : parseSmtpAddress(opts.smtp);
        const m = pendingMail(packages);
        const d = await deliverMail({ to: opts.mail, ...m }, smtp !== undefined ? { smtp } : {});
        if (d.sent) process.stderr.write(`The list was ${d.detail}.\n`);
        else {
          process.stderr.write(`error: ${d.reason}\n`);
          code = 1;
        }
      }
      if (g.json === true) process.stdout.write(`${JSON.stringify({ ...resultDocument('patch pending', code), ...pendingDocument(packages) })}\n`);
      else process.stdout.write(`${pendingLines(packages).join('\n')}\n`);
      if (g.json !== true && packages.length > 0) process.stderr.write('Apply them in a logged session: lockstep patch (or stage them: --json > approved.json).\n');
      setCode(code);
    });
}
