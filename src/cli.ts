// The command line (DESIGN.md "Command line"): parses, picks a front end, runs, sets the exit code.
// The Ink TUI is imported only when it will be drawn: --help, --version and scripted runs do
// not pay for loading React.
import { Command, Option } from 'commander';
import fs from 'node:fs';
import { loadAnswersFile, PresetAnswers, type FlagValue } from './core/answers.js';
import { AbortedError, exitCodeOf, UserError } from './core/errors.js';
import { NonInteractivePrompter, type Prompter } from './core/prompter.js';
import { defaultOf, envOf, flagOf, type Question } from './core/questions.js';
import { listCa, listingLines } from './ca/ca-list.js';
import { DEFAULT_CA_DIR, DEFAULT_CA_NAME } from './ca/layout.js';
import { System } from './core/system.js';
import { FLOWS, type Flow } from './flows/index.js';
import { Session } from './flows/session.js';
import { colorWanted, palette } from './ui/text/colors.js';
import { eventLines } from './ui/text/format.js';

declare const LOCKSTEP_VERSION: string;
const VERSION = typeof LOCKSTEP_VERSION === 'string' ? LOCKSTEP_VERSION : '0.0.0-dev';

interface GlobalOptions {
  root: string;
  answers?: string;
  yes?: boolean;
  dryRun?: boolean;
  plain?: boolean;
  json?: boolean;
  log?: string;
  debug?: boolean;
}

type FrontEnd = 'ink' | 'plain' | 'script' | 'json';

const GROUPS: Readonly<Record<string, string>> = {
  ca: 'private certificate authority: init, sign, revoke, crl, list, distribute',
  cert: 'application certificates: choose, get (Let\'s Encrypt, purchased, self-signed), install, inspect',
  web: 'web server configuration: HTTPS only, HTTP redirected',
};

export function pickFrontEnd(g: GlobalOptions, env: NodeJS.ProcessEnv = process.env): FrontEnd {
  if (g.json) return 'json';
  if (g.yes) return 'script';
  if (g.plain) return 'plain';
  // The same rule as Ink's own (is-in-ci): Ink draws nothing until exit when it thinks it is in CI.
  const ci = env.CI !== '0' && env.CI !== 'false' && ('CI' in env || 'CONTINUOUS_INTEGRATION' in env || Object.keys(env).some((k) => k.startsWith('CI_')));
  return !ci && process.stdout.isTTY && process.stdin.isTTY ? 'ink' : 'script';
}

function optionsFor(q: Question): Option | Option[] {
  const flag = flagOf(q);
  const d = typeof q.default === 'function' ? undefined : defaultOf(q, {});
  const extra = [
    q.help,
    d !== undefined ? `default: ${Array.isArray(d) ? d.join(',') : String(d)}` : undefined,
    q.kind === 'select' ? `one of: ${q.choices.map((c) => c.value).join(', ')}` : undefined,
    q.kind === 'integer' ? `${q.min} to ${q.max}` : undefined,
    q.kind === 'secret' ? `first line of FILE; or set ${envOf(q)}` : undefined,
    `answers key "${q.kind === 'secret' ? `${q.id}File` : q.id}"`,
  ].filter((s): s is string => s !== undefined);
  const description = `${q.message}${extra.length ? ` (${extra.join('; ')})` : ''}`;
  const list = q.kind === 'hostname' || q.kind === 'cidrs' || q.kind === 'multiselect' || (q.kind === 'text' && q.repeatable === true);
  if (list) {
    return new Option(`${flag} <value>`, `${description}; repeat the flag or use commas`).argParser(
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    );
  }
  switch (q.kind) {
    case 'confirm':
      return [new Option(flag, description), new Option(`--no-${flag.slice(2)}`, `answer no to: ${q.message}`)];
    case 'secret':
      return new Option(`${flag} <file>`, description);
    default:
      return new Option(`${flag} <value>`, description);
  }
}

function flagValues(questions: readonly Question[], opts: Record<string, unknown>): Map<string, FlagValue> {
  const map = new Map<string, FlagValue>();
  for (const q of questions) {
    const value = opts[q.kind === 'secret' ? `${q.id}File` : q.id];
    if (value !== undefined) map.set(q.id, value as FlagValue);
  }
  return map;
}

async function readHostsFile(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`Cannot read --hosts-file ${file}: ${(error as Error).message}`);
  }
  return text
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter((l) => l !== '');
}

async function makeSession(g: GlobalOptions, flags: Map<string, FlagValue>): Promise<Session> {
  const file = g.answers !== undefined ? await loadAnswersFile(g.answers) : {};
  if (!fs.existsSync(g.root)) throw new UserError(`--root ${g.root} does not exist.`);
  return new Session({ root: g.root, source: new PresetAnswers(flags, file), dryRun: g.dryRun === true, yes: g.yes === true });
}

function attachPrinters(session: Session, g: GlobalOptions, frontEnd: FrontEnd): void {
  if (g.log !== undefined) {
    const logFd = fs.openSync(g.log, 'a', 0o600);
    session.bus.subscribe((e) => fs.writeSync(logFd, `${new Date().toISOString()} ${eventLines(e).join('\n')}\n`));
  }
  if (frontEnd === 'json') {
    session.bus.subscribe((e) => process.stdout.write(`${JSON.stringify(e)}\n`));
  } else if (frontEnd !== 'ink') {
    const c = palette(colorWanted(process.stdout));
    session.bus.subscribe((e) => process.stdout.write(`${eventLines(e, c).join('\n')}\n`));
  }
}

async function runWith(g: GlobalOptions, flags: Map<string, FlagValue>, work: { flow?: Flow; resume?: string | true }): Promise<number> {
  const frontEnd = pickFrontEnd(g);
  const session = await makeSession(g, flags);
  attachPrinters(session, g, frontEnd);
  if (frontEnd === 'ink') {
    const { runTui } = await import('./ui/ink/run-tui.js');
    return runTui({ session, flows: FLOWS, ...(work.flow ? { start: work.flow } : {}), ...(work.resume ? { resume: work.resume } : {}) });
  }
  let prompter: Prompter = new NonInteractivePrompter();
  if (frontEnd === 'plain') {
    const { PlainPrompter } = await import('./ui/plain/plain-prompter.js');
    prompter = new PlainPrompter();
  }
  const onSignal = (): void => session.abort.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const outcome = work.flow
      ? await session.run(work.flow, prompter)
      : await session.resume(prompter, typeof work.resume === 'string' ? work.resume : undefined);
    return outcome.ok ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function reportError(error: unknown, g: GlobalOptions): number {
  const c = palette(colorWanted(process.stderr));
  const err = error instanceof Error ? error : new Error(String(error));
  const isExitPrompt = err.name === 'ExitPromptError' || err.name === 'AbortPromptError';
  if (isExitPrompt) error = new AbortedError('Stopped at a question: nothing was changed.');
  if (g.json) process.stdout.write(`${JSON.stringify({ type: 'error', name: (error as Error).name, message: (error as Error).message })}\n`);
  if (error instanceof UserError) {
    process.stderr.write(`${c.red('error:')} ${error.message}\n`);
    if (error.tryMessage) process.stderr.write(`${error.tryMessage}\n`);
    for (const s of error.nextSteps) process.stderr.write(`  - ${s}\n`);
  } else if (error instanceof AbortedError) {
    process.stderr.write(`${error.message} What was done is in /var/log/lockstep/journal.jsonl; "lockstep resume" continues an interrupted run.\n`);
  } else if (err.name === 'CommandFailedError') {
    process.stderr.write(`${c.red('error:')} ${err.message}\n`);
  } else {
    process.stderr.write(`${c.red('error:')} ${err.message}\n`);
    process.stderr.write(g.debug ? `${err.stack}\n` : 'This is a bug in lockstep; run again with --debug for the details.\n');
  }
  return exitCodeOf(error);
}

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
    cmd.addHelpText('after', `\nEach option is also a key of the --answers file. Missing answers are asked on a terminal;\nwith --yes or without a terminal a missing answer stops the run (exit 2), naming its flag.`);
    cmd.action(async (_opts, command: Command) => {
      const all = command.optsWithGlobals() as GlobalOptions & Record<string, unknown>;
      const flags = flagValues(flow.step.questions, all);
      if (typeof all.hostsFile === 'string') flags.set('host', [...((flags.get('host') as string[] | undefined) ?? []), ...(await readHostsFile(all.hostsFile))]);
      setCode(await runWith(all, flags, { flow }));
    });
  }

  groups
    .get('ca')
    ?.command('list')
    .description('what the CA has issued (valid / revoked / expired, days left) and when its CRL must be re-issued')
    .option('--ca-dir <dir>', 'folder of the certificate authority', DEFAULT_CA_DIR)
    .option('--ca-name <name>', 'name of the CA', DEFAULT_CA_NAME)
    .action(async (opts: { caDir: string; caName: string }, command: Command) => {
      const g = command.optsWithGlobals() as GlobalOptions;
      const listing = await listCa(new System(g.root), opts.caDir, opts.caName);
      process.stdout.write(g.json ? `${JSON.stringify(listing)}\n` : `${listingLines(listing).join('\n')}\n`);
      setCode(0);
    });

  groups
    .get('cert')
    ?.command('inspect')
    .description('what a certificate says (names, issuer, dates, days left) and when lockstep would renew it')
    .argument('[file]', 'a certificate file (PEM, DER or PKCS#7); an absolute path is taken under --root')
    .option('--domain <name>', 'the certificate lockstep keeps for NAME in /etc/lockstep/live/')
    .action(async (file: string | undefined, opts: { domain?: string }, command: Command) => {
      const g = command.optsWithGlobals() as GlobalOptions;
      const { inspect } = await import('./tls/inspect.js');
      process.stdout.write(`${await inspect(g.root, file, opts.domain, g.json === true)}\n`);
      setCode(0);
    });

  program
    .command('renew')
    .description('renew the certificates lockstep manages that are inside their window (a third of the lifetime left); exit 0 when nothing is due')
    .option('--force', 'renew every certificate, due or not')
    .option('--ca-dir <dir>', 'the private CA whose host certificates are listed too', DEFAULT_CA_DIR)
    .option('--ca-name <name>', 'name of that CA', DEFAULT_CA_NAME)
    .option('--passphrase-file <file>', "the CA root key's passphrase (first line of FILE; or set LOCKSTEP_PASSPHRASE): due private-CA certificates are revoked and signed again; never stored")
    .option('--mail <address>', 'mail the expiry report (certificates inside their window that were not renewed) to ADDRESS')
    .option('--smtp <host:port>', 'the mail server for --mail', 'localhost:25')
    .action(async (opts: { force?: boolean; caDir: string; caName: string; passphraseFile?: string; mail?: string; smtp: string }, command: Command) => {
      const g = command.optsWithGlobals() as GlobalOptions;
      const { renew } = await import('./tls/renew.js');
      const { checkMailAddress, parseSmtpAddress } = await import('./tls/smtp.js');
      const smtp = parseSmtpAddress(opts.smtp);
      if (smtp === undefined) throw new UserError(`Invalid --smtp: "${opts.smtp}" is not HOST:PORT.`);
      const badMail = opts.mail === undefined ? undefined : checkMailAddress(opts.mail);
      if (badMail !== undefined) throw new UserError(`Invalid --mail: ${badMail}.`);
      const out = (line: string): boolean => process.stdout.write(`${line}\n`);
      const err = (line: string): boolean => process.stderr.write(`${line}\n`);
      setCode(await renew({ root: g.root, force: opts.force === true, yes: g.yes === true, dryRun: g.dryRun === true, json: g.json === true, caDir: opts.caDir, caName: opts.caName, ...(opts.passphraseFile !== undefined ? { passphraseFile: opts.passphraseFile } : {}), ...(opts.mail !== undefined ? { mail: opts.mail, smtp } : {}) }, out, err));
    });

  // Secrets are never journaled: a resumed run asks for them again, so every secret of every
  // flow (the CA's --passphrase-file as well as --key-passphrase-file) is accepted here.
  const secretQuestions = [...new Map(FLOWS.flatMap((f) => f.step.questions).filter((q) => q.kind === 'secret').map((q) => [q.id, q])).values()];
  const resume = program
    .command('resume')
    .description('continue the last interrupted run from the journal, skipping what it already did')
    .option('--run <id>', 'a run id from the journal (default: the last run, if it did not finish)');
  for (const q of secretQuestions) resume.addOption(new Option(`${flagOf(q)} <file>`, `${q.message}, if the run used it (first line of FILE; or set ${envOf(q)})`));
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
  if (argv[2] === 'internal') return (await import('./tls/acme-order.js')).runInternal(argv.slice(3));
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
