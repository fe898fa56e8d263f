// `lockstep cert purchased`: a key and a CSR with the names and organisation fields a vendor
// (DigiCert, Sectigo...) asks for; the CSR's fingerprint is shown so the operator can check
// what the vendor received. `lockstep cert install` takes the vendor's answer.
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { p, type Action } from '../core/actions.js';
import { UserError } from '../core/errors.js';
import type { Answers, Question } from '../core/questions.js';
import type { Step } from '../core/step.js';
import type { System } from '../core/system.js';
import { KEY_TYPE_CHOICES, genpkeyArgs, type KeyType } from '../pki/key-types.js';
import { LOCKSTEP_DIR, archiveDir, archivePath, lastArchiveVersion, renewalFile } from './live-layout.js';
import { renewalRecordOf, renewalRecordText, type DeployRecord } from './renewal-record.js';

const run = promisify(execFile);

export interface PurchasedFacts {
  readonly version: number;
  readonly whyNotWritable?: string;
  /** How web https reloads and checks the site serving this name: a new order keeps it. */
  readonly deploy?: DeployRecord;
}

const domainsOf = (a: Answers): readonly string[] => (a.domain as readonly string[] | undefined) ?? [];
const nameOf = (a: Answers): string => domainsOf(a)[0] ?? 'domain';
const escapeSubj = (v: string): string => v.replace(/[\\/]/g, (c) => `\\${c}`);

export const purchasedQuestions: readonly Question[] = [
  { kind: 'hostname', id: 'domain', multiple: true, message: 'Domain names for the certificate', help: 'The first is the Common Name; all become subjectAltNames.' },
  { kind: 'text', id: 'org', message: 'Organisation (legal name, as the vendor will check it)', validate: (v) => (v.trim() === '' ? 'is empty' : v.length > 64 ? 'is longer than 64 characters' : undefined) },
  { kind: 'text', id: 'country', message: 'Country (two-letter ISO code, e.g. DE)', validate: (v) => (/^[A-Z]{2}$/.test(v) ? undefined : `"${v}" is not a two-letter country code in capitals (e.g. US, DE)`) },
  { kind: 'text', id: 'state', message: 'State or province (empty to leave out)', optional: true },
  { kind: 'text', id: 'locality', message: 'City (empty to leave out)', optional: true },
  { kind: 'select', id: 'keyType', message: 'Key type', default: 'rsa2048', choices: KEY_TYPE_CHOICES, help: 'RSA 2048 is what every vendor accepts; most accept ECDSA too.' },
];

/** The SHA-256 fingerprint of a CSR (of its DER), as vendors' forms and `openssl req -outform DER | sha256sum` show it. */
export function csrFingerprint(pem: string): string {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  return createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)?.join(':') ?? '';
}

export const purchasedStep: Step<PurchasedFacts> = {
  id: 'cert purchased',
  title: 'Certificate from a vendor: key and CSR',
  description: 'Makes a private key and a certificate signing request to paste into a vendor\'s order form (DigiCert, Sectigo...); install the answer with "cert install".',
  questions: purchasedQuestions,

  async facts(answers: Answers, sys: System): Promise<PurchasedFacts> {
    if (domainsOf(answers).length === 0) return { version: 0 };
    const why = await sys.whyNotWritableDir(LOCKSTEP_DIR);
    // A broken record is replaced; a good one's deploy part is kept.
    const deploy = (await renewalRecordOf(sys, nameOf(answers)))?.deploy;
    return { version: await lastArchiveVersion(sys, nameOf(answers)), ...(why !== undefined ? { whyNotWritable: why } : {}), ...(deploy !== undefined ? { deploy } : {}) };
  },

  plan(answers: Answers, facts: PurchasedFacts): readonly Action[] {
    if (facts.whyNotWritable !== undefined) throw new UserError(`Cannot write ${LOCKSTEP_DIR}: ${facts.whyNotWritable}.`);
    const name = nameOf(answers);
    const n = facts.version + 1;
    const subject = [
      ['C', answers.country],
      ['ST', answers.state],
      ['L', answers.locality],
      ['O', answers.org],
      ['CN', name],
    ]
      .filter(([, v]) => typeof v === 'string' && v !== '')
      .map(([k, v]) => `/${String(k)}=${escapeSubj(String(v))}`)
      .join('');
    const key = archivePath(name, 'privkey', n);
    const csr = archivePath(name, 'csr', n);
    return [
      { kind: 'mkdir', title: `Create the archive folder for ${name} (owner only)`, path: archiveDir(name), mode: 0o700 },
      { kind: 'mkdir', title: 'Create the renewal folder', path: renewalFile(name).replace(/\/[^/]+$/, ''), mode: 0o755 },
      { kind: 'run', title: `Generate the ${String(answers.keyType)} private key`, argv: ['openssl', 'genpkey', ...genpkeyArgs(answers.keyType as KeyType)], stdoutTo: { path: key, mode: 0o600 } },
      {
        kind: 'run',
        title: `Make the CSR for ${domainsOf(answers).join(', ')}`,
        argv: ['openssl', 'req', '-new', '-config', '/dev/null', '-sha256', '-key', p(key), '-subj', subject, '-addext', `subjectAltName=${domainsOf(answers).map((d) => `DNS:${d}`).join(',')}`],
        stdoutTo: { path: csr, mode: 0o644 },
      },
      { kind: 'run', title: 'Show the CSR as the vendor will read it', argv: ['openssl', 'req', '-in', p(csr), '-noout', '-verify', '-subject', '-text'] },
      {
        kind: 'write',
        title: `Record that ${name} is renewed through the vendor`,
        path: renewalFile(name),
        mode: 0o644,
        content: renewalRecordText({ method: 'purchased', command: 'cert purchased', answers, ...(facts.deploy !== undefined ? { deploy: facts.deploy } : {}) }),
      },
    ];
  },

  async verify(answers, sys) {
    const name = nameOf(answers);
    const n = await lastArchiveVersion(sys, name);
    const csrPath = archivePath(name, 'csr', n);
    const pem = await sys.readText(csrPath);
    if (pem === undefined) return [{ name: 'CSR written', ok: false, evidence: `${csrPath} is missing` }];
    const fingerprint = csrFingerprint(pem);
    const verified = await run('openssl', ['req', '-in', sys.real(csrPath), '-noout', '-verify']).then(() => true, () => false);
    const keyMode = (await sys.stat(archivePath(name, 'privkey', n)))?.mode;
    return [
      { name: 'CSR signed by its key', ok: verified, evidence: `${csrPath}, SHA-256 fingerprint ${fingerprint}` },
      { name: 'private key readable by its owner only', ok: keyMode !== undefined && (keyMode & 0o077) === 0, evidence: `${archivePath(name, 'privkey', n)} mode ${keyMode === undefined ? 'missing' : (keyMode & 0o777).toString(8)}` },
    ];
  },

  summary(answers) {
    const name = nameOf(answers);
    return [
      `CSR in ${archiveDir(name)}/csr<N>.pem (the newest): paste all of it, BEGIN and END lines included, into the vendor's form; its fingerprint is in the checks above.`,
      `The key stays in ${archiveDir(name)}/privkey<N>.pem (mode 0600); never send it anywhere.`,
      `When the vendor answers: lockstep cert install --domain ${domainsOf(answers).join(',')} --cert THEIR-FILE [--chain THEIR-CHAIN]`,
    ];
  },
};
