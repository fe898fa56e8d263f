// `lockstep ca sign`: per host a key, a CSR made with the organisation config.cnf, and a
// certificate signed by `openssl ca` with the passphrase on a file descriptor; the root
// certificate is copied beside it for clients.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { p, type Action } from '../core/actions.js';
import { UserError } from '../core/errors.js';
import type { Answers, Question } from '../core/questions.js';
import type { SecretReader, Step } from '../core/step.js';
import type { System } from '../core/system.js';
import { checkCertificateFiles } from '../tls/check-certificate.js';
import { genpkeyArgs, type KeyType } from '../pki/key-types.js';
import { caChecks } from './ca-checks.js';
import { caDirQuestion, caNameQuestion, caPassphraseQuestion, hostKeyTypeQuestion } from './ca-questions.js';
import { repairActions, type DbState, readDbState } from './db-repair.js';
import { parseIndex, type IndexEntry } from './index-db.js';
import { layoutOf, type CaLayout } from './layout.js';
import { HOST_MAX_DAYS } from './org-config.js';
import { verifyAgainstRoot } from './openssl-verify.js';
import { checkSanList, sanValue } from './san.js';

export interface CaSignFacts {
  readonly problems: readonly string[];
  readonly rootPem?: string;
  readonly valid: readonly IndexEntry[];
  readonly existingFiles: readonly string[];
  /** Hosts whose signing was interrupted after openssl recorded it: the certificate is in newcerts/. */
  readonly interrupted: Readonly<Record<string, { readonly serial: string; readonly pem: string }>>;
  /** Hosts whose certificate from this CA is already in place (a rerun after an interruption). */
  readonly alreadySigned: readonly string[];
  /** Of those, the ones without the root certificate beside it (killed between the two writes). */
  readonly rootCopyMissing: readonly string[];
  readonly db: DbState;
  readonly realOrgConfig: string;
}

function serialOf(pem: string): string | undefined {
  try {
    return new X509Certificate(pem).serialNumber.toUpperCase().replace(/^0+/, '');
  } catch {
    return undefined;
  }
}

function matches(certPem: string, keyPem: string): boolean {
  try {
    return new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}

const hostsOf = (a: Answers): readonly string[] => (a.host as readonly string[] | undefined) ?? [];

export const caSignQuestions: readonly Question[] = [
  caDirQuestion,
  caNameQuestion,
  {
    kind: 'hostname',
    id: 'host',
    multiple: true,
    message: 'Host names to sign a certificate for (one certificate each)',
    help: 'Each host gets its own key and certificate in <CA folder>/hosts/<host>/.',
  },
  {
    kind: 'text',
    id: 'san',
    message: 'Extra subjectAltNames for each certificate (e.g. DNS:couch.example.org,IP:10.0.0.5; empty for none)',
    help: 'The host name itself is always included.',
    optional: true,
    default: '',
    validate: (v) => (v === '' ? undefined : checkSanList(v)),
  },
  hostKeyTypeQuestion,
  {
    kind: 'integer',
    id: 'days',
    message: 'Host certificates valid for how many days',
    help: `At most ${HOST_MAX_DAYS}: Apple platforms reject TLS certificates valid longer, even from private roots.`,
    default: HOST_MAX_DAYS,
    min: 1,
    max: HOST_MAX_DAYS,
  },
  caPassphraseQuestion,
];

function extFile(host: string, san: string | undefined, keyType: KeyType): string {
  return [
    '# Extensions for this host certificate, written by lockstep (used with openssl ca -extfile).',
    '[ host_ext ]',
    'basicConstraints       = critical, CA:false',
    `keyUsage               = critical, digitalSignature${keyType.startsWith('rsa') ? ', keyEncipherment' : ''}`,
    'extendedKeyUsage       = serverAuth, clientAuth',
    'subjectKeyIdentifier   = hash',
    'authorityKeyIdentifier = keyid, issuer',
    `subjectAltName         = ${sanValue(host, san)}`,
    '',
  ].join('\n');
}

function hostActions(ca: CaLayout, host: string, answers: Answers, rootPem: string): Action[] {
  const keyType = answers.keyType as KeyType;
  return [
    { kind: 'mkdir', title: `Create ${ca.hostDir(host)}`, path: ca.hostDir(host), mode: 0o755 },
    {
      kind: 'run',
      title: `${host}: generate the ${keyType} key`,
      argv: ['openssl', 'genpkey', ...genpkeyArgs(keyType)],
      stdoutTo: { path: ca.hostFile(host, 'key'), mode: 0o600 },
    },
    {
      kind: 'run',
      title: `${host}: certificate signing request`,
      argv: ['openssl', 'req', '-new', '-key', p(ca.hostFile(host, 'key')), '-config', p(ca.orgConfig), '-subj', `/CN=${host}`],
      stdoutTo: { path: ca.hostFile(host, 'csr'), mode: 0o644 },
    },
    { kind: 'write', title: `${host}: certificate extensions`, path: ca.hostFile(host, 'ext'), content: extFile(host, answers.san as string | undefined, keyType), mode: 0o644 },
    {
      kind: 'run',
      title: `${host}: sign with the CA`,
      argv: [
        'openssl', 'ca', '-batch', '-notext', '-config', p(ca.orgConfig), '-in', p(ca.hostFile(host, 'csr')),
        '-extfile', p(ca.hostFile(host, 'ext')), '-extensions', 'host_ext', '-days', String(answers.days), '-passin', 'fd:3',
      ],
      secretFds: [{ fd: 3, secret: 'passphrase' }],
      stdoutTo: { path: ca.hostFile(host, 'crt'), mode: 0o644 },
    },
    rootCopyAction(ca, host, rootPem),
  ];
}

const rootCopyOf = (ca: CaLayout, host: string): string => `${ca.hostDir(host)}/${ca.name}.crt`;

function rootCopyAction(ca: CaLayout, host: string, rootPem: string): Action {
  return { kind: 'write', title: `${host}: root certificate for clients`, path: rootCopyOf(ca, host), content: rootPem, mode: 0o644 };
}

export const caSignStep: Step<CaSignFacts> = {
  id: 'ca sign',
  title: 'Sign host certificates',
  description: 'Makes a key and a certificate signed by your private CA for each host (CouchDB nodes, internal services), with the root certificate beside it for clients.',
  questions: caSignQuestions,
  // A kill inside `openssl ca` leaves its database updated (or half-renamed) before the journal
  // knows: replaying that command fails, while facts() recognises and finishes both states.
  replanOnResume: true,

  async facts(answers: Answers, sys: System, secrets?: SecretReader): Promise<CaSignFacts> {
    const ca = layoutOf(answers);
    const problems: string[] = [];
    const rootPem = await sys.readText(ca.cert);
    if ((await sys.readText(ca.orgConfig)) === undefined) problems.push(`${ca.orgConfig} is missing: run "lockstep ca init" first`);
    if (secrets?.has('passphrase')) {
      for (const c of await caChecks(sys, ca, secrets.get('passphrase'))) if (!c.ok) problems.push(`${c.name}: ${c.evidence}`);
    } else if (rootPem === undefined) {
      problems.push(`${ca.cert} is missing: run "lockstep ca init" first`);
    }
    const db = await readDbState(sys, ca);
    const all = parseIndex(db.index ?? '');
    const valid = all.filter((e) => e.status === 'valid');
    const existingFiles: string[] = [];
    const interrupted: Record<string, { serial: string; pem: string }> = {};
    const alreadySigned: string[] = [];
    const rootCopyMissing: string[] = [];
    for (const host of hostsOf(answers)) {
      const entry = valid.find((e) => e.cn === host);
      const crt = await sys.readText(ca.hostFile(host, 'crt'));
      if (crt !== undefined) {
        const serial = serialOf(crt);
        const own = all.find((e) => e.serial.replace(/^0+/, '') === serial);
        if (entry !== undefined && own === entry) {
          alreadySigned.push(host);
          if ((await sys.readText(rootCopyOf(ca, host))) !== rootPem) rootCopyMissing.push(host);
        } else if (own === undefined || own.status === 'valid') existingFiles.push(ca.hostFile(host, 'crt'));
        // else: revoked or expired; signed again below, the old files backed up
        if (own === undefined || own.status === 'valid') continue;
      }
      const pem = entry ? await sys.readText(`${ca.dir}/newcerts/${entry.serial}.pem`) : undefined;
      const key = await sys.readText(ca.hostFile(host, 'key'));
      if (entry && pem && key && matches(pem, key)) interrupted[host] = { serial: entry.serial, pem };
    }
    return { problems, valid, existingFiles, interrupted, alreadySigned, rootCopyMissing, db, realOrgConfig: sys.real(ca.orgConfig), ...(rootPem !== undefined ? { rootPem } : {}) };
  },

  plan(answers, facts) {
    const ca = layoutOf(answers);
    if (facts.problems.length > 0 || facts.rootPem === undefined) {
      throw new UserError(`The CA in ${ca.dir} cannot sign: ${facts.problems.join('; ')}.`, 'Check --ca-dir, --ca-name and the passphrase.');
    }
    const hosts = hostsOf(answers);
    const twice = hosts.find((h, i) => hosts.indexOf(h) !== i);
    if (twice !== undefined) throw new UserError(`--host ${twice} is given twice.`);
    for (const host of hosts) {
      if (facts.interrupted[host] !== undefined || facts.alreadySigned.includes(host)) continue;
      const dup = facts.valid.find((e) => e.cn === host);
      if (dup !== undefined) {
        throw new UserError(
          `${host} already has a valid certificate from this CA (serial ${dup.serial}, expires ${dup.expires.toISOString().slice(0, 10)}).`,
          `Revoke it first: lockstep ca revoke --ca-dir ${ca.dir} --host ${host}`,
        );
      }
    }
    if (facts.existingFiles.length > 0) {
      throw new UserError(
        `Refusing to replace ${facts.existingFiles.join(', ')}: this CA has no record of it, or it is still valid.`,
        'Revoke it first (lockstep ca revoke --host <host>), or move the host folder away.',
      );
    }
    const rootPem = facts.rootPem;
    return [
      ...repairActions(ca, facts.db),
      ...hosts.flatMap((h): Action[] => {
        if (facts.alreadySigned.includes(h)) return facts.rootCopyMissing.includes(h) ? [rootCopyAction(ca, h, rootPem)] : [];
        const done = facts.interrupted[h];
        if (done === undefined) return hostActions(ca, h, answers, rootPem);
        return [
          { kind: 'write', title: `${h}: finish the interrupted signing (serial ${done.serial}, from newcerts/)`, path: ca.hostFile(h, 'crt'), content: done.pem, mode: 0o644 },
          rootCopyAction(ca, h, rootPem),
        ];
      }),
    ];
  },

  notes(_answers, facts) {
    return facts.alreadySigned.map((h) => `${h} already has its certificate from this CA: left as it is (revoke it to sign a new one).`);
  },

  async verify(answers, sys) {
    const ca = layoutOf(answers);
    const checks = [];
    for (const host of hostsOf(answers)) {
      const own = await checkCertificateFiles(sys, {
        certPath: ca.hostFile(host, 'crt'),
        keyPath: ca.hostFile(host, 'key'),
        hosts: [host],
        days: answers.days as number,
        keyType: answers.keyType as KeyType,
      });
      checks.push(...own.map((c) => ({ ...c, name: `${host}: ${c.name}` })));
      checks.push(await verifyAgainstRoot(sys, ca, host));
    }
    return checks;
  },

  summary(answers) {
    const ca = layoutOf(answers);
    return hostsOf(answers).map((h) => `${h}: ${ca.hostFile(h, 'key')} (0600), ${ca.hostFile(h, 'crt')}, root for clients ${ca.hostDir(h)}/${ca.name}.crt`);
  },
};
