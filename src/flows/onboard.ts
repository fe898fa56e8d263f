// `lockstep onboard`: the whole path for a new server, each part a step of its own that asks,
// previews, applies after a yes, verifies and is journaled — the application certificate (the
// choice, then the way chosen) served over HTTPS only, its automatic renewal, the firewall
// (kept once the operator could still log in), key-only SSH and unattended security upgrades.
// Answers for a step come from the answers file's object under the step's command
// ({"firewall": {"sshFrom": ["192.0.2.0/24"]}}); what one step settled (the site's names,
// the certificate's folder) is not asked again.
import type { Question } from '../core/questions.js';
import type { Sequence, StageContext, StageSummary } from '../core/sequence.js';
import type { Step } from '../core/step.js';
import { sshStep } from '../ssh/ssh-step.js';
import { renewTimerStep } from '../tls/renew-timer.js';
import { updatesStep } from '../updates/updates-step.js';
import { patchStep } from '../patch/patch-step.js';
import { firewallStep } from '../firewall/firewall-step.js';
import { certChoiceStage, certStages, httpsStage } from './cert-flow.js';
import { keepRulesStage } from './firewall-flow.js';
import { answersOf, firstDone, listOf } from './stage-rules.js';
import { checklistAfterStep, donePart, onboardChecklist } from './checklist.js';

export const ONBOARD_PARTS = [
  { value: 'cert', label: 'Application certificate', hint: "Let's Encrypt, purchased, your private CA or self-signed: a few questions, then the recommended way" },
  { value: 'https', label: 'HTTPS only with nginx', hint: 'TLS 1.2/1.3 with the full chain, HTTP redirected to HTTPS' },
  { value: 'renewal', label: 'Automatic renewal', hint: 'a systemd timer (or cron) running lockstep renew twice a day' },
  { value: 'firewall', label: 'Firewall', hint: '80/443 open, SSH from the ranges you give, CouchDB 6984 only to replication peers; rolled back unless you confirm' },
  { value: 'ssh', label: 'Key-only SSH', hint: 'passwords off once your login has a key' },
  { value: 'updates', label: 'Automatic security updates', hint: 'unattended-upgrades, security origins only by default' },
  { value: 'patch', label: 'A first patch session', hint: 'what is pending, then a logged upgrade (OSPATCH-YYYYMMDD.log, read-only) with the old → new table; not ticked by default' },
] as const;

/** Ticked unless the operator unticks them: a first upgrade session is asked for, never assumed. */
const DEFAULT_PARTS = ONBOARD_PARTS.filter((p) => p.value !== 'patch').map((p) => p.value);

/** For --help: where each step's answers go in the --answers file. */
export const ONBOARD_HELP = [
  '',
  'Without a terminal (or with --yes) every answer comes from the --answers file: the parts at its top',
  'level, and each step\'s answers in an object under the step\'s command, for example',
  '  {"steps": ["cert", "https", "firewall", "ssh"],',
  '   "cert": {"public": true, "port80": true, "method": "letsencrypt"},',
  '   "cert letsencrypt": {"domain": ["example.org"], "email": "ops@example.org", "agreeTos": true},',
  '   "firewall": {"sshFrom": ["192.0.2.0/24"]}, "ssh": {"user": "admin"}}',
  'The keys of a step are its flags in camelCase (lockstep firewall --help lists them). Steps: cert, ca init,',
  'ca sign, cert install, cert letsencrypt, cert purchased, cert self-signed, web https, cert renew-timer,',
  'firewall, ssh, updates, patch. patch (a first patch session) runs only when "steps" names it. What one step settled',
  '(the site\'s names, the certificate\'s folder, the CA passphrase) is not asked again. The firewall\'s new',
  'rules are kept only by a person: with --yes, run "lockstep firewall confirm" from a new SSH session',
  'before the rollback.',
].join('\n');

export type OnboardPart = (typeof ONBOARD_PARTS)[number]['value'];

const stepsQuestion: Question = {
  kind: 'multiselect',
  id: 'steps',
  message: 'Which parts should this run set up? (those the checklist finds already done start unticked: skip them?)',
  help: 'Each part asks its questions, shows its plan (every command, every file change) and changes nothing before your yes; a part you say no to is left out and the next goes on. Parts left out can be run later on their own. A part whose every check passes (lockstep check) is already done.',
  choices: ONBOARD_PARTS.map((p) => ({ value: p.value, label: p.label, hint: p.hint })),
  default: (_a, facts) => DEFAULT_PARTS.filter((v) => !(facts as OnboardFacts | undefined)?.done.includes(v)),
  validate: (v) => (v.length === 0 ? 'choose at least one part' : undefined),
};

interface OnboardFacts {
  /** The parts every check of which already passes. */
  readonly done: readonly string[];
}

export const onboardStep: Step<OnboardFacts> = {
  id: 'onboard',
  title: 'Onboard a new server',
  description: 'The whole path for a new server, one reviewed step at a time: the application certificate served over HTTPS only, its renewal, a firewall that cannot lock you out, key-only SSH and automatic security updates.',
  questions: [stepsQuestion],
  advisory: true,
  facts: async (_a, sys) => {
    const items = await onboardChecklist(sys);
    return { done: ONBOARD_PARTS.map((p) => p.value).filter((v) => donePart(items, v)) };
  },
  notes: (_a, facts) => (facts.done.length > 0 ? [`Already done by the checklist (every check passes): ${facts.done.map((v) => ONBOARD_PARTS.find((p) => p.value === v)?.label ?? v).join(', ')}.`] : []),
  plan: () => [],
  verify: async () => [],
  summary: (a) => [`Parts: ${listOf(a, 'steps').map((v) => ONBOARD_PARTS.find((p) => p.value === v)?.label ?? v).join(', ')}.`],
};

/** Until the parts are chosen (the first stage), every part is still possible. */
const wants = (part: OnboardPart) => (ctx: StageContext): true | string =>
  ctx.status.get('onboard') !== 'done' || listOf(answersOf(ctx, 'onboard'), 'steps').includes(part) ? true : 'not among the parts chosen for this run';

const both = (...rules: ((ctx: StageContext) => true | string)[]) => (ctx: StageContext): true | string => {
  for (const rule of rules) {
    const r = rule(ctx);
    if (r !== true) return r;
  }
  return true;
};

/** Which part of onboard each stage belongs to, for "To go on: lockstep onboard --steps …". */
const PART_OF: Readonly<Record<string, OnboardPart>> = {
  cert: 'cert', 'ca init': 'cert', 'ca sign': 'cert', 'cert install': 'cert', 'cert letsencrypt': 'cert', 'cert purchased': 'cert', 'cert self-signed': 'cert',
  'web https': 'https', 'cert renew-timer': 'renewal', firewall: 'firewall', 'firewall confirm': 'firewall', ssh: 'ssh', updates: 'updates', patch: 'patch',
};

export function onboardNext(stages: readonly StageSummary[]): string | undefined {
  const stopped = stages.some((s) => s.status === 'failed' || s.status === 'running');
  const left = new Set(stages.filter((s) => s.status === 'failed' || s.status === 'running' || s.status === 'not-run' || s.blocked === true).map((s) => PART_OF[s.id]).filter((p) => p !== undefined));
  const parts = ONBOARD_PARTS.map((p) => p.value).filter((v) => left.has(v));
  if (parts.length === 0) return undefined;
  return `${stopped ? 'fix the cause' : 'once what was missing is there'}, then: lockstep onboard --steps ${parts.join(',')}`;
}

export const onboardSequence: Sequence = {
  answers: 'sections',
  next: onboardNext,
  stages: async () => [
    { id: 'onboard', step: onboardStep, part: '' },
    { ...certChoiceStage, chosen: wants('cert') },
    ...certStages(false).map((stage) => ({ ...stage, chosen: both(wants('cert'), stage.chosen ?? (() => true)) })),
    httpsStage(false, wants('https')),
    {
      id: 'cert renew-timer',
      step: renewTimerStep,
      part: 'Renewal',
      chosen: wants('renewal'),
      when: (ctx: StageContext) => {
        const made = ['cert letsencrypt', 'cert install', 'cert self-signed', 'cert purchased'];
        // A dry run previews the timer too: it needs no certificate to be planned, only to be useful.
        if (firstDone(ctx, made) !== undefined || made.some((id) => ctx.status.get(id) === 'previewed')) return true;
        return 'no certificate was made in this run: nothing to renew yet';
      },
    },
    { id: 'firewall', step: firewallStep, chosen: wants('firewall'), part: 'Firewall' },
    { ...keepRulesStage(), chosen: wants('firewall') },
    { id: 'ssh', step: sshStep, chosen: wants('ssh'), part: 'SSH' },
    { id: 'updates', step: updatesStep, chosen: wants('updates'), part: 'Updates' },
    { id: 'patch', step: patchStep as unknown as Step, chosen: wants('patch'), part: 'Patch' },
    { id: 'check', step: checklistAfterStep(Object.fromEntries(ONBOARD_PARTS.map((p) => [p.value, p.label]))), part: '', when: (ctx: StageContext) => (ctx.dryRun ? 'a dry run changes nothing: the checklist would say what it said before' : true) },
  ],
};
