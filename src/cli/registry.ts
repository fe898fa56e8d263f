// Every command of lockstep, as registry entries: an id and how to load the function that
// registers its commands on the program. Nothing is loaded here: the entry (cli.ts) reads the
// manifest (cli/manifest.ts, made from these at build time) to find the one entry a command
// line needs, and loads that one alone.
//
// A new command: write src/cli/NAME-command.ts exporting `registerNAME(program, ctx)` (a
// Register: add commands with `program.command('NAME')`, or `ctx.command('group NAME')` inside a
// group, and end the action with ctx.setCode), add one line below, and `npm run build` (the
// manifest, --help, the man page and the completions follow from it).
import { FLOW_CATALOG, loadFlow } from '../flows/index.js';
import type { Register } from './program.js';

export interface RegistryEntry {
  readonly id: string;
  readonly load: () => Promise<Register>;
}

/** A flow's command: its step's questions as options (cli/flow-command.ts). */
const flowEntry = (command: string): RegistryEntry => ({
  id: command,
  load: async () => {
    const [flow, { registerFlow }] = await Promise.all([loadFlow(command), import('./flow-command.js')]);
    const helpAfter = command === 'onboard' ? (await import('../flows/onboard.js')).ONBOARD_HELP : undefined;
    return (program, ctx) => registerFlow(program, ctx, flow, helpAfter);
  },
});

export const REGISTRY: readonly RegistryEntry[] = [
  { id: 'home', load: async () => (await import('./home-command.js')).registerHome },
  ...FLOW_CATALOG.filter((e) => e.menuOnly !== true).map((e) => flowEntry(e.command)),
  { id: 'ca list', load: async () => (await import('./ca-list-command.js')).registerCaList },
  { id: 'cert inspect', load: async () => (await import('./cert-inspect-command.js')).registerCertInspect },
  { id: 'patch pending', load: async () => (await import('./patch-command.js')).registerPatchCommands },
  { id: 'check', load: async () => (await import('./check-command.js')).registerCheckCommand },
  { id: 'renew', load: async () => (await import('./renew-command.js')).registerRenew },
  { id: 'export', load: async () => (await import('./export-command.js')).registerExport },
  { id: 'resume', load: async () => (await import('./resume-command.js')).resumeRegistration() },
  { id: 'completion', load: async () => (await import('./completion-command.js')).registerCompletion },
];
