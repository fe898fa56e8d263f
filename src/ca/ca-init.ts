// `lockstep ca init`: the private root CA of the seed — folders, index and serial, the seed's
// openssl.cnf edits (in a dedicated copy by default), an encrypted root key, the root
// certificate and the organisation's config.cnf. An existing CA is adopted, never overwritten.
import { p, type Action } from '../core/actions.js';
import { UserError } from '../core/errors.js';
import type { Answers, Question } from '../core/questions.js';
import type { SecretReader, Step } from '../core/step.js';
import type { System } from '../core/system.js';
import { KEY_TYPE_CHOICES, genpkeyArgs, type KeyType } from '../pki/key-types.js';
import { caChecks } from './ca-checks.js';
import { digestQuestion } from './digest.js';
import { caDirQuestion, caNameQuestion } from './ca-questions.js';
import { DEFAULT_OPENSSL_CNF, layoutOf } from './layout.js';
import { orgConfigText } from './org-config.js';
import { configWarnings, readOrgDefaults, seedEdits } from './seed-edits.js';
import { subjectArg, subjectQuestions } from './subject.js';

export interface CaInitFacts {
  /** Root key or certificate already there: adopt, never overwrite. */
  readonly existing: readonly string[];
  readonly orgDefaults: Readonly<Record<string, string>>;
  readonly opensslCnf?: string;
  readonly whyNotWritable?: string;
  readonly orgConfig?: string;
}

const adopting = (a: Answers): boolean => a.adopt === true;
const creating = (a: Answers, facts: unknown): boolean => (facts as CaInitFacts).existing.length === 0;

export const caInitQuestions: readonly Question[] = [
  caDirQuestion,
  caNameQuestion,
  {
    kind: 'confirm',
    id: 'adopt',
    message: 'A CA already exists in that folder. Check it and keep using it? (nothing in it is overwritten)',
    default: true,
    when: (_a, facts) => (facts as CaInitFacts).existing.length > 0,
  },
  {
    kind: 'select',
    id: 'keyType',
    message: 'Root key type',
    default: 'rsa4096',
    choices: KEY_TYPE_CHOICES.filter((c) => ['rsa4096', 'rsa3072', 'ec-p384'].includes(c.value)),
    when: creating,
  },
  {
    kind: 'secret',
    id: 'passphrase',
    message: 'Passphrase of the root key',
    help: 'At least 12 characters. It protects the key that can sign for every host; keep it in your password manager.',
    repeat: true,
    minLength: 12,
  },
  {
    kind: 'select',
    id: 'configMode',
    message: 'Where should the guide\'s openssl.cnf changes go?',
    help: 'A dedicated copy changes nothing else on this server; editing the system file affects every openssl command that uses it.',
    default: 'dedicated',
    choices: [
      { value: 'dedicated', label: 'A dedicated copy in the CA folder (recommended)', hint: 'the system openssl.cnf stays as it is' },
      { value: 'system', label: 'The system openssl.cnf, as the guide does', hint: 'a backup is kept; other tools see the changes' },
    ],
    when: creating,
  },
  { kind: 'path', id: 'opensslCnf', message: 'The system openssl.cnf', default: DEFAULT_OPENSSL_CNF, when: creating },
  ...subjectQuestions((_a, facts, id) => (facts as CaInitFacts | undefined)?.orgDefaults[id]).map((q) => ({ ...q, when: creating })),
  {
    kind: 'integer',
    id: 'days',
    message: 'Root certificate valid for how many days',
    help: 'The guide uses 3650 (ten years). Hosts signed by it get at most 825 days each.',
    default: 3650,
    min: 30,
    max: 7300,
    when: creating,
  },
  { ...digestQuestion, when: creating },
];

export const caInitStep: Step<CaInitFacts> = {
  id: 'ca init',
  title: 'Private certificate authority',
  description: 'Sets up a private root CA (the CouchDB CA of the guide): folders, an encrypted root key, the root certificate, the openssl.cnf changes and the organisation config.cnf.',
  questions: caInitQuestions,

  async needs(preset, sys) {
    // An existing CA is adopted: it needs no openssl.cnf to start from.
    if ((await sys.stat(layoutOf(preset).cert)) !== undefined) return [];
    const cnf = typeof preset.opensslCnf === 'string' ? preset.opensslCnf : DEFAULT_OPENSSL_CNF;
    if ((await sys.stat(cnf)) !== undefined) return [];
    return [
      preset.opensslCnf !== undefined
        ? { missing: `--openssl-cnf ${cnf} does not exist`, how: "Give the path of this system's openssl.cnf (Debian and Ubuntu: /etc/ssl/openssl.cnf)" }
        : { missing: `OpenSSL's configuration is not here: there is no ${cnf}`, how: 'Install it with apt-get install openssl, or give its path with --openssl-cnf' },
    ];
  },

  async facts(answers: Answers, sys: System): Promise<CaInitFacts> {
    const ca = layoutOf(answers);
    const existing: string[] = [];
    for (const f of [ca.key, ca.cert]) if ((await sys.stat(f)) !== undefined) existing.push(f);
    const orgConfig = await sys.readText(ca.orgConfig);
    const cnfPath = (answers.opensslCnf as string | undefined) ?? DEFAULT_OPENSSL_CNF;
    const opensslCnf = await sys.readText(cnfPath);
    const why = await sys.whyNotWritableDir(ca.dir);
    return {
      existing,
      orgDefaults: orgConfig ? readOrgDefaults(orgConfig) : {},
      ...(opensslCnf !== undefined ? { opensslCnf } : {}),
      ...(orgConfig !== undefined ? { orgConfig } : {}),
      ...(why !== undefined ? { whyNotWritable: why } : {}),
    };
  },

  plan(answers: Answers, facts: CaInitFacts): readonly Action[] {
    const ca = layoutOf(answers);
    if (facts.existing.length > 0) {
      if (!adopting(answers)) {
        throw new UserError(
          `A CA already exists in ${ca.dir} (${facts.existing.join(', ')}); lockstep never overwrites one.`,
          'Keep it (--adopt), or choose another --ca-dir or --ca-name.',
        );
      }
      return []; // adopting: nothing to change; verify checks it
    }
    if (facts.whyNotWritable) throw new UserError(`Cannot use --ca-dir ${ca.dir}: ${facts.whyNotWritable}.`);
    const cnfPath = answers.opensslCnf as string;
    if (facts.opensslCnf === undefined) {
      throw new UserError(`--openssl-cnf ${cnfPath} does not exist.`, 'Give the path of this system\'s openssl.cnf (Debian and Ubuntu: /etc/ssl/openssl.cnf).');
    }
    // The folder as on the server: `openssl ca` under --root gets the root's paths from ca-config.ts.
    const edited = seedEdits(facts.opensslCnf, ca.dir);
    const dedicated = answers.configMode !== 'system';
    const cnfUsed = dedicated ? ca.dedicatedCnf : cnfPath;
    const keyType = answers.keyType as KeyType;
    const digest = (answers.digest as string).toLowerCase();
    const pass = [{ fd: 3, secret: 'passphrase' }];
    return [
      { kind: 'mkdir', title: `Create ${ca.dir}`, path: ca.dir, mode: 0o755 },
      ...ca.subdirs.map((d): Action => ({ kind: 'mkdir', title: `Create ${d}/`, path: `${ca.dir}/${d}`, mode: d === 'private' ? 0o700 : 0o755 })),
      { kind: 'write', title: 'Start the certificate database (index.txt)', path: ca.index, content: '', mode: 0o644 },
      { kind: 'write', title: 'First serial number 1000', path: ca.serial, content: '1000\n', mode: 0o644 },
      { kind: 'write', title: 'First CRL number 1000', path: ca.crlNumber, content: '1000\n', mode: 0o644 },
      dedicated
        ? { kind: 'write', title: `Write the CA's own openssl.cnf (${edited.changes.length} changes)`, path: ca.dedicatedCnf, content: edited.after, mode: 0o644, basedOn: { path: cnfPath, content: facts.opensslCnf } }
        : { kind: 'edit', title: `Edit ${cnfPath} as the guide says`, path: cnfPath, before: facts.opensslCnf, after: edited.after, changes: edited.changes },
      {
        kind: 'run',
        title: `Generate the encrypted ${keyType} root key`,
        argv: ['openssl', 'genpkey', ...genpkeyArgs(keyType), '-aes256', '-pass', 'fd:3'],
        stdoutTo: { path: ca.key, mode: 0o600 },
        secretFds: pass,
      },
      {
        kind: 'run',
        title: 'Self-sign the root certificate',
        argv: [
          'openssl', 'req', '-new', '-x509', '-config', p(cnfUsed), '-key', p(ca.key), '-passin', 'fd:3',
          '-extensions', 'v3_ca', '-subj', subjectArg(answers), '-days', String(answers.days), `-${digest}`,
        ],
        stdoutTo: { path: ca.cert, mode: 0o644 },
        secretFds: pass,
      },
      {
        kind: 'write',
        title: 'Write the organisation config.cnf',
        path: ca.orgConfig,
        content: orgConfigText({ dir: ca.dir, name: ca.name, digest, answers }),
        mode: 0o644,
      },
    ];
  },

  notes(answers, facts) {
    const ca = layoutOf(answers);
    // The linter speaks about what is there now: an adopted CA's config.cnf, the system openssl.cnf.
    const lint = [
      ...(facts.orgConfig !== undefined ? configWarnings(facts.orgConfig, ca.orgConfig) : []),
      ...(facts.opensslCnf !== undefined && facts.existing.length === 0 ? configWarnings(facts.opensslCnf, String(answers.opensslCnf)) : []),
    ];
    if (facts.existing.length > 0) return [`Adopting the CA in ${ca.dir}: nothing is written; the checks below say whether it is sound.`, ...lint];
    return [
      ...lint,
      'The root certificate is made readable by everyone (0644), unlike the guide\'s chmod 600: it is public, and every client must read it.',
      'basicConstraints and keyUsage of the root are marked critical, as RFC 5280 requires of CA certificates.',
      'The organisation config.cnf uses sha256 (the guide\'s example had md5, which is broken) and limits host certificates to 825 days.',
    ];
  },

  async verify(answers, sys, secrets: SecretReader) {
    return caChecks(sys, layoutOf(answers), secrets.has('passphrase') ? secrets.get('passphrase') : undefined);
  },

  summary(answers) {
    const ca = layoutOf(answers);
    return [
      `Root key: ${ca.key} (encrypted, mode 0600)`,
      `Root certificate: ${ca.cert} — give this file to every client that must trust your hosts`,
      `Organisation config: ${ca.orgConfig}`,
      `Next: lockstep ca sign --ca-dir ${ca.dir} --host <host name>`,
    ];
  },
};
