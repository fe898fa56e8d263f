// `lockstep cert letsencrypt`: a certificate from an ACME CA (Let's Encrypt by default). The key
// and CSR are made with openssl, the ACME exchange by `lockstep internal acme-order`
// (acme-client), and the result lands in /etc/lockstep/live/<first domain>/ with every version
// kept in archive/.
import { X509Certificate } from 'node:crypto';
import { p, type Action, type Arg } from '../core/actions.js';
import { OPERATOR_FILE, operatorFileExists, operatorPath, pathArg, readOperatorFile, type PathOwner } from '../core/paths.js';
import { UserError } from '../core/errors.js';
import type { Answers, Question } from '../core/questions.js';
import type { Step } from '../core/step.js';
import type { System } from '../core/system.js';
import { KEY_TYPE_CHOICES, genpkeyArgs, type KeyType } from '../pki/key-types.js';
import { checkLiveFiles } from './live-checks.js';
import { LOCKSTEP_DIR, accountKeyPath, archiveDir, archivePath, lastArchiveVersion, liveDir, livePath, pemBlocks, renewalFile } from './live-layout.js';
import { renewalRecordOf, renewalRecordText, type DeployRecord } from './renewal-record.js';
import { selfCommand } from '../core/self-command.js';

export const LE_PRODUCTION = 'https://acme-v02.api.letsencrypt.org/directory';
export const LE_STAGING = 'https://acme-staging-v02.api.letsencrypt.org/directory';

export interface LetsEncryptFacts {
  readonly version: number;
  readonly accountKeyExists: boolean;
  readonly whyNotWritable?: string;
  readonly webrootMissing?: boolean;
  /** What is wrong with --acme-ca-file (missing, or no PEM certificate in it), found before any network. */
  readonly caFileProblem?: string;
  /** What `web https` recorded in the renewal file (reload and check after renewal): kept. */
  readonly deploy?: DeployRecord;
}

const domainsOf = (a: Answers): readonly string[] => (a.domain as readonly string[] | undefined) ?? [];
const nameOf = (a: Answers): string => domainsOf(a)[0] ?? 'domain';
export const directoryOf = (a: Answers): string => {
  const d = (a.acmeDirectory as string | undefined) ?? LE_PRODUCTION;
  return d === 'staging' ? LE_STAGING : d === 'production' ? LE_PRODUCTION : d;
};

function checkUrl(value: string): string | undefined {
  if (value === 'staging' || value === 'production') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' ? undefined : `"${value}" is not an https:// URL (ACME directories are served over HTTPS)`;
  } catch {
    return `"${value}" is not a URL; give the ACME directory URL, or "staging" / "production" for Let's Encrypt`;
  }
}

function checkHostPort(value: string): string | undefined {
  const m = /^(\[[0-9a-fA-F:]+\]|[^:]+):([0-9]{1,5})$/.exec(value);
  if (m === null || Number(m[2]) < 1 || Number(m[2]) > 65535) return `"${value}" is not HOST:PORT (e.g. 192.0.2.53:53)`;
  return undefined;
}

export const letsEncryptQuestions: readonly Question[] = [
  {
    kind: 'hostname',
    id: 'domain',
    multiple: true,
    message: 'Domain names for the certificate',
    help: 'Public DNS names that point at this server (HTTP-01) or whose DNS you control (DNS-01). The first names the files.',
  },
  {
    kind: 'text',
    id: 'email',
    message: 'E-mail address for the ACME account',
    help: 'The CA may use it for account notices. Let\'s Encrypt no longer sends expiry e-mails: lockstep renew warns instead.',
    validate: (v) => (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v) ? undefined : `"${v}" is not an e-mail address`),
  },
  {
    kind: 'confirm',
    id: 'agreeTos',
    flags: { yes: 'accept the ACME CA\'s terms of service (Let\'s Encrypt: https://letsencrypt.org/repository/)', no: 'refuse the terms of service (nothing is requested)' },
    message: 'Do you accept the ACME CA\'s terms of service (Let\'s Encrypt: https://letsencrypt.org/repository/)?',
    help: 'No certificate is issued without it; lockstep never accepts them for you.',
    validate: (v) => (v === true ? undefined : 'the terms of service must be accepted to get a certificate: read them, then pass --agree-tos'),
  },
  {
    kind: 'text',
    id: 'acmeDirectory',
    message: 'ACME directory URL',
    help: `"production" (${LE_PRODUCTION}), "staging" for tests with untrusted certificates, or any ACME server's URL.`,
    default: 'production',
    validate: checkUrl,
  },
  {
    kind: 'path',
    id: 'acmeCaFile',
    message: 'TLS root of a private ACME server (PEM), if its HTTPS is not publicly trusted',
    help: OPERATOR_FILE,
    optional: true,
    operator: true,
  },
  {
    kind: 'select',
    id: 'challenge',
    message: 'How to prove you control the names',
    default: 'http-01',
    choices: [
      { value: 'http-01', label: 'HTTP-01', hint: 'the CA fetches a token from http://<name>/.well-known/acme-challenge/ on port 80' },
      { value: 'dns-01', label: 'DNS-01', hint: 'a TXT record _acme-challenge.<name>; works for hosts not reachable from the Internet' },
    ],
  },
  {
    kind: 'integer',
    id: 'http01Port',
    message: 'Port of the standalone HTTP-01 listener',
    help: 'The CA always connects to port 80; another port only makes sense behind a port forward or with a test CA.',
    default: 80,
    min: 1,
    max: 65535,
    when: (a) => a.challenge === 'http-01',
  },
  {
    kind: 'path',
    id: 'webroot',
    message: 'Document root of the web server already on port 80 (empty: lockstep listens itself)',
    optional: true,
    when: (a) => a.challenge === 'http-01',
  },
  {
    kind: 'text',
    id: 'dnsHook',
    message: 'Command that sets and clears the TXT record at your DNS provider (empty: you create it by hand)',
    help: 'Run by /bin/sh with LOCKSTEP_DNS_ACTION=set|clear, LOCKSTEP_DNS_NAME and LOCKSTEP_DNS_VALUE in its environment.',
    optional: true,
    when: (a) => a.challenge === 'dns-01',
  },
  {
    kind: 'text',
    id: 'dnsResolver',
    message: 'DNS server to watch for the TXT record (HOST:PORT; empty: the system resolver)',
    help: 'Best one of your domain\'s authoritative servers: the CA asks those.',
    optional: true,
    when: (a) => a.challenge === 'dns-01',
    validate: checkHostPort,
  },
  { kind: 'select', id: 'keyType', message: 'Key type of the certificate', default: 'ec-p256', choices: KEY_TYPE_CHOICES },
  {
    kind: 'text',
    id: 'replaces',
    message: 'ARI certificate ID of the certificate this order replaces (RFC 9773)',
    help: 'Set by lockstep renew when the ACME server offers renewal information; never recorded for the next renewal.',
    optional: true,
    unasked: true,
    validate: (v) => (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(v) ? undefined : `"${v}" is not an ARI certificate ID (base64url.base64url)`),
  },
];

/** --acme-ca-file must exist and hold a PEM certificate: checked before any network. */
async function caFileProblemOf(caFile: string): Promise<{ caFileProblem?: string }> {
  if (!(await operatorFileExists(caFile))) return { caFileProblem: 'does not exist' };
  const text = (await readOperatorFile(caFile).catch(() => Buffer.alloc(0))).toString('utf8');
  const blocks = pemBlocks(text);
  if (blocks.length === 0) return { caFileProblem: 'holds no PEM certificate' };
  for (const b of blocks) {
    try {
      new X509Certificate(b);
    } catch (error) {
      return { caFileProblem: `holds a certificate that cannot be read (${(error as Error).message})` };
    }
  }
  return {};
}

export const letsEncryptStep: Step<LetsEncryptFacts> = {
  id: 'cert letsencrypt',
  title: "Let's Encrypt certificate",
  description: "A free certificate from Let's Encrypt (or any ACME CA) for public names, proven by HTTP-01 or DNS-01; renewed by lockstep renew.",
  questions: letsEncryptQuestions,

  async facts(answers: Answers, sys: System): Promise<LetsEncryptFacts> {
    if (domainsOf(answers).length === 0) return { version: 0, accountKeyExists: false };
    const version = await lastArchiveVersion(sys, nameOf(answers));
    const accountKeyExists = (await sys.stat(accountKeyPath(directoryOf(answers)))) !== undefined;
    const why = await sys.whyNotWritableDir(LOCKSTEP_DIR);
    const webroot = answers.webroot as string | undefined;
    const caFile = answers.acmeCaFile as string | undefined;
    const deploy = (await renewalRecordOf(sys, nameOf(answers)))?.deploy;
    return {
      ...(deploy !== undefined ? { deploy } : {}),
      version,
      accountKeyExists,
      ...(why !== undefined ? { whyNotWritable: why } : {}),
      ...(webroot !== undefined && !(await sys.stat(webroot))?.isDirectory() ? { webrootMissing: true } : {}),
      ...(caFile !== undefined && caFile !== '' ? await caFileProblemOf(caFile) : {}),
    };
  },

  plan(answers: Answers, facts: LetsEncryptFacts): readonly Action[] {
    if (facts.whyNotWritable !== undefined) throw new UserError(`Cannot write ${LOCKSTEP_DIR}: ${facts.whyNotWritable}.`);
    if (facts.webrootMissing) throw new UserError(`--webroot ${String(answers.webroot)} is not a directory.`, 'Give the document root your web server serves on port 80.');
    if (facts.caFileProblem !== undefined) throw new UserError(`--acme-ca-file ${operatorPath(String(answers.acmeCaFile))} ${facts.caFileProblem}.`, 'Give the PEM file of the ACME server\'s TLS root (-----BEGIN CERTIFICATE-----), as a path on this machine (it is not read under --root).');
    const name = nameOf(answers);
    const domains = domainsOf(answers);
    const keyType = answers.keyType as KeyType;
    const n = facts.version + 1;
    const directory = directoryOf(answers);
    const accountKey = accountKeyPath(directory);
    const actions: Action[] = [
      { kind: 'mkdir', title: `Create ${LOCKSTEP_DIR}`, path: LOCKSTEP_DIR, mode: 0o755 },
      { kind: 'mkdir', title: 'Create the account folder (owner only)', path: accountKey.replace(/\/[^/]+$/, ''), mode: 0o700 },
      { kind: 'mkdir', title: `Create the archive folder for ${name} (owner only)`, path: archiveDir(name), mode: 0o700 },
      { kind: 'mkdir', title: `Create the live folder for ${name}`, path: liveDir(name), mode: 0o755 },
      { kind: 'mkdir', title: 'Create the renewal folder', path: renewalFile(name).replace(/\/[^/]+$/, ''), mode: 0o755 },
    ];
    if (!facts.accountKeyExists) {
      actions.push({
        kind: 'run',
        title: 'Generate the ACME account key (ECDSA P-256, mode 0600)',
        argv: ['openssl', 'genpkey', ...genpkeyArgs('ec-p256')],
        stdoutTo: { path: accountKey, mode: 0o600 },
      });
    }
    const sans = domains.map((d) => `DNS:${d}`).join(',');
    // Every value is one word with its flag (--email=VALUE): a value starting with "-" (a base64url
    // ARI ID, a hook's option, an odd address) is never taken for an option by parseArgs.
    const word = (flag: string, value: string): string => `${flag}=${value}`;
    const pathWord = (flag: string, value: string, owner: PathOwner): Arg => {
      const arg = pathArg(value, owner);
      return typeof arg === 'string' ? word(flag, arg) : p(arg.path, `${flag}=`);
    };
    const optional = (flag: string, value: unknown, owner?: PathOwner): Arg[] =>
      value === undefined || value === '' ? [] : [owner !== undefined ? pathWord(flag, String(value), owner) : word(flag, String(value))];
    actions.push(
      {
        kind: 'run',
        title: `Generate the ${keyType} private key (version ${n})`,
        argv: ['openssl', 'genpkey', ...genpkeyArgs(keyType)],
        stdoutTo: { path: archivePath(name, 'privkey', n), mode: 0o600 },
      },
      {
        kind: 'run',
        title: `Make the certificate request for ${domains.join(', ')}`,
        argv: ['openssl', 'req', '-new', '-config', '/dev/null', '-key', p(archivePath(name, 'privkey', n)), '-subj', `/CN=${name}`, '-addext', `subjectAltName=${sans}`],
        stdoutTo: { path: archivePath(name, 'csr', n), mode: 0o644 },
      },
      {
        kind: 'run',
        title: `Order the certificate from ${new URL(directory).host} (${String(answers.challenge)}${answers.replaces !== undefined ? `, replacing ${String(answers.replaces)}` : ''})`,
        argv: [
          ...selfCommand(), 'internal', 'acme-order',
          word('--directory', directory),
          pathWord('--account-key', accountKey, 'managed'),
          pathWord('--csr', archivePath(name, 'csr', n), 'managed'),
          word('--email', String(answers.email)),
          '--agree-tos',
          word('--challenge', String(answers.challenge)),
          ...(answers.challenge === 'http-01' ? optional('--webroot', answers.webroot, 'managed') : []),
          ...(answers.challenge === 'http-01' && answers.webroot === undefined ? [word('--http-01-port', String(answers.http01Port ?? 80))] : []),
          ...optional('--dns-hook', answers.dnsHook),
          ...optional('--dns-resolver', answers.dnsResolver),
          ...optional('--ca-file', answers.acmeCaFile, 'operator'),
          ...optional('--replaces', answers.replaces),
          pathWord('--cert-out', archivePath(name, 'cert', n), 'managed'),
          pathWord('--chain-out', archivePath(name, 'chain', n), 'managed'),
          pathWord('--fullchain-out', archivePath(name, 'fullchain', n), 'managed'),
        ],
      },
      ...installLive(name, n),
      {
        kind: 'write',
        title: `Record how to renew ${name}`,
        path: renewalFile(name),
        mode: 0o644,
        content: renewalRecordText({ method: 'letsencrypt', command: 'cert letsencrypt', answers: renewalAnswers(answers), ...(facts.deploy !== undefined ? { deploy: facts.deploy } : {}) }),
      },
    );
    return actions;
  },

  async verify(answers, sys) {
    return checkLiveFiles(sys, nameOf(answers), domainsOf(answers));
  },

  summary(answers) {
    const name = nameOf(answers);
    return [
      `Certificate for ${domainsOf(answers).join(', ')} from ${directoryOf(answers)}`,
      `Files: ${liveDir(name)}/{privkey,cert,chain,fullchain}.pem (privkey.pem mode 0600); history in ${archiveDir(name)}`,
      'Point the web server at fullchain.pem and privkey.pem ("lockstep web https" writes an nginx site); "lockstep renew" keeps it fresh.',
    ];
  },

  notes(answers) {
    const notes: string[] = [];
    if (directoryOf(answers) === LE_STAGING) notes.push("Staging certificates are not trusted by browsers: use them to test, then run again with --acme-directory production.");
    if (answers.challenge === 'dns-01' && answers.dnsHook === undefined) {
      notes.push('Without --dns-hook you create the TXT record by hand: the order prints its name and value, then waits until the resolver answers it.');
    }
    return notes;
  },
};

/** Copies one archive version into live/, the key owner-only. */
export function installLive(name: string, n: number): Action[] {
  return (['privkey', 'cert', 'chain', 'fullchain'] as const).map((file) => ({
    kind: 'run' as const,
    title: `Install ${file}.pem into ${liveDir(name)}`,
    argv: ['install', '-m', file === 'privkey' ? '0600' : '0644', p(archivePath(name, file, n)), p(livePath(name, file))],
  }));
}

/** What the next renewal orders with: the same answers, less the certificate this order replaced. */
function renewalAnswers(answers: Answers): Answers {
  const { replaces: _replaced, ...copy } = answers;
  // The next renewal may run from another folder: an operator's file is recorded as this machine names it.
  return typeof copy.acmeCaFile === 'string' && copy.acmeCaFile !== '' ? { ...copy, acmeCaFile: operatorPath(copy.acmeCaFile) } : copy;
}
