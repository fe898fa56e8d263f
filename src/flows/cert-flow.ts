// The application certificate as stages: the choice (`lockstep cert`), then the way chosen —
// Let's Encrypt, a vendor's CSR, the private CA (init, sign, install into live/) or
// self-signed — and the HTTPS site that serves it. `lockstep cert` asks before going on from
// the advice; `lockstep onboard` goes on, since the operator chose its steps.
import { layoutOf } from '../ca/layout.js';
import { caInitStep } from '../ca/ca-init.js';
import { caSignStep } from '../ca/ca-sign.js';
import type { Answers, AnswerValue, ConfirmQuestion, Question } from '../core/questions.js';
import { MASK } from '../core/secrets.js';
import type { Sequence, Stage, StageContext } from '../core/sequence.js';
import type { Step } from '../core/step.js';
import { certChooseStep, METHODS } from '../tls/cert-choose.js';
import { installStep } from '../tls/install.js';
import { letsEncryptStep } from '../tls/letsencrypt.js';
import { liveDir } from '../tls/live-layout.js';
import { purchasedStep } from '../tls/purchased.js';
import { selfSignedStep } from '../tls/self-signed.js';
import { httpsNginxStep } from '../web/https-nginx.js';
import { after, answersOf, firstDone, listOf } from './stage-rules.js';


type Method = (typeof METHODS)[number]['value'];

export const CERT_PART = 'Certificate';

const methodOf = (ctx: StageContext): Method | undefined => answersOf(ctx, 'cert').method as Method | undefined;
const labelOf = (m: Method | undefined): string => METHODS.find((x) => x.value === m)?.label ?? 'no way';

function chose(ctx: StageContext, ...ways: Method[]): true | string {
  const choice = ctx.status.get('cert');
  if (choice === undefined || choice === 'running') return true; // not chosen yet: still possible
  if (choice !== 'done') return 'the certificate step did not run';
  const m = methodOf(ctx);
  return m !== undefined && ways.includes(m) ? true : `you chose ${labelOf(m)}`;
}

const goOn = (label: string): ConfirmQuestion => ({
  kind: 'confirm',
  id: 'goOn',
  message: `Get the certificate now (${label})? Its own questions and plan come next.`,
  default: true,
});

/** The questions with other words where a stage means them otherwise (the CA's certificate is no vendor's). */
const reworded = (questions: readonly Question[], words: Readonly<Record<string, Pick<Question, 'message'> & { help?: string }>>): Question[] =>
  questions.map((q): Question => (words[q.id] !== undefined ? ({ ...q, ...words[q.id] } as Question) : q));

const caInstallStep: Step = {
  ...(installStep as Step),
  questions: reworded(installStep.questions, {
    cert: { message: 'The certificate file the CA signed' },
    key: { message: 'Its private key' },
    trustStore: { message: "The CA's root certificate, which the certificate must chain to" },
  }),
};

/**
 * `ca sign` for the site: one certificate for all the site's names (the first is its subject,
 * the others subjectAltNames), since nginx serves the site with one certificate — signing one per
 * name would leave all but the first out of live/. `lockstep ca sign` alone still signs one each.
 */
export const siteSignStep: Step = (() => {
  const forSite = (a: Answers): Answers => {
    const [first, ...others] = listOf(a, 'host');
    if (first === undefined) return a;
    const extra = [...others.map((h) => `DNS:${h}`), ...(typeof a.san === 'string' && a.san !== '' ? [a.san] : [])].join(',');
    return { ...a, host: [first], san: extra };
  };
  const step = caSignStep as Step;
  return {
    ...step,
    questions: reworded(step.questions, {
      host: { message: 'Names the site answers to (one certificate for all of them)', help: 'The first is its subject and names its folder in live/; every name is a subjectAltName, so nginx serves them all.' },
      san: { message: 'Extra subjectAltNames for the certificate (e.g. IP:10.0.0.5; empty for none)' },
    }),
    facts: (a, sys, secrets) => step.facts(forSite(a), sys, secrets),
    plan: (a, facts) => step.plan(forSite(a), facts),
    verify: (a, sys, secrets) => step.verify(forSite(a), sys, secrets),
    summary: (a) => step.summary(forSite(a)),
    ...(step.notes !== undefined ? { notes: (a: Answers, facts: unknown) => step.notes!(forSite(a), facts) } : {}),
  };
})();

/** The certificate stages; `ask` puts a "go on?" before the chosen way's first stage. */
export function certStages(ask: boolean): Stage[] {
  const unattended = 'without a terminal lockstep cert only advises: run the command it names';
  const gated = (stage: Stage): Stage => (ask ? { ...stage, gate: { question: (ctx) => goOn(labelOf(methodOf(ctx))), unattended } } : stage);
  const inPart = (stage: Stage): Stage => ({ ...stage, part: CERT_PART });
  const ca = (ctx: StageContext) => {
    const layout = layoutOf(answersOf(ctx, 'ca init'));
    return { caDir: layout.dir, caName: layout.name };
  };
  const stages: Stage[] = [
    // The signing comes next in this run: ca init's "Next: lockstep ca sign …" would send the operator away.
    gated({ id: 'ca init', step: { ...caInitStep, summary: (a) => caInitStep.summary(a).filter((l) => !l.startsWith('Next:')) }, chosen: (ctx) => chose(ctx, 'private-ca') }),
    {
      id: 'ca sign',
      step: siteSignStep,
      title: "Sign the site's certificate with the CA",
      chosen: (ctx) => chose(ctx, 'private-ca'),
      when: (ctx) => after(ctx, 'ca init', 'the CA'),
      given: (ctx) => ({ ...ca(ctx), passphrase: MASK }),
    },
    {
      id: 'cert install',
      step: caInstallStep,
      title: 'Install the CA-signed certificate for the web server',
      chosen: (ctx) => chose(ctx, 'private-ca'),
      when: (ctx) => after(ctx, 'ca sign', 'the signed certificate'),
      given: (ctx) => {
        const layout = layoutOf(answersOf(ctx, 'ca init'));
        const hosts = listOf(answersOf(ctx, 'ca sign'), 'host');
        return { domain: [...hosts], pfx: '', cert: layout.hostFile(hosts[0] ?? '', 'crt'), key: layout.hostFile(hosts[0] ?? '', 'key'), chain: '', trustStore: layout.cert, caDir: layout.dir, caName: layout.name };
      },
    },
    gated({
      id: 'cert letsencrypt',
      step: letsEncryptStep,
      chosen: (ctx) => chose(ctx, 'letsencrypt', 'letsencrypt-dns'),
      given: (ctx): Record<string, AnswerValue> => ({ challenge: methodOf(ctx) === 'letsencrypt-dns' ? 'dns-01' : 'http-01' }),
    }),
    gated({ id: 'cert purchased', step: purchasedStep, chosen: (ctx) => chose(ctx, 'purchased') }),
    gated({ id: 'cert self-signed', step: selfSignedStep, chosen: (ctx) => chose(ctx, 'self-signed') }),
  ];
  return stages.map(inPart);
}

/** Where the certificate made by the stages above is, for the HTTPS site. */
function madeCertificate(ctx: StageContext): { domain: readonly string[]; certDir: string } | undefined {
  const made = firstDone(ctx, ['cert letsencrypt', 'cert install', 'cert self-signed']);
  if (made === undefined) return undefined;
  const a = answersOf(ctx, made);
  const domain = listOf(a, made === 'cert self-signed' ? 'host' : 'domain');
  const certDir = made === 'cert self-signed' ? ((a.outDir as string | undefined) ?? `/etc/ssl/lockstep/${domain[0] ?? 'host'}`) : liveDir(domain[0] ?? 'domain');
  return { domain, certDir };
}

export function httpsStage(ask: boolean, chosen: (ctx: StageContext) => true | string = () => true): Stage {
  const stage: Stage = {
    id: 'web https',
    step: httpsNginxStep,
    part: 'HTTPS',
    chosen,
    when: (ctx) => {
      if (ctx.status.get('cert purchased') === 'done') {
        return "the vendor's certificate is not here yet: once it is, lockstep cert install, then lockstep web https";
      }
      if (madeCertificate(ctx) !== undefined) return true;
      const dry = ['cert letsencrypt', 'cert install', 'cert self-signed'].some((id) => ctx.status.get(id) === 'previewed');
      return dry ? 'it needs the certificate, which a dry run does not make' : 'no certificate was made in this run';
    },
    given: (ctx): Record<string, AnswerValue> => {
      const made = madeCertificate(ctx);
      return made === undefined ? {} : { domain: made.domain, certDir: made.certDir };
    },
  };
  if (!ask) return stage;
  return {
    ...stage,
    gate: {
      question: { kind: 'confirm', id: 'serveHttps', message: 'Serve it with nginx now, HTTPS only, with HTTP redirected?', default: true },
      unattended: 'nobody to ask: lockstep web https does it',
    },
  };
}

/** The choice inside onboard: the run goes on to the way chosen, so the summary names no command to run next. */
export const certChoiceStage: Stage = {
  id: 'cert',
  part: CERT_PART,
  step: { ...certChooseStep, summary: (a) => certChooseStep.summary(a).filter((l) => !l.startsWith('Next:')) },
};

export const certSequence: Sequence = {
  answers: 'flat',
  stages: async () => [{ id: 'cert', step: certChooseStep, part: CERT_PART }, ...certStages(true), httpsStage(true)],
};
