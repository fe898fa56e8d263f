// `lockstep web https`: serves a certificate from /etc/lockstep/live/<name>/ with nginx, HTTPS
// only. The new site file is staged, then `lockstep internal nginx-swap` puts it in place,
// runs `nginx -t` and reloads, restoring the previous file when either fails.
import { checkIpAddress } from '../core/validate.js';
import { X509Certificate } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import tls from 'node:tls';
import { p, type Action } from '../core/actions.js';
import { UserError } from '../core/errors.js';
import type { Check } from '../core/events.js';
import type { Answers, Question } from '../core/questions.js';
import type { Step } from '../core/step.js';
import type { System } from '../core/system.js';
import { liveDir, renewalFile } from '../tls/live-layout.js';
import { parseRenewalRecord, renewalRecordText, type StoredRenewalRecord } from '../tls/renewal-record.js';
import { selfCommand } from '../core/self-command.js';
import { NGINX_SANDBOX_NOTE } from './nginx-sandbox.js';
import { nginxSite } from './nginx-site.js';

export interface HttpsNginxFacts {
  /** The --root the plan runs under: nginx opens real paths, so the site file names those. */
  readonly root: string;
  readonly missing: readonly string[];
  /** fullchain.pem, or cert.pem for a certificate without a chain (self-signed). */
  readonly fullchain: string;
  readonly ocspUrl: boolean;
  readonly currentSite?: string;
  /** The renewal record of the certificate, when it is one lockstep manages. */
  readonly renewal?: { readonly path: string; readonly text: string };
}

const DEFAULT_NGINX_CONF = '/etc/nginx/nginx.conf';
const domainsOf = (a: Answers): readonly string[] => (a.domain as readonly string[] | undefined) ?? [];
const certDirOf = (a: Answers): string => (a.certDir as string | undefined) ?? liveDir(domainsOf(a)[0] ?? 'domain');
const siteFileOf = (a: Answers): string => (a.siteFile as string | undefined) ?? `/etc/nginx/conf.d/lockstep-${domainsOf(a)[0] ?? 'site'}.conf`;
const stagedOf = (a: Answers): string => `${siteFileOf(a)}.lockstep-new`;

export const httpsNginxQuestions: readonly Question[] = [
  { kind: 'hostname', id: 'domain', multiple: true, message: 'Names the site answers to (server_name)' },
  {
    kind: 'path',
    id: 'certDir',
    message: 'Folder holding the certificate (fullchain.pem, or cert.pem when it has no chain) and privkey.pem',
    default: (a) => liveDir(domainsOf(a)[0] ?? 'domain'),
  },
  { kind: 'path', id: 'siteFile', message: 'nginx site file to write', default: (a) => `/etc/nginx/conf.d/lockstep-${domainsOf(a)[0] ?? 'site'}.conf` },
  { kind: 'path', id: 'nginxConf', message: 'nginx main configuration (for nginx -t and the reload)', default: DEFAULT_NGINX_CONF },
  { kind: 'path', id: 'documentRoot', message: 'Folder the HTTPS site serves', default: '/var/www/html' },
  {
    kind: 'path',
    id: 'acmeWebroot',
    message: 'Folder port 80 serves ACME HTTP-01 tokens from (use it as --webroot when renewing)',
    default: '/var/www/acme',
  },
  { kind: 'integer', id: 'httpPort', message: 'HTTP port (redirects to HTTPS)', default: 80, min: 1, max: 65535 },
  { kind: 'integer', id: 'httpsPort', message: 'HTTPS port', default: 443, min: 1, max: 65535, validate: (v, a) => (v === a.httpPort ? 'must differ from --http-port' : undefined) },
  {
    kind: 'text',
    id: 'listenAddress',
    message: 'Address to listen on (empty: every IPv4 and IPv6 address)',
    optional: true,
    validate: checkIpAddress,
  },
  {
    kind: 'confirm',
    id: 'hsts',
    flags: { yes: 'send HSTS: browsers then refuse plain HTTP for this name for two years', no: 'no HSTS header' },
    message: 'Send HSTS (browsers then refuse plain HTTP for this name for two years)?',
    help: 'Only once HTTPS works for every name of the site: it cannot be taken back for visitors who saw it.',
    default: false,
  },
];

export const httpsNginxStep: Step<HttpsNginxFacts> = {
  id: 'web https',
  title: 'HTTPS only with nginx',
  description: 'An nginx site serving your certificate over TLS 1.2/1.3 with the full chain, HTTP redirected to HTTPS; tested with nginx -t and rolled back if it fails.',
  questions: httpsNginxQuestions,

  async needs(preset, sys) {
    const conf = typeof preset.nginxConf === 'string' ? preset.nginxConf : DEFAULT_NGINX_CONF;
    if ((await sys.stat(conf)) !== undefined) return [];
    return [
      preset.nginxConf !== undefined
        ? { missing: `--nginx-conf ${conf} does not exist`, how: "Point --nginx-conf at nginx's main configuration" }
        : { missing: `nginx is not installed here: there is no ${conf}`, how: 'Install it with apt-get install nginx, or point --nginx-conf at its main configuration' },
    ];
  },

  async facts(answers: Answers, sys: System): Promise<HttpsNginxFacts> {
    const dir = certDirOf(answers);
    const has = async (f: string): Promise<boolean> => (await sys.stat(path.join(dir, f))) !== undefined;
    let ocspUrl = false;
    const certPem = await sys.readText(path.join(dir, 'cert.pem'));
    try {
      ocspUrl = certPem !== undefined && /OCSP - URI:/.test(new X509Certificate(certPem).infoAccess ?? '');
    } catch {
      // an unreadable certificate is nginx -t's to report, with its own words
    }
    // A self-signed certificate has no chain: its cert.pem is the whole chain. chain.pem is
    // only read for OCSP stapling.
    const fullchain = (await has('fullchain.pem')) ? 'fullchain.pem' : certPem !== undefined ? 'cert.pem' : undefined;
    const missing: string[] = [];
    if (fullchain === undefined) missing.push(path.join(dir, 'fullchain.pem'));
    if (!(await has('privkey.pem'))) missing.push(path.join(dir, 'privkey.pem'));
    if (ocspUrl && !(await has('chain.pem'))) missing.push(path.join(dir, 'chain.pem'));
    const nginxConf = (answers.nginxConf as string | undefined) ?? '/etc/nginx/nginx.conf';
    if (answers.nginxConf !== undefined && (await sys.stat(nginxConf)) === undefined) missing.push(nginxConf);
    const currentSite = domainsOf(answers).length > 0 ? await sys.readText(siteFileOf(answers)) : undefined;
    const live = /^\/etc\/lockstep\/live\/([^/]+)\/?$/.exec(dir)?.[1];
    const renewalText = live === undefined ? undefined : await sys.readText(renewalFile(live));
    return {
      root: sys.root,
      missing,
      fullchain: fullchain ?? 'fullchain.pem',
      ocspUrl,
      ...(currentSite !== undefined ? { currentSite } : {}),
      ...(live !== undefined && renewalText !== undefined ? { renewal: { path: renewalFile(live), text: renewalText } } : {}),
    };
  },

  plan(answers: Answers, facts: HttpsNginxFacts): readonly Action[] {
    if (facts.missing.length > 0) {
      const onlyNginx = facts.missing.length === 1 && facts.missing[0]!.endsWith('.conf');
      throw new UserError(
        `Cannot set up HTTPS: ${facts.missing.join(', ')} missing (${onlyNginx ? '--nginx-conf' : '--cert-dir'}).`,
        onlyNginx
          ? 'Install nginx first (apt-get install nginx), or point --nginx-conf at its main configuration.'
          : 'Get a certificate first (lockstep cert letsencrypt / install / self-signed), or point --cert-dir at its folder.',
      );
    }
    const real = (target: string): string => (facts.root === '/' ? target : path.join(facts.root, target));
    const dir = certDirOf(answers);
    const content = nginxSite({
      names: domainsOf(answers),
      fullchain: real(path.join(dir, facts.fullchain)),
      privkey: real(path.join(dir, 'privkey.pem')),
      chain: real(path.join(dir, 'chain.pem')),
      documentRoot: real(String(answers.documentRoot)),
      acmeWebroot: real(String(answers.acmeWebroot)),
      httpPort: Number(answers.httpPort),
      httpsPort: Number(answers.httpsPort),
      ...(typeof answers.listenAddress === 'string' && answers.listenAddress !== '' ? { listenAddress: answers.listenAddress } : {}),
      hsts: answers.hsts === true,
      ocspStapling: facts.ocspUrl,
    });
    return [
      { kind: 'mkdir', title: 'Create the ACME webroot', path: String(answers.acmeWebroot), mode: 0o755 },
      { kind: 'mkdir', title: 'Create the document root', path: String(answers.documentRoot), mode: 0o755 },
      { kind: 'mkdir', title: 'Create the site folder', path: path.dirname(siteFileOf(answers)), mode: 0o755 },
      {
        kind: 'write',
        title: `Stage the nginx site for ${domainsOf(answers).join(', ')}`,
        path: stagedOf(answers),
        content,
        mode: 0o644,
        ...(facts.currentSite !== undefined ? { basedOn: { path: siteFileOf(answers), content: facts.currentSite } } : {}),
      },
      ...renewalUpdate(answers, facts),
      {
        kind: 'run',
        title: 'Put the site in place, nginx -t, reload (the previous file is restored if either fails)',
        argv: [...selfCommand(), 'internal', 'nginx-swap', '--staged', p(stagedOf(answers)), '--target', p(siteFileOf(answers)), '--conf', p(String(answers.nginxConf))],
        sandbox: {
          argv: [...selfCommand(), 'internal', 'nginx-swap', '--staged', p(stagedOf(answers)), '--target', p(siteFileOf(answers)), '--conf', p(String(answers.nginxConf)), p('/', '--root=')],
          note: NGINX_SANDBOX_NOTE,
        },
      },
    ];
  },

  async verify(answers, sys) {
    const host = (answers.listenAddress as string | undefined) ?? '127.0.0.1';
    const name = domainsOf(answers)[0] ?? 'localhost';
    const certPem = await sys.readText(path.join(certDirOf(answers), 'cert.pem'));
    const want = certPem === undefined ? undefined : new X509Certificate(certPem).fingerprint256;
    return [await waitForServed(host, Number(answers.httpsPort), name, want), await redirectCheck(host, Number(answers.httpPort), name, Number(answers.httpsPort))];
  },

  summary(answers) {
    return [
      `nginx serves ${domainsOf(answers).join(', ')} over HTTPS on port ${String(answers.httpsPort)}; port ${String(answers.httpPort)} redirects (301).`,
      `Site file: ${siteFileOf(answers)}; certificate from ${certDirOf(answers)}.`,
      // Whatever made the certificate (ACME, the private CA, a vendor): renew's record says how it is renewed.
      certDirOf(answers).startsWith('/etc/lockstep/live/')
        ? `"lockstep renew" renews it the way it was made and then reloads this nginx and checks what it serves (an ACME order by HTTP-01 puts its tokens in ${String(answers.acmeWebroot)}).`
        : 'After renewing the certificate, "lockstep web reload" reloads this nginx and checks what it serves.',
    ];
  },
};

/**
 * Renewal from now on goes through this nginx: HTTP-01 tokens into its ACME webroot (port 80 is
 * nginx's now, a standalone listener could not bind it), then a reload and a check of what it serves.
 */
function renewalUpdate(answers: Answers, facts: HttpsNginxFacts): Action[] {
  if (facts.renewal === undefined) return [];
  const parsed = parseRenewalRecord(facts.renewal.text, facts.renewal.path);
  if (!('record' in parsed)) return [];
  const record = parsed.record;
  const acme = record.method === 'letsencrypt' && record.answers.challenge === 'http-01';
  const { http01Port: _dropped, ...rest } = record.answers;
  const updated: StoredRenewalRecord = {
    ...record,
    ...(acme ? { answers: { ...rest, webroot: String(answers.acmeWebroot) } } : {}),
    deploy: {
      nginxConf: String(answers.nginxConf),
      host: (answers.listenAddress as string | undefined) ?? '127.0.0.1',
      httpsPort: Number(answers.httpsPort),
      serverName: domainsOf(answers)[0] ?? '',
    },
  };
  return [
    {
      kind: 'write',
      title: `Renew through nginx: ${acme ? 'HTTP-01 tokens in its ACME webroot, ' : ''}reload and check after renewal`,
      path: facts.renewal.path,
      content: renewalRecordText(updated),
      mode: 0o644,
    },
  ];
}

/**
 * After a reload old workers finish gracefully and for a moment one may still accept a
 * connection: the certificate must be served several times in a row (up to 10 s).
 */
export async function waitForServed(host: string, port: number, name: string, want: string | undefined): Promise<Check> {
  let inARow = 0;
  let last: Check = { name: 'nginx serves the new certificate', ok: false, evidence: 'not checked' };
  for (let i = 0; i < 100; i++) {
    last = await servedCheck(host, port, name, want);
    inARow = last.ok ? inARow + 1 : 0;
    if (inARow === 5) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  return last;
}

/** The certificate nginx serves for `name` is the one in cert.pem. */
export function servedCheck(host: string, port: number, name: string, wantFingerprint: string | undefined): Promise<Check> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host, port, servername: name, rejectUnauthorized: false, timeout: 5000 }, () => {
      const got = socket.getPeerX509Certificate()?.fingerprint256;
      socket.destroy();
      resolve({ name: 'nginx serves the new certificate', ok: got !== undefined && got === wantFingerprint, evidence: `${host}:${port} (${name}) sent ${got ?? 'nothing'}` });
    });
    socket.on('error', (e) => resolve({ name: 'nginx serves the new certificate', ok: false, evidence: `${host}:${port}: ${e.message}` }));
    socket.on('timeout', () => socket.destroy(new Error('timed out')));
  });
}

/** A real request to port `port`: nginx answers 301 to the https URL (the step's check and the checklist's web.redirect). */
export function redirectCheck(host: string, port: number, name: string, httpsPort: number): Promise<Check> {
  const want = `https://${name}${httpsPort === 443 ? '' : `:${httpsPort}`}/`;
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: '/', headers: { host: name }, timeout: 5000 }, (res) => {
      res.resume();
      const ok = res.statusCode === 301 && res.headers.location === want;
      resolve({ name: 'HTTP redirects to HTTPS (301)', ok, evidence: `${res.statusCode ?? '?'} → ${res.headers.location ?? 'no Location'}` });
    });
    req.on('error', (e) => resolve({ name: 'HTTP redirects to HTTPS (301)', ok: false, evidence: `${host}:${port}: ${e.message}` }));
    req.on('timeout', () => req.destroy(new Error('timed out')));
  });
}
