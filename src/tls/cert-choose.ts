// `lockstep cert` (and the home menu's "Application certificate"): the choice as a guided step.
// A few questions about the site, the recommended way with its reason (cert-choice.ts), the
// operator's pick (the recommendation preselected) and the exact command that gets it. It plans
// nothing: the answer is advice, so there is nothing to confirm or journal.
import type { Answers, Question } from '../core/questions.js';
import type { Step } from '../core/step.js';
import { CERT_WAYS, recommend, type ChoiceInput } from './cert-choice.js';

export const METHODS = [
  { value: 'letsencrypt', label: "Let's Encrypt, HTTP-01", hint: 'free, renewed automatically; the CA fetches a token from this server on port 80', command: 'lockstep cert letsencrypt --domain NAME --email ADDRESS --agree-tos' },
  { value: 'letsencrypt-dns', label: "Let's Encrypt, DNS-01", hint: 'free, renewed automatically; a TXT record in your DNS proves the name, no port 80 needed', command: 'lockstep cert letsencrypt --challenge dns-01 --domain NAME --email ADDRESS --agree-tos [--dns-hook CMD]' },
  { value: 'purchased', label: 'Purchased from a vendor', hint: 'DigiCert, Sectigo and the like sign a CSR made here; renewing means ordering again', command: 'lockstep cert purchased --domain NAME --org ORG --country CC, then lockstep cert install --domain NAME --cert THEIR-FILE' },
  { value: 'private-ca', label: 'Your private CA', hint: 'your own root signs it; every client must trust that root (lockstep ca distribute)', command: 'lockstep ca sign --host NAME (after lockstep ca init), then lockstep ca distribute for the clients' },
  { value: 'self-signed', label: 'Self-signed', hint: 'no CA at all; every client must trust this one certificate', command: 'lockstep cert self-signed --host NAME' },
] as const;

const inputOf = (a: Answers): ChoiceInput => ({
  ...(typeof a.public === 'boolean' ? { public: a.public } : {}),
  ...(typeof a.port80 === 'boolean' ? { port80: a.port80 } : {}),
  ...(typeof a.dns === 'boolean' ? { dns: a.dns } : {}),
  ...(typeof a.vendorRequired === 'boolean' ? { vendorRequired: a.vendorRequired } : {}),
});

/** The method the answers point to (Let's Encrypt split by challenge). */
export function recommendedMethod(a: Answers): (typeof METHODS)[number]['value'] | undefined {
  const r = recommend(inputOf(a));
  if (r === undefined) return undefined;
  if (r.choice === 'letsencrypt') return r.command.includes('dns-01') ? 'letsencrypt-dns' : 'letsencrypt';
  return r.choice;
}

export const certChooseQuestions: readonly Question[] = [
  { kind: 'confirm', id: 'public', message: 'Does the site have a public DNS name, reachable from the Internet?', help: 'Public CAs (Let\'s Encrypt, vendors) only sign names they can check; internal hosts use your private CA.' },
  { kind: 'confirm', id: 'port80', message: 'Can the CA reach this server on port 80?', help: 'HTTP-01 fetches a token over plain HTTP on port 80.', default: true, when: (a) => a.public === true },
  { kind: 'confirm', id: 'dns', message: 'Can you create TXT records in the name\'s DNS zone (by hand or through an API)?', help: 'DNS-01 proves the name with a TXT record; it works without port 80.', default: false, when: (a) => a.public === true && a.port80 === false },
  { kind: 'confirm', id: 'vendorRequired', message: 'Does your organisation\'s policy require a certificate from a commercial CA?', help: 'OV/EV validation, a contract or a warranty: DigiCert, Sectigo and the like.', default: false },
  {
    kind: 'select',
    id: 'method',
    message: 'How will you get the certificate?',
    help: (a) => `${recommendationLine(a)} It is preselected.`,
    choices: METHODS.map((m) => ({ value: m.value, label: m.label, hint: m.hint })),
    default: (a) => recommendedMethod(a),
  },
];

function recommendationLine(a: Answers): string {
  const r = recommend(inputOf(a));
  const m = METHODS.find((x) => x.value === recommendedMethod(a));
  return r === undefined || m === undefined ? 'No recommendation without knowing whether the site is public.' : `Recommended: ${m.label}, because ${r.why}.`;
}

export const certChooseStep: Step<Record<string, never>> = {
  id: 'cert',
  title: 'Application certificate',
  description: "Which certificate for the site: Let's Encrypt, purchased or your private CA. A few questions, a recommendation with its reason, and the exact command that gets it.",
  questions: certChooseQuestions,
  // The ways first, side by side; the recommendation comes once, with the choice it preselects.
  intro: CERT_WAYS,
  advisory: true,
  facts: async () => ({}),
  plan: () => [],
  verify: async () => [],
  summary(a) {
    const m = METHODS.find((x) => x.value === a.method);
    const rec = METHODS.find((x) => x.value === recommendedMethod(a));
    const chosen = m === undefined ? [] : [rec === undefined || rec === m ? `Chosen: ${m.label}${rec === m ? ', the recommended way' : ''}.` : `Chosen: ${m.label}, over the recommended ${rec.label}.`];
    return [...chosen, `Next: ${m?.command ?? 'lockstep cert letsencrypt | purchased | self-signed'}`];
  },
};
