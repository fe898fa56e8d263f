// `lockstep web reload`: after a certificate was renewed or installed, nginx reloads (new
// workers read the new files, open connections finish on the old ones) and is checked to serve
// exactly the certificate now in the folder — several connections in a row, since an old
// worker may still answer one.
import { checkIpAddress } from '../core/validate.js';
import { X509Certificate } from 'node:crypto';
import { p, type Action } from '../core/actions.js';
import { UserError } from '../core/errors.js';
import type { Answers, Question } from '../core/questions.js';
import type { Step } from '../core/step.js';
import type { System } from '../core/system.js';
import { selfCommand } from '../core/self-command.js';
import { waitForServed } from './https-nginx.js';
import { NGINX_SANDBOX_NOTE } from './nginx-sandbox.js';

export interface NginxReloadFacts {
  readonly fingerprint?: string;
  readonly problem?: string;
}

export const nginxReloadQuestions: readonly Question[] = [
  { kind: 'path', id: 'certFile', message: 'The certificate nginx should serve after the reload (its cert.pem)' },
  { kind: 'path', id: 'nginxConf', message: 'nginx main configuration (for the reload)', default: '/etc/nginx/nginx.conf' },
  { kind: 'text', id: 'serverName', message: 'Name to ask for (SNI) when checking', validate: (v) => (/^[A-Za-z0-9.-]+$/.test(v) ? undefined : `"${v}" is not a host name`) },
  { kind: 'text', id: 'host', message: 'Address nginx listens on for HTTPS', default: '127.0.0.1', validate: checkIpAddress },
  { kind: 'integer', id: 'httpsPort', message: 'HTTPS port', default: 443, min: 1, max: 65535 },
];

export const nginxReloadStep: Step<NginxReloadFacts> = {
  id: 'web reload',
  title: 'Reload nginx and check the certificate it serves',
  description: 'Reloads nginx (open connections finish on the old files) and checks that it serves the certificate now in the folder.',
  questions: nginxReloadQuestions,

  async facts(answers: Answers, sys: System): Promise<NginxReloadFacts> {
    if (typeof answers.certFile !== 'string') return {};
    const pem = await sys.readText(answers.certFile);
    if (pem === undefined) return { problem: `${answers.certFile} does not exist` };
    try {
      return { fingerprint: new X509Certificate(pem).fingerprint256 };
    } catch (error) {
      return { problem: `${answers.certFile} is not a certificate: ${(error as Error).message}` };
    }
  },

  plan(answers, facts): readonly Action[] {
    if (facts.problem !== undefined) throw new UserError(`Nothing to check nginx against: ${facts.problem} (--cert-file).`);
    return [
      {
        kind: 'run',
        title: 'Reload nginx (nginx -s reload); open connections finish on the old files',
        argv: ['nginx', '-s', 'reload', '-c', p(String(answers.nginxConf))],
        sandbox: { argv: [...selfCommand(), 'internal', 'nginx', p('/', '--root='), '-s', 'reload', '-c', p(String(answers.nginxConf))], note: NGINX_SANDBOX_NOTE },
      },
    ];
  },

  async verify(answers, sys) {
    const pem = await sys.readText(String(answers.certFile));
    const want = pem === undefined ? undefined : new X509Certificate(pem).fingerprint256;
    return [await waitForServed(String(answers.host), Number(answers.httpsPort), String(answers.serverName), want)];
  },

  summary(answers) {
    return [`nginx on ${String(answers.host)}:${String(answers.httpsPort)} serves ${String(answers.certFile)} for ${String(answers.serverName)}.`];
  },
};
