// Renewal in the TUI: a walk through each certificate lockstep manages. The first screen lists
// them all with days left; then, for each one inside its window (or every one with --force),
// what will happen and a yes, then the steps that renew it the way it was made — each with its
// preview, apply and checks — and nginx reloaded and checked. Unattended renewal (`renew
// --yes`, the timer) is renew.ts; both read the same list.
import { X509Certificate } from 'node:crypto';
import { caLayout } from '../ca/layout.js';
import { caRevokeStep } from '../ca/ca-revoke.js';
import { caSignStep } from '../ca/ca-sign.js';
import type { AnswerValue } from '../core/questions.js';
import { MASK } from '../core/secrets.js';
import type { Sequence, Stage, StageContext } from '../core/sequence.js';
import type { Step } from '../core/step.js';
import type { System } from '../core/system.js';
import { withAri, ariLine } from '../tls/ari-status.js';
import { installStep } from '../tls/install.js';
import { letsEncryptStep } from '../tls/letsencrypt.js';
import type { ManagedCert } from '../tls/managed.js';
import { purchasedStep } from '../tls/purchased.js';
import { foundAdvice } from '../tls/found-in-nginx.js';
import { listForRenewal, statusLine } from '../tls/renew-list.js';
import { installAnswers, resignAnswers } from '../tls/renew-private-ca.js';
import { reorderAnswers, waitingCsr } from '../tls/renew-purchased.js';
import { nginxReloadStep } from '../web/nginx-reload.js';
import { after } from './stage-rules.js';

export interface RenewWalkOptions {
  readonly force: boolean;
  readonly caDir: string;
  readonly caName: string;
}

function overviewStep(certs: readonly ManagedCert[], o: RenewWalkOptions): Step<Record<string, never>> {
  const due = certs.filter((c) => c.due || o.force);
  return {
    id: 'renew',
    title: 'Certificate renewal',
    description: 'A walk through the certificates lockstep manages: days left, and each one inside its renewal window renewed the way it was made, with its plan shown first.',
    questions: [],
    advisory: true,
    facts: async () => ({}),
    plan: () => [],
    verify: async () => [],
    notes: () => (certs.length === 0 ? ['lockstep manages no certificates yet (none in /etc/lockstep/renewal/, none signed by the private CA).'] : certs.flatMap((c) => [statusLine(c), ...(c.ari !== undefined ? [`  ${ariLine(c.ari)}`] : [])])),
    summary: () =>
      due.length === 0
        ? ['Nothing is due: every certificate is outside its renewal window (a third of its lifetime left; --force renews anyway).']
        : [`${due.length} of ${certs.length} to renew: ${due.map((c) => c.name).join(', ')}. Each is asked about in turn.`],
  };
}

/** What renewing `c` will do, for the question before its steps. */
function what(c: ManagedCert): string {
  const reload = c.record.deploy !== undefined ? `, then nginx reloaded and checked on ${c.record.deploy.host}:${c.record.deploy.httpsPort}` : '';
  switch (c.record.method) {
    case 'letsencrypt':
      return `A new ACME order with the answers of the last one (${String(c.record.answers.challenge ?? 'http-01')}), a new key, the files in live/${c.name}/ replaced (the old ones stay in archive/)${reload}.`;
    case 'private-ca':
      return `The certificate revoked (superseded) and signed again by the private CA with the same names, key type and lifetime; the CA's passphrase is asked${c.liveName !== undefined ? `; installed into live/${c.liveName}/` : ''}${reload}.`;
    case 'purchased':
      return 'A fresh key and CSR for your vendor, with the names and organisation of the certificate in use; the live files stay until you install their answer (lockstep cert install).';
    case 'self-signed':
      return 'Made again with lockstep cert self-signed --overwrite.';
    case 'found':
      return foundAdvice(c);
  }
}

const reloadStage = (c: ManagedCert, afterId: string): Stage[] => {
  const d = c.record.deploy;
  if (d === undefined) return [];
  return [{
    id: `web reload ${c.name}`,
    step: nginxReloadStep,
    part: c.name,
    title: `${c.name}: reload nginx and check what it serves`,
    when: (ctx) => after(ctx, afterId, 'the new certificate'),
    given: () => ({ certFile: c.certPath, nginxConf: d.nginxConf, serverName: d.serverName, host: d.host, httpsPort: d.httpsPort }),
  }];
};

async function privateCaStages(c: ManagedCert, sys: System, o: RenewWalkOptions): Promise<Stage[]> {
  const layout = caLayout(o.caDir, o.caName);
  const pem = await sys.readText(layout.hostFile(c.name, 'crt'));
  if (pem === undefined) return [];
  const again = resignAnswers(new X509Certificate(pem), c.name);
  const ca = { caDir: o.caDir, caName: o.caName };
  const stages: Stage[] = [
    { id: `ca revoke ${c.name}`, step: caRevokeStep, part: c.name, title: `${c.name}: revoke the certificate in use (superseded)`, given: () => ({ ...ca, host: c.name, reason: 'superseded' }) },
    {
      id: `ca sign ${c.name}`,
      step: caSignStep,
      part: c.name,
      title: `${c.name}: sign a new certificate with the CA`,
      when: (ctx) => after(ctx, `ca revoke ${c.name}`, 'the revocation'),
      given: () => ({ ...ca, host: [c.name], ...again, passphrase: MASK }),
    },
  ];
  let last = `ca sign ${c.name}`;
  if (c.liveName !== undefined) {
    const install = installAnswers(c, layout, c.liveName);
    stages.push({
      id: `cert install ${c.name}`,
      step: installStep,
      part: c.name,
      title: `${c.name}: install it into live/${c.liveName}/`,
      when: (ctx) => after(ctx, `ca sign ${c.name}`, 'the new certificate'),
      given: () => ({ ...install, chain: '' }),
    });
    last = `cert install ${c.name}`;
  }
  return [...stages, ...reloadStage(c, last)];
}

async function purchasedStages(c: ManagedCert, sys: System): Promise<Stage[] | string> {
  const waiting = await waitingCsr(sys, c.name);
  if (waiting !== undefined) return `a CSR made earlier still waits for the vendor's certificate: ${waiting.path}; then lockstep cert install --domain ${c.name} --cert THEIR-FILE`;
  const answers = (await reorderAnswers(c, sys)) as Record<string, AnswerValue>;
  return [{ id: `cert purchased ${c.name}`, step: purchasedStep, part: c.name, title: `${c.name}: a fresh key and CSR for your vendor`, given: () => answers }];
}

async function stagesFor(c: ManagedCert, sys: System, o: RenewWalkOptions): Promise<Stage[] | string> {
  switch (c.record.method) {
    case 'letsencrypt': {
      // RFC 9773 §5: an order that names the certificate it replaces (rate-limit exempt at Let's Encrypt).
      const replaces: Record<string, AnswerValue> = c.ari?.replaceable === true && c.ari.certId !== undefined ? { replaces: c.ari.certId } : {};
      const id = `cert letsencrypt ${c.name}`;
      return [{ id, step: letsEncryptStep, part: c.name, title: `${c.name}: a new certificate from the ACME server`, given: () => ({ ...(c.record.answers as Record<string, AnswerValue>), ...replaces }) }, ...reloadStage(c, id)];
    }
    case 'private-ca':
      return privateCaStages(c, sys, o);
    case 'purchased':
      return purchasedStages(c, sys);
    case 'self-signed':
      return `not renewed by lockstep: make it again with lockstep cert self-signed --overwrite`;
    case 'found':
      return c.due ? `due, and ${foundAdvice(c)}` : `not due (${c.daysLeft ?? '?'} days left); ${foundAdvice(c)}`;
  }
}

/** The first stage of a certificate asks; the rest follow it (each still shows its plan). */
function gated(c: ManagedCert, stages: Stage[], o: RenewWalkOptions): Stage[] {
  const firstId = stages[0]?.id;
  const chosen = (ctx: StageContext): true | string => {
    if (!c.due && !o.force) return `not due: ${c.daysLeft ?? '?'} of ${c.lifetimeDays ?? '?'} days left, renewed from ${c.renewFrom?.slice(0, 10) ?? '?'}`;
    return firstId !== undefined && ctx.status.get(firstId) === 'declined' ? `you chose not to renew ${c.name}` : true;
  };
  const [first, ...rest] = stages.map((s): Stage => ({ ...s, chosen, givenFrom: `the certificate in use and its renewal record` }));
  if (first === undefined) return [];
  const why = c.due ? `Due${c.dueReason !== undefined ? ` (${c.dueReason})` : ''}.` : `Not due (${c.daysLeft ?? '?'} days left); asked because of --force.`;
  return [
    {
      ...first,
      gate: {
        question: { kind: 'confirm', id: 'renewNow', message: `Renew ${c.name} now?`, help: `${why} ${what(c)}`, default: true },
        unattended: 'nobody to ask: lockstep renew --yes renews without a person',
      },
    },
    ...rest,
  ];
}

/** The command's own step, for its title and flags: the listing itself is made when the walk starts. */
export const renewOverview: Step = overviewStep([], { force: false, caDir: '', caName: '' }) as Step;

export function renewSequence(o: RenewWalkOptions): Sequence {
  const listed = async (sys: System): Promise<ManagedCert[]> => {
    const directories = new Map();
    return Promise.all((await listForRenewal(sys, o.caDir, o.caName)).map((c) => withAri(c, sys, { directories })));
  };
  return {
    answers: 'flat',
    async stages(sys) {
      const certs = await listed(sys);
      const stages: Stage[] = [{ id: 'renew', step: overviewStep(certs, o) as Step, part: '' }];
      for (const c of certs) {
        const own = await stagesFor(c, sys, o);
        if (typeof own === 'string') {
          stages.push({ id: `renew ${c.name}`, step: overviewStep([], o) as Step, part: c.name, title: `Renew ${c.name}`, chosen: () => own });
          continue;
        }
        stages.push(...gated(c, own, o));
      }
      return stages;
    },
  };
}
