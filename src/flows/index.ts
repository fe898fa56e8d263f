// What lockstep can do today, in the order the home menu offers it. A flow is one step, or a
// sequence of steps whose first stage is the command's own step (its flags).
import type { Sequence } from '../core/sequence.js';
import type { Runnable } from '../core/session.js';
import type { Step } from '../core/step.js';
import { caDistributeStep } from '../ca/ca-distribute.js';
import { caInitStep } from '../ca/ca-init.js';
import { caCrlStep, caRevokeStep } from '../ca/ca-revoke.js';
import { caSignStep } from '../ca/ca-sign.js';
import { installStep } from '../tls/install.js';
import { letsEncryptStep } from '../tls/letsencrypt.js';
import { purchasedStep } from '../tls/purchased.js';
import { renewTimerStep } from '../tls/renew-timer.js';
import { httpsNginxStep } from '../web/https-nginx.js';
import { firewallConfirmStep } from '../firewall/confirm-step.js';
import { firewallStep } from '../firewall/firewall-step.js';
import { sshStep } from '../ssh/ssh-step.js';
import { updatesStep } from '../updates/updates-step.js';
import { patchStep } from '../patch/patch-step.js';
import { patchTimerStep } from '../patch/timer-step.js';
import { patchSequence } from './patch-flow.js';
import { selfSignedStep } from '../tls/self-signed.js';
import { certChooseStep } from '../tls/cert-choose.js';
import { certSequence } from './cert-flow.js';
import { firewallSequence } from './firewall-flow.js';
import { onboardSequence, onboardStep } from './onboard.js';
import { renewOverview, renewSequence, type RenewOptions } from './renew-flow.js';
import { DEFAULT_CA_DIR, DEFAULT_CA_NAME } from '../ca/layout.js';
import { nginxReloadStep } from '../web/nginx-reload.js';
import { checklistStep } from './checklist.js';

export interface Flow extends Runnable {
  readonly description: string;
  /** Offered in the home menu, but its command is written by hand in cli.ts (renew). */
  readonly menuOnly?: boolean;
  /** The home menu's heading it is listed under. */
  readonly group?: string;
  /** A screen of its own the command line opens (the checklist), not a run of the wizard. */
  readonly screen?: 'checklist';
}

const flow = <F>(step: Step<F>, sequence?: Sequence, group?: string): Flow => ({
  command: step.id,
  title: step.title,
  description: step.description,
  step: step as unknown as Step,
  ...(sequence !== undefined ? { sequence } : {}),
  ...(group !== undefined ? { group } : {}),
});

const CERTS = 'Certificates and HTTPS';
const LOCKDOWN = 'Server lockdown';
const PATCH = 'Security patches';
const CA = 'Private certificate authority (CouchDB hosts)';

/** `lockstep renew` on a terminal, and the home menu's renewal: a walk through the certificates. */
export function renewFlow(o: RenewOptions): Flow {
  return { ...flow(renewOverview, renewSequence(o)), menuOnly: true };
}

export const FLOWS: readonly Flow[] = [
  flow(onboardStep, onboardSequence),
  renewFlow({ force: false, caDir: DEFAULT_CA_DIR, caName: DEFAULT_CA_NAME }),
  // `lockstep check` is written by hand in cli; from the menu it opens the checklist screen.
  { ...flow(checklistStep), menuOnly: true, screen: 'checklist' },
  // The one-word "cert" command comes before the cert subcommands: it leads their group.
  flow(certChooseStep, certSequence, CERTS),
  flow(letsEncryptStep, undefined, CERTS),
  flow(purchasedStep, undefined, CERTS),
  flow(installStep, undefined, CERTS),
  flow(selfSignedStep, undefined, CERTS),
  flow(httpsNginxStep, undefined, CERTS),
  flow(nginxReloadStep, undefined, CERTS),
  flow(renewTimerStep, undefined, CERTS),
  flow(firewallStep, firewallSequence, LOCKDOWN),
  flow(firewallConfirmStep, undefined, LOCKDOWN),
  flow(sshStep, undefined, LOCKDOWN),
  flow(updatesStep, undefined, LOCKDOWN),
  flow(patchStep, patchSequence, PATCH),
  flow(patchTimerStep, undefined, PATCH),
  flow(caInitStep, undefined, CA),
  flow(caSignStep, undefined, CA),
  flow(caRevokeStep, undefined, CA),
  flow(caCrlStep, undefined, CA),
  flow(caDistributeStep, undefined, CA),
];

export function stepById(id: string): Step | undefined {
  return FLOWS.find((f) => f.step.id === id)?.step;
}
