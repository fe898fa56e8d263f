// `lockstep cert self-signed`: a key and a self-signed certificate for one or more host names.
import path from 'node:path';
import { p, type Action } from '../core/actions.js';
import { UserError } from '../core/errors.js';
import type { Answers, Question } from '../core/questions.js';
import type { Step } from '../core/step.js';
import type { System } from '../core/system.js';
import { checkCertificateFiles } from './check-certificate.js';
import { KEY_TYPE_CHOICES, genpkeyArgs, type KeyType } from '../pki/key-types.js';

export interface SelfSignedFacts {
  /** Files already at the output paths. */
  readonly existing: readonly string[];
  readonly whyNotWritable?: string;
}

const hostsOf = (a: Answers): readonly string[] => (a.host as readonly string[] | undefined) ?? [];
const outDirOf = (a: Answers): string => (a.outDir as string | undefined) ?? `/etc/ssl/lockstep/${hostsOf(a)[0] ?? 'host'}`;
const keyPathOf = (a: Answers): string => path.join(outDirOf(a), 'privkey.pem');
const certPathOf = (a: Answers): string => path.join(outDirOf(a), 'cert.pem');

/** Apple platforms reject TLS certificates valid longer than this, even from private roots. */
export const MAX_TLS_DAYS = 825;

export const selfSignedQuestions: readonly Question[] = [
  {
    kind: 'hostname',
    id: 'host',
    multiple: true,
    message: 'Host names the certificate is for',
    help: 'Separate several with commas. The first is the subject; all become subjectAltNames, which is what clients check.',
    validate: (hosts) => ((hosts[0]?.length ?? 0) > 64 ? `the first name is the Common Name, at most 64 characters: put a shorter name first` : undefined),
  },
  {
    kind: 'select',
    id: 'keyType',
    message: 'Key type',
    default: 'ec-p256',
    choices: KEY_TYPE_CHOICES,
  },
  {
    kind: 'integer',
    id: 'days',
    message: 'Valid for how many days',
    help: `At most ${MAX_TLS_DAYS}: Apple platforms reject TLS certificates valid longer, even from private roots.`,
    default: 365,
    min: 1,
    max: MAX_TLS_DAYS,
    unit: 'days',
  },
  {
    kind: 'path',
    id: 'outDir',
    message: 'Folder for privkey.pem and cert.pem',
    default: (a) => `/etc/ssl/lockstep/${hostsOf(a)[0] ?? 'host'}`,
  },
  {
    kind: 'secret',
    id: 'keyPassphrase',
    message: 'Passphrase for the private key (empty for none)',
    help: 'A web server then needs it at every start; most servers use no passphrase and rely on the file being readable by root only.',
    optional: true,
    repeat: true,
    minLength: 12,
  },
  {
    kind: 'confirm',
    id: 'overwrite',
    flags: { yes: 'replace a key or certificate already in that folder (backed up first)', no: 'keep what is in that folder: stop instead of replacing it' },
    message: 'A key or certificate is already in that folder. Replace it (the current files are backed up first)?',
    default: false,
    when: (_a, facts) => (facts as SelfSignedFacts).existing.length > 0,
  },
];

/** Extensions as -addext arguments; no config file is read (-config /dev/null). */
function extensionArgs(hosts: readonly string[], keyType: KeyType): string[] {
  const usage = keyType.startsWith('rsa') ? 'digitalSignature,keyEncipherment' : 'digitalSignature';
  return [
    `subjectAltName=${hosts.map((h) => `DNS:${h}`).join(',')}`,
    'basicConstraints=critical,CA:FALSE',
    `keyUsage=critical,${usage}`,
    'extendedKeyUsage=serverAuth',
  ].flatMap((ext) => ['-addext', ext]);
}

export const selfSignedStep: Step<SelfSignedFacts> = {
  id: 'cert self-signed',
  title: 'Self-signed certificate',
  description: 'A private key and a self-signed certificate for your host names, made with openssl. For internal hosts and tests: clients warn until they trust it.',
  questions: selfSignedQuestions,

  async facts(answers: Answers, sys: System): Promise<SelfSignedFacts> {
    if (hostsOf(answers).length === 0) return { existing: [] };
    const existing: string[] = [];
    for (const file of [keyPathOf(answers), certPathOf(answers)]) {
      if ((await sys.stat(file)) !== undefined) existing.push(file);
    }
    const why = await sys.whyNotWritableDir(outDirOf(answers));
    return why === undefined ? { existing } : { existing, whyNotWritable: why };
  },

  plan(answers: Answers, facts: SelfSignedFacts): readonly Action[] {
    const hosts = hostsOf(answers);
    const keyType = answers.keyType as KeyType;
    const encrypted = answers.keyPassphrase !== undefined;
    if (facts.whyNotWritable !== undefined) {
      throw new UserError(`Cannot use --out-dir ${outDirOf(answers)}: ${facts.whyNotWritable}.`, 'Choose another folder with --out-dir.');
    }
    if (facts.existing.length > 0 && answers.overwrite !== true) {
      throw new UserError(
        `Refusing to replace ${facts.existing.join(' and ')}.`,
        'Pass --overwrite to replace them (the current files are backed up first), or choose another --out-dir.',
      );
    }
    const keyFile = keyPathOf(answers);
    const pass = encrypted ? { secretFds: [{ fd: 3, secret: 'keyPassphrase' }] } : {};
    return [
      { kind: 'mkdir', title: `Create ${outDirOf(answers)}`, path: outDirOf(answers), mode: 0o755 },
      {
        kind: 'run',
        title: `Generate the ${keyType} private key`,
        argv: ['openssl', 'genpkey', ...genpkeyArgs(keyType), ...(encrypted ? ['-aes256', '-pass', 'fd:3'] : [])],
        stdoutTo: { path: keyFile, mode: 0o600 },
        ...pass,
      },
      {
        kind: 'run',
        title: `Self-sign the certificate for ${hosts.join(', ')}`,
        argv: [
          'openssl', 'req', '-new', '-x509', '-config', '/dev/null', '-key', p(keyFile),
          ...(encrypted ? ['-passin', 'fd:3'] : []), '-subj', `/CN=${hosts[0]}`, ...extensionArgs(hosts, keyType),
          '-days', String(answers.days), '-sha256',
        ],
        stdoutTo: { path: certPathOf(answers), mode: 0o644 },
        ...pass,
      },
    ];
  },

  async verify(answers, sys, secrets) {
    return checkCertificateFiles(sys, {
      certPath: certPathOf(answers),
      keyPath: keyPathOf(answers),
      hosts: hostsOf(answers),
      days: answers.days as number,
      keyType: answers.keyType as KeyType,
      ...(secrets.has('keyPassphrase') ? { passphrase: secrets.get('keyPassphrase') } : {}),
    });
  },

  summary(answers) {
    return [
      `Private key: ${keyPathOf(answers)} (mode 0600)`,
      `Certificate: ${certPathOf(answers)} (valid ${answers.days} days, for ${hostsOf(answers).join(', ')})`,
      'Clients will warn about this certificate until cert.pem is installed in their trust store.',
    ];
  },
};
