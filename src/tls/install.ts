// `lockstep cert install`: the vendor's certificate (PEM, DER or PKCS#7, with or without a
// separate chain file; or a .pfx holding key, certificate and chain) checked against the key, the
// names, the dates and the trust store, then put into /etc/lockstep/live/<name>/ like every other
// certificate lockstep manages.
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import { p, type Action } from '../core/actions.js';
import { UserError } from '../core/errors.js';
import { OPERATOR_FILE, answerPlace, ownerOf, pathArg } from '../core/paths.js';
import type { Answers, Question } from '../core/questions.js';
import type { SecretReader, Step } from '../core/step.js';
import { pfxKeyAction, readPfx } from '../pki/pkcs12.js';
import type { System } from '../core/system.js';
import { checkCaName, DEFAULT_CA_NAME } from '../ca/layout.js';
import { analyseBundle, loadCertificates, type BundleReport } from './cert-bundle.js';
import { installLive } from './letsencrypt.js';
import { checkLiveFiles } from './live-checks.js';
import { archiveDir, archivePath, lastArchiveVersion, liveDir, pemBlocks, renewalFile } from './live-layout.js';
import { renewalRecordOf, renewalRecordText, type DeployRecord, type StoredRenewalRecord } from './renewal-record.js';

export interface InstallFacts {
  readonly version: number;
  /** The newest archived key, when it has no certificate yet (made by cert purchased). */
  readonly pendingKey?: string;
  readonly report?: BundleReport;
  /** Unreadable input, naming the flag. */
  readonly inputError?: string;
  /** The renewal record already there (cert purchased's answers, web https's deploy): kept on reinstall. */
  readonly previous?: { readonly answers?: StoredRenewalRecord['answers']; readonly deploy?: DeployRecord };
  /** --pfx needs openssl's legacy provider (RC2/3DES from older Windows exports). */
  readonly pfxLegacy?: boolean;
}

export const DEFAULT_TRUST_STORE = '/etc/ssl/certs/ca-certificates.crt';
const domainsOf = (a: Answers): readonly string[] => (a.domain as readonly string[] | undefined) ?? [];
const nameOf = (a: Answers): string => domainsOf(a)[0] ?? 'domain';
const pfxOf = (a: Answers): string | undefined => (typeof a.pfx === 'string' && a.pfx !== '' ? a.pfx : undefined);
const noPfx = (a: Answers): boolean => pfxOf(a) === undefined;

export const installQuestions: readonly Question[] = [
  { kind: 'hostname', id: 'domain', multiple: true, message: 'Names the certificate must cover', help: 'The first names the folder in /etc/lockstep/live/.' },
  {
    kind: 'path',
    id: 'pfx',
    message: 'A PKCS#12 file (.pfx or .p12) holding the key, the certificate and its chain, instead of --cert and --key (empty: none)',
    help: `As a vendor or a Windows server exports it. ${OPERATOR_FILE} Its password: --pfx-password-file, LOCKSTEP_PFX_PASSWORD or a masked prompt, never a flag value.`,
    optional: true,
    operator: true,
  },
  { kind: 'secret', id: 'pfxPassword', message: 'Password of the .pfx file', when: (a) => !noPfx(a) },
  { kind: 'path', id: 'cert', message: 'The certificate file from the vendor (PEM, DER or PKCS#7; may hold the chain too)', help: OPERATOR_FILE, operator: true, when: noPfx },
  { kind: 'path', id: 'chain', message: 'The intermediate certificates, if the vendor sent them separately (empty: none)', help: OPERATOR_FILE, optional: true, operator: true, when: noPfx },
  {
    kind: 'path',
    id: 'key',
    message: 'The private key the CSR was made with',
    help: `${OPERATOR_FILE} The default is the key "cert purchased" made, in /etc/lockstep/archive/ (under --root).`,
    default: (_a, facts) => (facts as InstallFacts | undefined)?.pendingKey,
    when: noPfx,
    operator: true,
  },
  { kind: 'path', id: 'trustStore', message: 'Trusted roots (PEM bundle) the chain must reach', help: `${OPERATOR_FILE} The default is the system's bundle (under --root).`, default: DEFAULT_TRUST_STORE, operator: true },
  {
    kind: 'path',
    id: 'caDir',
    message: 'Folder of the private CA that signed it (lockstep onboard and renew give it)',
    help: 'With it the certificate is recorded as your private CA\'s, renewed by signing it again (lockstep renew), and chain.pem holds the CA\'s root.',
    unasked: true,
  },
  { kind: 'text', id: 'caName', message: 'Name of that CA', unasked: true, validate: checkCaName },
];

/** The private CA that signed the certificate, when the answers name one (onboard's and renew's install). */
const privateCaOf = (a: Answers): { caDir: string; caName: string } | undefined =>
  typeof a.caDir === 'string' ? { caDir: a.caDir, caName: typeof a.caName === 'string' ? a.caName : DEFAULT_CA_NAME } : undefined;

/** The step's question (a sequence may have given it a default: what an earlier stage settled). */
const question = (questions: readonly Question[], id: string): Question => questions.find((q) => q.id === id) ?? (installQuestions.find((q) => q.id === id) as Question);

/**
 * A renewed certificate goes back to the same nginx and is ordered again with the same
 * organisation fields: the record's deploy part, and cert purchased's answers, survive a reinstall.
 */
async function previousRecord(sys: System, name: string): Promise<InstallFacts['previous']> {
  const r = await renewalRecordOf(sys, name);
  if (r === undefined) return undefined;
  return { ...(r.method === 'purchased' ? { answers: r.answers } : {}), ...(r.deploy !== undefined ? { deploy: r.deploy } : {}) };
}

/** The trusted roots of --trust-store, or why they cannot be had (a file without a PEM certificate is no empty store). */
async function trustStoreOf(answers: Answers, read: () => Promise<Buffer>): Promise<X509Certificate[] | string> {
  const file = String(answers.trustStore);
  try {
    const trusted = pemBlocks((await read()).toString('utf8')).map((b) => new X509Certificate(b));
    if (trusted.length === 0) return `--trust-store ${file} holds no certificate: give a PEM bundle of trusted roots (-----BEGIN CERTIFICATE----- blocks), such as the system's ${DEFAULT_TRUST_STORE}`;
    return trusted;
  } catch (error) {
    return `--trust-store ${file} cannot be read as PEM certificates: ${(error as Error).message}`;
  }
}

export const installStep: Step<InstallFacts> = {
  id: 'cert install',
  title: 'Install a purchased certificate',
  description: 'Checks the vendor\'s certificate against your key, names, dates and a complete chain to a trusted root, then installs it in /etc/lockstep/live/.',
  questions: installQuestions,

  async facts(answers: Answers, sys: System, secrets?: SecretReader): Promise<InstallFacts> {
    if (domainsOf(answers).length === 0) return { version: 0 };
    // An operator's file as given; a default (cert purchased's key, the system's trust store, a file an earlier stage made) on the target.
    const read = (id: string, facts?: InstallFacts): Promise<Buffer> => fs.readFile(answerPlace(sys, question(this.questions, id), answers, facts));
    const name = nameOf(answers);
    const version = await lastArchiveVersion(sys, name);
    const candidate = archivePath(name, 'privkey', version);
    const pending = version > 0 && (await sys.stat(candidate)) !== undefined && (await sys.stat(archivePath(name, 'cert', version))) === undefined;
    const previous = await previousRecord(sys, name);
    const base = { version, ...(pending ? { pendingKey: candidate } : {}), ...(previous !== undefined ? { previous } : {}) };
    const pfx = pfxOf(answers);
    if (pfx !== undefined) {
      if (answers.trustStore === undefined || secrets?.has('pfxPassword') !== true) return base;
      const trusted = await trustStoreOf(answers, () => read('trustStore'));
      if (typeof trusted === 'string') return { ...base, inputError: trusted };
      try {
        // The operator's file, read as given (not under --root).
        const contents = await readPfx(pfx, secrets.get('pfxPassword'), `--pfx ${pfx}`);
        return { ...base, pfxLegacy: contents.legacy, report: analyseBundle(contents.certs, contents.keyPem, domainsOf(answers), trusted, true) };
      } catch (error) {
        return { ...base, inputError: (error as Error).message };
      }
    }
    if (answers.cert === undefined || answers.key === undefined || answers.trustStore === undefined) return base;
    const given = [];
    let unordered = false;
    for (const [flag, id] of [['--cert', 'cert'], ['--chain', 'chain']] as const) {
      const file = answers[id];
      if (typeof file !== 'string') continue;
      let data: Buffer;
      try {
        data = await read(id);
      } catch (error) {
        return { ...base, inputError: `${flag} ${file} cannot be read: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (error as Error).message}` };
      }
      try {
        const loaded = await loadCertificates(data, `${flag} ${file}`);
        given.push(...loaded.certs);
        unordered ||= loaded.unordered;
      } catch (error) {
        return { ...base, inputError: (error as Error).message };
      }
    }
    let keyPem: string;
    try {
      keyPem = (await read('key', base)).toString('utf8');
    } catch (error) {
      return { ...base, inputError: `--key ${String(answers.key)} cannot be read: ${(error as Error).message}` };
    }
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(keyPem)) {
      return { ...base, inputError: `--key ${String(answers.key)} is not a private key: give the PEM file (-----BEGIN PRIVATE KEY-----) of the key the certificate was made for` };
    }
    const trusted = await trustStoreOf(answers, () => read('trustStore'));
    if (typeof trusted === 'string') return { ...base, inputError: trusted };
    return { ...base, report: analyseBundle(given, keyPem, domainsOf(answers), trusted, unordered) };
  },

  plan(answers: Answers, facts: InstallFacts): readonly Action[] {
    if (facts.inputError !== undefined) throw new UserError(`${facts.inputError}.`);
    const report = facts.report;
    if (report === undefined || report.leaf === undefined || report.problems.length > 0) {
      throw new UserError(
        `The certificate in ${pfxOf(answers) !== undefined ? `--pfx ${pfxOf(answers)}` : `--cert ${String(answers.cert)}`} cannot be installed; nothing was changed.`,
        'Fix these and run again (vendors offer the intermediate bundle for download; put the server certificate first):',
        report?.problems ?? ['the files could not be checked'],
      );
    }
    const name = nameOf(answers);
    const pfx = pfxOf(answers);
    const keyFile = String(answers.key);
    const reuse = pfx === undefined && facts.pendingKey === keyFile;
    const n = reuse ? facts.version : facts.version + 1;
    const leafPem = report.leaf.toString();
    const ca = privateCaOf(answers);
    // A private CA signs with its root directly: the chain is the root, which is what a client
    // must trust and what OCSP stapling checks against (an empty chain.pem says nothing).
    const chainCerts = ca !== undefined && report.chain.length === 0 && report.root !== undefined ? [report.root] : report.chain;
    const chainPem = chainCerts.map((c) => c.toString()).join('');
    const chainTitle = ca !== undefined && chainCerts.length === 1 && chainCerts[0] === report.root ? "the CA's root certificate" : `${chainCerts.length} intermediate certificate(s), leaf's issuer first`;
    const actions: Action[] = [
      { kind: 'mkdir', title: `Create the archive folder for ${name} (owner only)`, path: archiveDir(name), mode: 0o700 },
      { kind: 'mkdir', title: `Create the live folder for ${name}`, path: liveDir(name), mode: 0o755 },
      { kind: 'mkdir', title: 'Create the renewal folder', path: renewalFile(name).replace(/\/[^/]+$/, ''), mode: 0o755 },
    ];
    if (pfx !== undefined) actions.push(pfxKeyAction(pfx, archivePath(name, 'privkey', n), facts.pfxLegacy === true, 'pfxPassword'));
    else if (!reuse) actions.push({ kind: 'run', title: 'Copy the private key into the archive (mode 0600)', argv: ['install', '-m', '0600', pathArg(keyFile, ownerOf(question(this.questions, 'key'), answers, facts)), p(archivePath(name, 'privkey', n))] });
    actions.push(
      { kind: 'write', title: 'Archive the certificate', path: archivePath(name, 'cert', n), content: leafPem, mode: 0o644 },
      { kind: 'write', title: `Archive the chain (${chainTitle})`, path: archivePath(name, 'chain', n), content: chainPem, mode: 0o644 },
      { kind: 'write', title: 'Archive the full chain', path: archivePath(name, 'fullchain', n), content: leafPem + chainPem, mode: 0o644 },
      ...installLive(name, n),
      {
        kind: 'write',
        title: ca !== undefined ? `Record that ${name} is renewed by signing it again with the private CA` : `Record that ${name} is renewed through the vendor`,
        path: renewalFile(name),
        mode: 0o644,
        content: renewalRecordText({
          ...(ca !== undefined
            ? { method: 'private-ca' as const, command: 'ca sign', answers: { domain: [...domainsOf(answers)], ...ca } }
            : { method: 'purchased' as const, command: 'cert purchased', answers: { ...facts.previous?.answers, domain: [...domainsOf(answers)] } }),
          ...(facts.previous?.deploy !== undefined ? { deploy: facts.previous.deploy } : {}),
        }),
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
      `Installed for ${domainsOf(answers).join(', ')}: ${liveDir(name)}/{privkey,cert,chain,fullchain}.pem`,
      privateCaOf(answers) !== undefined
        ? '"lockstep web https" serves it with nginx; "lockstep renew" signs it again with your private CA before it expires (it asks for the CA\'s passphrase, or takes --passphrase-file).'
        : '"lockstep web https" serves it with nginx; "lockstep renew" reminds you before it expires (a vendor certificate is renewed by ordering again).',
    ];
  },

  notes(_answers, facts) {
    return facts.report?.notes ?? [];
  },
};

