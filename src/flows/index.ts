// What lockstep can do today, in the order the home menu offers it: each flow's command and how
// to load it. Nothing is imported until a flow is loaded, so that a command loads only its own
// flow (`lockstep ca sign` never reads the ACME client) and the home menu draws before any.
import type { Step } from '../core/step.js';
import { DEFAULT_CA_DIR, DEFAULT_CA_NAME } from '../ca/layout.js';
import { flow, type Flow } from './flow.js';

export type { Flow, MenuEntry } from './flow.js';

export interface FlowEntry {
  /** The command (`ca sign`), also the id of the flow's first step. */
  readonly command: string;
  /** Offered in the home menu only; its command is written by hand in cli/ (renew). */
  readonly menuOnly?: boolean;
  readonly load: () => Promise<Flow>;
}

const CERTS = 'Certificates and HTTPS';
const LOCKDOWN = 'Server lockdown';
const PATCH = 'Security patches';
const CA = 'Private certificate authority (CouchDB hosts)';

export const FLOW_CATALOG: readonly FlowEntry[] = [
  { command: 'onboard', load: async () => { const m = await import('./onboard.js'); return flow(m.onboardStep, m.onboardSequence); } },
  {
    command: 'renew',
    menuOnly: true,
    // The home menu's walk asks for the CA's passphrase; `lockstep resume` of a renewal has it from
    // its own --passphrase-file or LOCKSTEP_PASSPHRASE (a stage without it fails, naming it).
    load: async () => (await import('./renew-flow.js')).renewFlow({ force: false, caDir: DEFAULT_CA_DIR, caName: DEFAULT_CA_NAME, passphrase: true }),
  },
  // `lockstep check` is written by hand in cli/; from the menu it opens the checklist screen.
  { command: 'check', menuOnly: true, load: async () => ({ ...flow((await import('./checklist.js')).checklistStep), screen: 'checklist' }) },
  // The one-word "cert" command comes before the cert subcommands: it leads their group.
  {
    command: 'cert',
    load: async () => {
      const [step, sequence] = await Promise.all([import('../tls/cert-choose.js'), import('./cert-flow.js')]);
      return flow(step.certChooseStep, sequence.certSequence, CERTS);
    },
  },
  { command: 'cert letsencrypt', load: async () => flow((await import('../tls/letsencrypt.js')).letsEncryptStep, undefined, CERTS) },
  { command: 'cert purchased', load: async () => flow((await import('../tls/purchased.js')).purchasedStep, undefined, CERTS) },
  { command: 'cert install', load: async () => flow((await import('../tls/install.js')).installStep, undefined, CERTS) },
  { command: 'cert self-signed', load: async () => flow((await import('../tls/self-signed.js')).selfSignedStep, undefined, CERTS) },
  { command: 'web https', load: async () => flow((await import('../web/https-nginx.js')).httpsNginxStep, undefined, CERTS) },
  { command: 'web reload', load: async () => flow((await import('../web/nginx-reload.js')).nginxReloadStep, undefined, CERTS) },
  { command: 'cert renew-timer', load: async () => flow((await import('../tls/renew-timer.js')).renewTimerStep, undefined, CERTS) },
  {
    command: 'firewall',
    load: async () => {
      const [step, sequence] = await Promise.all([import('../firewall/firewall-step.js'), import('./firewall-flow.js')]);
      return flow(step.firewallStep, sequence.firewallSequence, LOCKDOWN);
    },
  },
  { command: 'firewall confirm', load: async () => flow((await import('../firewall/confirm-step.js')).firewallConfirmStep, undefined, LOCKDOWN) },
  { command: 'ssh', load: async () => flow((await import('../ssh/ssh-step.js')).sshStep, undefined, LOCKDOWN) },
  { command: 'updates', load: async () => flow((await import('../updates/updates-step.js')).updatesStep, undefined, LOCKDOWN) },
  {
    command: 'patch',
    load: async () => {
      const [step, sequence] = await Promise.all([import('../patch/patch-step.js'), import('./patch-flow.js')]);
      return flow(step.patchStep, sequence.patchSequence, PATCH);
    },
  },
  { command: 'patch timer', load: async () => flow((await import('../patch/timer-step.js')).patchTimerStep, undefined, PATCH) },
  { command: 'ca init', load: async () => flow((await import('../ca/ca-init.js')).caInitStep, undefined, CA) },
  { command: 'ca sign', load: async () => flow((await import('../ca/ca-sign.js')).caSignStep, undefined, CA) },
  { command: 'ca revoke', load: async () => flow((await import('../ca/ca-revoke.js')).caRevokeStep, undefined, CA) },
  { command: 'ca crl', load: async () => flow((await import('../ca/ca-revoke.js')).caCrlStep, undefined, CA) },
  { command: 'ca distribute', load: async () => flow((await import('../ca/ca-distribute.js')).caDistributeStep, undefined, CA) },
];

/** The flow of `command`, loaded; a loaded flow whose step id is not its command is a bug. */
export async function loadFlow(command: string): Promise<Flow> {
  const entry = FLOW_CATALOG.find((e) => e.command === command);
  if (entry === undefined) throw new Error(`no flow "${command}"`);
  const loaded = await entry.load();
  if (loaded.command !== command) throw new Error(`flow "${command}" loaded as "${loaded.command}"`);
  return entry.menuOnly === true ? { ...loaded, menuOnly: true } : loaded;
}

/** Every flow, in the home menu's order (the home menu, resume, onboard's answers shape). */
export function loadFlows(): Promise<Flow[]> {
  return Promise.all(FLOW_CATALOG.map((e) => loadFlow(e.command)));
}

/** A journaled step's definition by its id (resume), among `flows`. */
export function stepIn(flows: readonly Flow[]): (id: string) => Step | undefined {
  return (id) => flows.find((f) => f.step.id === id)?.step;
}
