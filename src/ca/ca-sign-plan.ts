// The actions of `ca sign`, host by host: folder, key, CSR, extensions, certificate, the root
// beside it (and the .p12). The hosts run as chains side by side, os.availableParallelism() at
// once (key generation is most of the time, and each host's files are its own); the
// `openssl ca` runs one after another in host order: they share index.txt and serial, which
// openssl does not lock. A re-issue revokes the old certificate (superseded) before the hosts;
// the CRL comes last.
import { p, type Action } from '../core/actions.js';
import type { Answers } from '../core/questions.js';
import { genpkeyArgs, type KeyType } from '../pki/key-types.js';
import { pfxExportAction } from '../pki/pkcs12.js';
import type { CaConfigUse } from './ca-config.js';
import type { CaLayout } from './layout.js';
import { sanValue } from './san.js';

export const HOSTS_SIGNED = 'hosts signed';

function extFile(host: string, san: string | undefined, keyType: KeyType, crlUrl: string): string {
  return [
    '# Extensions for this host certificate, written by lockstep (used with openssl ca -extfile).',
    '[ host_ext ]',
    'basicConstraints       = critical, CA:false',
    `keyUsage               = critical, digitalSignature${keyType.startsWith('rsa') ? ', keyEncipherment' : ''}`,
    'extendedKeyUsage       = serverAuth, clientAuth',
    'subjectKeyIdentifier   = hash',
    'authorityKeyIdentifier = keyid, issuer',
    `subjectAltName         = ${sanValue(host, san)}`,
    // Where clients fetch the CRL (ca crl makes it): --crl-url, none by default.
    ...(crlUrl !== '' ? [`crlDistributionPoints  = URI:${crlUrl}`] : []),
    '',
  ].join('\n');
}

const PASS = [{ fd: 3, secret: 'passphrase' }];

/** `openssl ca` with the CA's config (config.cnf, or the --root view of it). */
function caCommand(cfg: CaConfigUse, title: string, args: readonly (string | ReturnType<typeof p>)[], extra: Partial<Extract<Action, { kind: 'run' }>> = {}): Action {
  return {
    kind: 'run',
    title,
    argv: ['openssl', 'ca', ...cfg.args, ...args, '-passin', 'fd:3'],
    secretFds: PASS,
    ...extra,
  };
}

export const rootCopyOf = (ca: CaLayout, host: string): string => `${ca.hostDir(host)}/${ca.name}.crt`;

export function rootCopyAction(ca: CaLayout, host: string, rootPem: string): Action {
  return { kind: 'write', title: `${host}: root certificate for clients`, path: rootCopyOf(ca, host), content: rootPem, mode: 0o644 };
}

export function revokeAction(ca: CaLayout, cfg: CaConfigUse, serial: string, reason: string, title: string): Action {
  return caCommand(cfg, title, ['-revoke', p(`${ca.dir}/newcerts/${serial}.pem`), '-crl_reason', reason]);
}

export function gencrlAction(ca: CaLayout, cfg: CaConfigUse): Action {
  return caCommand(cfg, 'Publish a new certificate revocation list', ['-gencrl'], { stdoutTo: { path: ca.crl, mode: 0o644 } });
}

/** One host's chain: folder, key, CSR, extensions, certificate (under the CA database lock). */
export function newHostActions(ca: CaLayout, cfg: CaConfigUse, h: string, answers: Answers, san: string | undefined): Action[] {
  const keyType = answers.keyType as KeyType;
  return [
    { kind: 'mkdir', title: `${h}: create ${ca.hostDir(h)}`, path: ca.hostDir(h), mode: 0o755 },
    {
      kind: 'run',
      title: `${h}: generate the ${keyType} key`,
      argv: ['openssl', 'genpkey', ...genpkeyArgs(keyType)],
      stdoutTo: { path: ca.hostFile(h, 'key'), mode: 0o600 },
    },
    {
      kind: 'run',
      title: `${h}: certificate signing request`,
      argv: ['openssl', 'req', '-new', '-key', p(ca.hostFile(h, 'key')), '-config', p(ca.orgConfig), '-subj', `/CN=${h}`],
      stdoutTo: { path: ca.hostFile(h, 'csr'), mode: 0o644 },
    },
    { kind: 'write', title: `${h}: certificate extensions`, path: ca.hostFile(h, 'ext'), content: extFile(h, san, keyType, typeof answers.crlUrl === 'string' ? answers.crlUrl : ''), mode: 0o644 },
    caCommand(
      cfg,
      `${h}: sign with the CA`,
      ['-batch', '-notext', '-in', p(ca.hostFile(h, 'csr')), '-extfile', p(ca.hostFile(h, 'ext')), '-extensions', 'host_ext', '-days', String(answers.days)],
      { stdoutTo: { path: ca.hostFile(h, 'crt'), mode: 0o644 }, counts: HOSTS_SIGNED, concurrency: { group: HOSTS, chain: h, exclusive: CA_DATABASE } },
    ),
  ];
}

const HOSTS = 'hosts';
const CA_DATABASE = 'the CA database';

/** The actions of several hosts as chains that may run side by side (`openssl ca` one at a time). */
export function sideBySide(chains: ReadonlyMap<string, readonly Action[]>): Action[] {
  const out: Action[] = [];
  for (const [h, actions] of chains) {
    for (const a of actions) {
      if (a.kind !== 'run' && a.kind !== 'write' && a.kind !== 'mkdir') throw new Error(`ca sign: a ${a.kind} action cannot run beside others`);
      const own = 'concurrency' in a ? a.concurrency : undefined;
      out.push({ ...a, concurrency: { group: HOSTS, chain: h, ...(own?.exclusive !== undefined ? { exclusive: own.exclusive } : {}) } });
    }
  }
  return out;
}

/** The host's key, certificate and the root as one PKCS#12 (OpenSSL's defaults: AES-256, PBKDF2). */
export function p12Action(ca: CaLayout, h: string): Action {
  return pfxExportAction(
    `${h}: key, certificate and root as one PKCS#12 (mode 0600)`,
    { key: p(ca.hostFile(h, 'key')), cert: p(ca.hostFile(h, 'crt')), chain: p(ca.cert) },
    h,
    ca.hostFile(h, 'p12'),
    'p12Password',
  );
}
