// What renewing one certificate is, as stages of the renewal sequence: the steps that made it,
// again, with the answers of its record and of the certificate in use (an ACME order; sign +
// install + revoke the old one with the private CA; a fresh key and CSR for the vendor), then nginx reloaded
// and checked as a `web reload` step. A certificate lockstep cannot renew by itself (self-signed,
// one nginx serves from elsewhere, a CSR still with the vendor) has no stages, only advice.
import { X509Certificate } from 'node:crypto';
import { caLayout } from '../ca/layout.js';
import { caRevokeStep } from '../ca/ca-revoke.js';
import { caSignStep } from '../ca/ca-sign.js';
import { parseIndex } from '../ca/index-db.js';
import type { AnswerValue } from '../core/questions.js';
import { MASK } from '../core/secrets.js';
import type { Stage, StageContext } from '../core/sequence.js';
import type { System } from '../core/system.js';
import { foundAdvice } from '../tls/found-in-nginx.js';
import { installStep } from '../tls/install.js';
import { fingerprintOf } from '../pki/x509.js';
import { letsEncryptStep } from '../tls/letsencrypt.js';
import { livePath } from '../tls/live-layout.js';
import type { ManagedCert } from '../tls/managed.js';
import { csrFingerprint, purchasedStep } from '../tls/purchased.js';
import { installAnswers, resignAnswers } from '../tls/renew-private-ca.js';
import { reorderAnswers, waitingCsr } from '../tls/renew-purchased.js';
import { nginxReloadStep } from '../web/nginx-reload.js';
import { after } from './stage-rules.js';

export interface RenewOptions {
  readonly force: boolean;
  readonly caDir: string;
  readonly caName: string;
  /** The CA's passphrase can be had without asking (--passphrase-file, LOCKSTEP_PASSPHRASE). */
  readonly passphrase?: boolean;
  /** Mail the expiry report here, through `smtp` (HOST:PORT). */
  readonly mail?: string;
  readonly smtp?: string;
}

/** How the run is answered: a person (the walk), the timer (--yes), a preview (--dry-run), or none of them. */
export type RunMode = Pick<StageContext, 'interactive' | 'yes' | 'dryRun'>;

export interface CertPlan {
  readonly cert: ManagedCert;
  /** The table's kind column. */
  readonly kind: string;
  /** Inside its window, or asked anyway (--force). */
  readonly acts: boolean;
  /** The stages that renew it (the first asks, on a terminal); none when lockstep cannot. */
  readonly stages: readonly Stage[];
  /** What will happen, for the table before anything runs. */
  what(mode: RunMode): string;
  /** Without stages, or when nobody may answer them: what a person has to do. */
  advice?(mode: RunMode): string | undefined;
}

const KIND: Record<ManagedCert['record']['method'], string> = { letsencrypt: 'ACME', 'private-ca': 'private CA', purchased: 'purchased', 'self-signed': 'self-signed', found: 'found in nginx' };
const day = (iso: string | undefined): string => iso?.slice(0, 10) ?? '?';
/** A certificate outside its window: when it will be renewed. */
const notYet = (c: ManagedCert): string => `nothing now; renew from ${day(c.renewFrom)}`;
const namesOf = (c: ManagedCert): string => (c.names.length > 0 ? c.names.join(',') : c.name);
const NEEDS_YES = 'nobody to ask: lockstep renew --yes renews without a person (--dry-run shows the plan)';
const yesOrDry = (m: RunMode): true | string => (m.yes || m.dryRun ? true : NEEDS_YES);

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
const reloadWords = (c: ManagedCert): string => (c.record.deploy !== undefined ? `; nginx reloaded and checked on ${c.record.deploy.host}:${c.record.deploy.httpsPort}` : '');

/** The first stage of a certificate asks on a terminal; without a person `unattended` decides. */
function gated(c: ManagedCert, stages: Stage[], why: string, what: string, unattended: (ctx: StageContext) => true | string): Stage[] {
  const firstId = stages[0]?.id;
  const chosen = (ctx: StageContext): true | string => (firstId !== undefined && ctx.status.get(firstId) === 'declined' ? `you chose not to renew ${c.name}` : true);
  const [first, ...rest] = stages.map((s): Stage => ({ ...s, chosen, givenFrom: 'the certificate in use and its renewal record' }));
  if (first === undefined) return [];
  const question = { kind: 'confirm' as const, id: 'renewNow', message: `Renew ${c.name} now?`, help: `${why} ${what}`, default: true };
  return [{ ...first, gate: { question, unattended, declined: 'you chose not to' } }, ...rest];
}

/** The CA that signed `c` (found in it, or named by its record), else the one renew was given. */
function caOf(c: ManagedCert, o: RenewOptions) {
  const a = c.record.answers;
  if (c.ca !== undefined) return caLayout(c.ca.dir, c.ca.name);
  return typeof a.caDir === 'string' ? caLayout(a.caDir, typeof a.caName === 'string' ? a.caName : o.caName) : caLayout(o.caDir, o.caName);
}

/** cert install of the CA's new certificate into live/<liveName>/ (after `afterId`, when given). */
function installStage(c: ManagedCert, layout: ReturnType<typeof caOf>, liveName: string, afterId: string | undefined): Stage {
  return {
    id: `cert install ${c.name}`,
    step: installStep,
    part: c.name,
    title: `${c.name}: install it into live/${liveName}/`,
    ...(afterId !== undefined ? { when: (ctx: StageContext) => after(ctx, afterId, 'the new certificate') } : {}),
    given: () => ({ ...installAnswers(c, layout, liveName), pfx: '', chain: '' }),
  };
}

function privateCaStages(c: ManagedCert, pem: string, o: RenewOptions): Stage[] {
  const layout = caOf(c, o);
  const again = resignAnswers(new X509Certificate(pem), c.name);
  const ca = { caDir: layout.dir, caName: layout.name };
  // The new certificate is signed and installed before the old one is revoked: killed at any
  // point, what nginx serves is still valid, and a rerun or resume finishes the work.
  const stages: Stage[] = [
    {
      id: `ca sign ${c.name}`,
      step: caSignStep,
      part: c.name,
      title: `${c.name}: sign a new certificate with the CA`,
      // The passphrase is asked here (or read from --passphrase-file); the revocation takes it from the store.
      given: () => ({ ...ca, host: [c.name], ...again, signAgain: true }),
    },
  ];
  let last = `ca sign ${c.name}`;
  if (c.liveName !== undefined) {
    stages.push(installStage(c, layout, c.liveName, `ca sign ${c.name}`));
    last = `cert install ${c.name}`;
  }
  const installed = last;
  stages.push({
    id: `ca revoke ${c.name}`,
    step: caRevokeStep,
    part: c.name,
    title: `${c.name}: revoke the certificate it replaces (superseded)`,
    when: (ctx) => after(ctx, installed, 'the new certificate'),
    given: () => ({ ...ca, host: c.name, olderOnly: true, reason: 'superseded', passphrase: MASK }),
  });
  last = `ca revoke ${c.name}`;
  return [...stages, ...reloadStage(c, last)];
}

/** What the passphrase needs when nobody is asked (shared by renewal and the revocation a kill left undone). */
function passphraseGate(c: ManagedCert, o: RenewOptions): { needsPass: string; unattended: (m: RunMode) => true | string } {
  const needsPass = `the CA's key needs its passphrase, which lockstep never stores: lockstep renew --passphrase-file FILE (or the walk on a terminal), or sign it again: ${c.record.command}`;
  return { needsPass, unattended: (m) => (o.passphrase !== true ? needsPass : yesOrDry(m)) };
}

/**
 * Valid certificates of the host in the CA other than the one in use: a renewal killed after the
 * new one was signed and installed, before the old one was revoked. Only when what nginx serves
 * is that new one (merged with live/, or nothing in live/ for the host): an older one still in
 * live/ stays valid until a renewal replaces it.
 */
async function leftBehind(c: ManagedCert, sys: System, o: RenewOptions): Promise<{ serials: string[]; install: boolean; newer: boolean }> {
  const layout = caOf(c, o);
  const none = { serials: [], install: false, newer: false };
  if (c.liveName === undefined && (await sys.stat(livePath(c.name, 'cert'))) !== undefined) return none;
  const pem = await sys.readText(layout.hostFile(c.name, 'crt'));
  // live/ still holds the old one (killed before cert install): installed first, then revoked.
  const install = c.liveName !== undefined && pem !== undefined && fingerprintOf(await sys.readText(c.certPath)) !== fingerprintOf(pem);
  const index = await sys.readText(layout.index);
  if (pem === undefined || index === undefined) return none;
  let inUse: string;
  try {
    inUse = new X509Certificate(pem).serialNumber.replace(/^0+/, '').toUpperCase();
  } catch {
    return none;
  }
  const others = parseIndex(index).filter((e) => e.status === 'valid' && e.cn === c.name && e.serial.replace(/^0+/, '').toUpperCase() !== inUse).map((e) => e.serial);
  // A serial after the one in the host folder: signed by a run killed before it wrote the file.
  const newer = others.some((s) => BigInt(`0x${s}`) > BigInt(`0x${inUse}`));
  return { serials: others.filter((s) => BigInt(`0x${s}`) < BigInt(`0x${inUse}`)), install, newer };
}

/** The end of an interrupted renewal: the old certificate revoked (superseded), nginx reloaded. */
function finishRevocation(c: ManagedCert, base: Pick<CertPlan, 'cert' | 'kind'>, left: { serials: readonly string[]; install: boolean }, why: string, o: RenewOptions): CertPlan {
  const layout = caOf(c, o);
  const install: Stage[] = left.install && c.liveName !== undefined ? [installStage(c, layout, c.liveName, undefined)] : [];
  const revoke: Stage = {
    id: `ca revoke ${c.name}`,
    step: caRevokeStep,
    part: c.name,
    title: `${c.name}: revoke the certificate it replaces (superseded)`,
    ...(install.length > 0 ? { when: (ctx: StageContext) => after(ctx, `cert install ${c.name}`, 'the new certificate') } : {}),
    given: () => ({ caDir: layout.dir, caName: layout.name, host: c.name, olderOnly: true, reason: 'superseded' }),
  };
  const what = `the renewal was cut short: serial ${left.serials.join(', ')} is still valid beside the CA's new certificate${install.length > 0 ? `, which is installed into live/${c.liveName}/ now` : ''}; revoked now (superseded)${reloadWords(c)}`;
  const { unattended } = passphraseGate(c, o);
  return {
    ...base,
    acts: true,
    stages: gated(c, [...install, revoke, ...reloadStage(c, revoke.id)], why, `${what}.`, unattended),
    what: (m) => (m.interactive || unattended(m) === true ? what : ((r) => (r === true ? what : r))(unattended(m))),
    advice: (m) => (m.interactive ? undefined : ((r) => (r === true ? undefined : r))(unattended(m))),
  };
}

/** How the certificate is renewed, read from the machine once (the CA's host file, a waiting CSR). */
export async function planFor(c: ManagedCert, sys: System, o: RenewOptions): Promise<CertPlan> {
  // A renewal cut short inside ca sign (the new certificate recorded, not yet in its file) goes on: ca sign finishes it.
  const left = c.record.method === 'private-ca' && c.problem === undefined ? await leftBehind(c, sys, o) : undefined;
  const acts = c.due || o.force || left?.newer === true;
  // A broken renewal record is listed as `found` with its problem; it is lockstep's, not nginx's.
  const kind = c.record.method === 'found' && c.foundIn === undefined ? 'unreadable' : KIND[c.record.method];
  const why = c.due ? `Due${c.dueReason !== undefined ? ` (${c.dueReason})` : ''}.` : left?.newer === true ? 'Its renewal was cut short after the CA signed the new certificate.' : `Not due (${c.daysLeft ?? '?'} days left); asked because of --force.`;
  const base = { cert: c, kind, acts };
  const none = (advice: (m: RunMode) => string, quiet?: string): CertPlan => ({
    ...base,
    stages: [],
    what: (m) => (acts ? advice(m) : (quiet ?? notYet(c))),
    advice: (m) => (acts ? advice(m) : undefined),
  });
  if (c.problem !== undefined) return none(() => `look at it: ${c.problem}`);
  if (!acts && left !== undefined && left.serials.length > 0) return finishRevocation(c, base, left, why, o);
  if (!acts) {
    const later =
      c.record.method === 'self-signed' ? `; then lockstep cert self-signed --host ${namesOf(c)} --overwrite` : c.record.method === 'found' ? `; then ${foundAdvice(c)}` : '';
    return { ...base, stages: [], what: () => `${notYet(c)}${later}` };
  }
  switch (c.record.method) {
    case 'letsencrypt': {
      // RFC 9773 §5: an order that names the certificate it replaces (rate-limit exempt at Let's Encrypt).
      const replaces: Record<string, AnswerValue> = c.ari?.replaceable === true && c.ari.certId !== undefined ? { replaces: c.ari.certId } : {};
      const id = `cert letsencrypt ${c.name}`;
      const what = `a new ACME order (${String(c.record.answers.challenge ?? 'http-01')}) with the answers of the last one, the files in live/${c.name}/ replaced (the old ones stay in archive/)${reloadWords(c)}`;
      const stages = [{ id, step: letsEncryptStep, part: c.name, title: `${c.name}: a new certificate from the ACME server`, given: () => ({ ...(c.record.answers as Record<string, AnswerValue>), ...replaces }) }, ...reloadStage(c, id)];
      return { ...base, stages: gated(c, stages, why, `${what}.`, yesOrDry), what: () => what, advice: (m) => (m.interactive || m.yes || m.dryRun ? undefined : NEEDS_YES) };
    }
    case 'private-ca': {
      const pem = await sys.readText(caOf(c, o).hostFile(c.name, 'crt'));
      if (pem === undefined) return none(() => `look at it: ${caOf(c, o).hostFile(c.name, 'crt')} is missing`);
      const { needsPass, unattended } = passphraseGate(c, o);
      const what = `signed again by the private CA with the same names, key type and lifetime${c.liveName !== undefined ? `, installed into live/${c.liveName}/` : ''}, then the old one revoked (superseded)${reloadWords(c)}`;
      return {
        ...base,
        stages: gated(c, privateCaStages(c, pem, o), why, `The certificate ${what}; the CA's passphrase is asked.`, unattended),
        what: (m) => (m.interactive || unattended(m) === true ? what : needsPass),
        advice: (m) => (m.interactive ? undefined : ((r) => (r === true ? undefined : r))(unattended(m))),
      };
    }
    case 'purchased': {
      const install = `lockstep cert install --domain ${namesOf(c)} --cert THEIR-FILE [--chain THEIR-CHAIN]`;
      const waiting = await waitingCsr(sys, c.name);
      if (waiting !== undefined) {
        return none(() => `order its successor from your vendor with the CSR made earlier, still waiting for its certificate: ${waiting.path} (SHA-256 ${csrFingerprint(waiting.pem)}); then ${install}. The live files stay in use until then.`);
      }
      const answers = (await reorderAnswers(c, sys)) as Record<string, AnswerValue>;
      const missing = (['org', 'country'] as const).find((id) => typeof answers[id] !== 'string' || answers[id] === '');
      const reorder = `order it again from your vendor: lockstep cert purchased --domain ${namesOf(c)}${missing !== undefined ? ` --${missing} …` : ' …'} makes a fresh key and CSR, then ${install}`;
      const noOrg = missing === undefined ? undefined : `neither the renewal record nor the certificate names the ${missing === 'org' ? 'organisation' : 'country'}: ${reorder}`;
      const unattended = (m: RunMode): true | string => noOrg ?? yesOrDry(m);
      const what = 'a fresh key and CSR for your vendor, with the names and organisation of the certificate in use; the live files stay until you install their answer (lockstep cert install)';
      const stage: Stage = { id: `cert purchased ${c.name}`, step: purchasedStep, part: c.name, title: `${c.name}: a fresh key and CSR for your vendor`, given: () => answers };
      return {
        ...base,
        stages: gated(c, [stage], why, `${what}.`, unattended),
        what: (m) => (m.interactive || unattended(m) === true ? what : (noOrg ?? NEEDS_YES)),
        advice: (m) => (m.interactive ? undefined : ((r) => (r === true ? undefined : r))(unattended(m))),
      };
    }
    case 'self-signed':
      return none(() => `not renewed by lockstep (clients that trust it would have to trust the new one): make it again with lockstep cert self-signed --host ${namesOf(c)} --overwrite${c.certPath.startsWith('/etc/ssl/lockstep/') ? '' : ` --out-dir ${c.certPath.replace(/\/[^/]+$/, '')}`}, then lockstep web reload`);
    case 'found':
      return none(() => foundAdvice(c));
  }
}
