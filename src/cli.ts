// The command line (DESIGN.md "Command line"): the commands and their options, then main(),
// which runs one and returns the exit code. Options come from the steps' questions
// (cli/options.ts); running a flow in a front end is cli/run.ts.
import path from 'node:path';
import { Command } from 'commander';
import { listCa, listingLines } from './ca/ca-list.js';
import { DEFAULT_CA_DIR, DEFAULT_CA_NAME } from './ca/layout.js';
import { flagValues, optionsFor, readHostsFile } from './cli/options.js';
import { checkGlobalPaths, makeSession, pickFrontEnd, refuseAnswersFile, reportError, resultDocument, runWith, type GlobalOptions } from './cli/run.js';
import { expiryWarnings } from './cli/renew-warnings.js';
import { registerCheckCommand } from './cli/check-command.js';
import { registerPatchCommands } from './cli/patch-command.js';
import type { FlagValue } from './core/answers.js';
import { UserError } from './core/errors.js';
import { System } from './core/system.js';
import { FLOWS, renewFlow } from './flows/index.js';
import { ONBOARD_HELP } from './flows/onboard.js';
import { EXPORT_HELP } from './flows/export/help.js';

declare const LOCKSTEP_VERSION: string;
const VERSION = typeof LOCKSTEP_VERSION === 'string' ? LOCKSTEP_VERSION : '0.0.0-dev';

const GROUPS: Readonly<Record<string, string>> = {
  ca: 'private certificate authority: init, sign, revoke, crl, list, distribute',
  cert: 'application certificates: choose, get (Let\'s Encrypt, purchased, self-signed), install, inspect',
  web: 'web server configuration: HTTPS only, HTTP redirected',
};

export function buildProgram(setCode: (code: number) => void): Command {
  const program = new Command('lockstep')
    .description('Takes a Linux server from bare to locked down, one reviewed step at a time:\nevery step is asked, previewed, applied with a live log, verified and journaled.')
    .version(VERSION, '--version', 'print the version')
    .option('--root <dir>', 'take every path on the server under DIR (try things in a sandbox)', '/')
    .option('--answers <file>', 'JSON file of answers, keyed by question id (camelCase of the flag)')
    .option('--yes', 'apply without asking; a missing answer is an error (exit 2), never a prompt')
    .option('--dry-run', 'show the plan and change nothing')
    .option('--plain', 'plain prompts, no full-screen UI (dumb terminals, screen readers)')
    .option('--json', 'events as JSON lines on stdout; never prompts')
    .option('--log <file>', 'also append the run as text to FILE')
    .option('--debug', 'show stack traces of unexpected errors')
    .showHelpAfterError('(run with --help for usage)')
    .hook('preAction', (_program, action) => checkGlobalPaths(action.optsWithGlobals() as GlobalOptions))
    .configureOutput({ outputError: (s, write) => write(s) })
    .exitOverride();
  program.addHelpText(
    'after',
    '\nExit codes: 0 done, 1 a step or check failed, 2 bad usage or input.\n' +
      'Without a command on a terminal, lockstep opens its home menu. NO_COLOR turns colour off.\n' +
      'An interrupted run is continued with "lockstep resume"; every action is in /var/log/lockstep/journal.jsonl under --root.',
  );

  const groups = new Map<string, Command>();
  for (const flow of FLOWS) {
    if (flow.menuOnly === true) continue;
    const words = flow.command.split(' ');
    let parent = program;
    for (const word of words.slice(0, -1)) {
      let group = groups.get(word);
      if (group === undefined) {
        group = parent.command(word).description(GROUPS[word] ?? `${word} commands`);
        groups.set(word, group);
      }
      parent = group;
    }
    const cmd = parent.command(words[words.length - 1] ?? flow.command).description(flow.description);
    // A one-word command may also lead a group ("firewall" and "firewall confirm").
    if (words.length === 1 && !groups.has(flow.command)) groups.set(flow.command, cmd);
    for (const q of flow.step.questions) for (const o of [optionsFor(q)].flat()) cmd.addOption(o);
    const hostList = flow.step.questions.find((q) => q.id === 'host' && q.kind === 'hostname' && q.multiple === true);
    if (hostList) cmd.option('--hosts-file <file>', 'more host names, one per line (# starts a comment); adds to --host');
    if (flow.command === 'onboard') cmd.addHelpText('after', ONBOARD_HELP);
    cmd.addHelpText('after', `\nEach option is also a key of the --answers file. Missing answers are asked on a terminal;\nwith --yes or without a terminal a missing answer stops the run (exit 2), naming its flag.`);
    cmd.action(async (_opts, command: Command) => {
      const all = command.optsWithGlobals() as GlobalOptions & Record<string, unknown>;
      const flags = flagValues(flow.step.questions, all);
      if (typeof all.hostsFile === 'string') flags.set('host', [...((flags.get('host') as string[] | undefined) ?? []), ...(await readHostsFile(all.hostsFile))]);
      setCode(await runWith(all, flags, { flow }));
    });
  }

  registerPatchCommands(program, setCode);

  groups
    .get('ca')
    ?.command('list')
    .description('what the CA has issued (valid / revoked / expired, days left) and when its CRL must be re-issued')
    .option('--ca-dir <dir>', 'folder of the certificate authority', DEFAULT_CA_DIR)
    .option('--ca-name <name>', 'name of the CA', DEFAULT_CA_NAME)
    .action(async (opts: { caDir: string; caName: string }, command: Command) => {
      const g = command.optsWithGlobals() as GlobalOptions;
      refuseAnswersFile(g, 'ca list');
      const listing = await listCa(new System(g.root), opts.caDir, opts.caName);
      process.stdout.write(g.json ? `${JSON.stringify({ ...resultDocument('ca list', 0), ...listing })}\n` : `${listingLines(listing).join('\n')}\n`);
      setCode(0);
    });

  groups
    .get('cert')
    ?.command('inspect')
    .description('what a certificate says (names, issuer, dates, days left) and when lockstep would renew it')
    .argument('[file]', 'a certificate file (PEM, DER or PKCS#7), read as given (not under --root)')
    .option('--domain <name>', 'the certificate lockstep keeps for NAME in /etc/lockstep/live/')
    .action(async (file: string | undefined, opts: { domain?: string }, command: Command) => {
      const g = command.optsWithGlobals() as GlobalOptions;
      refuseAnswersFile(g, 'cert inspect');
      const { inspect } = await import('./tls/inspect.js');
      const shown = await inspect(g.root, file, opts.domain, g.json === true);
      process.stdout.write(`${g.json === true ? JSON.stringify({ ...resultDocument('cert inspect', 0), ...(JSON.parse(shown) as object) }) : shown}\n`);
      setCode(0);
    });

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
      const { checkMailAddress, parseSmtpAddress } = await import('./mail/smtp.js');
      if (parseSmtpAddress(opts.smtp) === undefined) throw new UserError(`Invalid --smtp: "${opts.smtp}" is not HOST:PORT.`);
      const badMail = opts.mail === undefined ? undefined : checkMailAddress(opts.mail);
      if (badMail !== undefined) throw new UserError(`Invalid --mail: ${badMail}.`);
      const flags = new Map<string, FlagValue>(opts.passphraseFile !== undefined ? [['passphrase', opts.passphraseFile]] : []);
      const passphrase = opts.passphraseFile !== undefined || (process.env.LOCKSTEP_PASSPHRASE ?? '') !== '';
      const flow = renewFlow({ force: opts.force === true, caDir: opts.caDir, caName: opts.caName, passphrase, ...(opts.mail !== undefined ? { mail: opts.mail, smtp: opts.smtp } : {}) });
      setCode(await runWith(g, flags, { flow, after: (outcome, frontEnd) => expiryWarnings(outcome, frontEnd, opts.mail !== undefined ? { to: opts.mail, smtp: opts.smtp } : undefined, undefined, { root: path.resolve(g.root) }) }));
    });

  registerCheckCommand(program, setCode);

  const exporter = program
    .command('export')
    .description("the plans of lockstep onboard for an answers file, as an Ansible playbook or a shell script for servers like this one; nothing here changes");
  for (const format of ['ansible', 'script'] as const) {
    exporter
      .command(format)
      .description(format === 'ansible'
        ? 'a playbook (site.yml, a role per step, ansible.builtin modules only): preconditions, each action, reloads as handlers, then the checks'
        : 'one POSIX shell script doing the same, in the order lockstep would')
      .option('--out <path>', format === 'ansible' ? 'the folder to write (default ./lockstep-ansible; must be new or empty)' : 'the file to write (mode 0755; default: standard output)')
      .addHelpText('after', `\nThe answers file is the one of "lockstep onboard" (same shape): {"steps": [...], "<step command>": {...}}.\n${EXPORT_HELP}`)
      .action(async (opts: { out?: string }, command: Command) => {
        const g = command.optsWithGlobals() as GlobalOptions;
        if (g.answers === undefined) throw new UserError(`lockstep export ${format} needs --answers FILE: the answers file of "lockstep onboard".`, 'lockstep onboard --help shows its shape.');
        const onboard = FLOWS.find((f) => f.command === 'onboard');
        if (onboard === undefined) throw new Error('the onboard flow is missing');
        const session = await makeSession(g, new Map(), onboard);
        const { runExport } = await import('./flows/export/export.js');
        const none = session.options.source;
        const said = await runExport({ format, root: g.root, answersFile: g.answers, source: session.options.source, section: session.options.section ?? (() => none), version: VERSION, ...(opts.out !== undefined ? { out: opts.out } : {}) });
        for (const line of said) process.stderr.write(`${line}\n`);
        setCode(0);
      });
  }

  // Secrets are never journaled: a resumed run asks for them again, so every secret of every
  // flow (the CA's --passphrase-file as well as --key-passphrase-file) is accepted here.
  const secretQuestions = [...new Map(FLOWS.flatMap((f) => f.step.questions).filter((q) => q.kind === 'secret').map((q) => [q.id, q])).values()];
  const resume = program
    .command('resume')
    .description('continue the last interrupted run from the journal, skipping what it already did')
    .option('--run <id>', 'a run id from the journal (default: the last run, if it did not finish)');
  for (const q of secretQuestions) for (const o of [optionsFor(q)].flat()) resume.addOption(o);
  resume.action(async (opts: { run?: string }, command: Command) => {
    const all = command.optsWithGlobals() as GlobalOptions & Record<string, unknown>;
    setCode(await runWith(all, flagValues(secretQuestions, all), { resume: opts.run ?? true }));
  });

  program.action(async (_opts, command: Command) => {
    const g = command.opts() as GlobalOptions;
    if (pickFrontEnd(g) !== 'ink') {
      program.outputHelp({ error: true });
      process.stderr.write('\nNo command given: the home menu needs a terminal. Name a command, e.g. "lockstep cert self-signed --help".\n');
      setCode(2);
      return;
    }
    setCode(await runWith(g, new Map(), {}));
  });
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  // Helpers that plans run as commands (the ACME exchange): not for people, so not in --help.
  if (argv[2] === 'internal') return (await import('./cli/internal.js')).runInternal(argv.slice(3));
  let code = 0;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    const e = error as { code?: string; exitCode?: number };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? 0 : 2;
    }
    return reportError(error, program.opts() as GlobalOptions);
  }
  return code;
}

if (process.env.LOCKSTEP_NO_MAIN === undefined) {
  // `lockstep --help | head`: the reader has gone; stop quietly instead of a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
