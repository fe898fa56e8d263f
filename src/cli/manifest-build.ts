// The manifest (cli/manifest.ts) made from the commands themselves: every registry entry loaded
// and registered on one program, then the program walked. Run by the build (scripts/build.mjs
// puts the result into dist/cli.js) and, from a checkout without a build (tsx), by the entry at
// each start.
import type { Command, Option } from 'commander';
import type { ArgumentData, CommandData, Manifest, OptionData } from './manifest.js';
import { contextFor, newProgram, VERSION } from './program.js';
import { REGISTRY } from './registry.js';
import { loadFlows } from '../flows/index.js';

/** Commander keeps the action as a private field; a command without one is a bare group (`ca`). */
const hasAction = (c: Command): boolean => (c as unknown as { _actionHandler: unknown })._actionHandler != null;

function* walk(c: Command, path: string[] = []): Generator<{ command: Command; path: string[] }> {
  yield { command: c, path };
  for (const sub of c.commands) yield* walk(sub, [...path, sub.name()]);
}

function optionData(o: Option): OptionData {
  // A question's option says its key and its values in its description (cli/options.ts): read back from there.
  const key = /answers key "([A-Za-z0-9]+)"/.exec(o.description)?.[1];
  const listed = /(?:one|any) of: ([^;)]+)/.exec(o.description)?.[1]?.split(', ');
  const choices = o.argChoices ?? listed;
  const d = o.defaultValue as unknown;
  const defaultValue = typeof d === 'string' || typeof d === 'boolean' ? d : Array.isArray(d) ? d.map(String) : undefined;
  return {
    flags: o.flags,
    long: o.long ?? o.flags,
    description: o.description,
    takesValue: o.required || o.optional,
    negate: o.negate,
    ...(defaultValue !== undefined ? { defaultValue } : {}),
    ...(key !== undefined ? { answersKey: key } : {}),
    ...(choices !== undefined ? { choices } : {}),
  };
}

export async function buildManifest(): Promise<Manifest> {
  let out = '';
  const program = newProgram();
  // Help as a pipe gets it: 80 columns, no colour; each command's text captured, not printed.
  program.configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (out += s), getOutHelpWidth: () => 80, getErrHelpWidth: () => 80, getOutHasColors: () => false, getErrHasColors: () => false });
  const manifestSoFar = async (): Promise<Manifest> => buildManifest();
  const ctx = contextFor(program, () => undefined, manifestSoFar);
  const moduleOf = new Map<Command, string>();
  for (const entry of REGISTRY) {
    (await entry.load())(program, ctx);
    for (const { command } of walk(program)) if (hasAction(command) && !moduleOf.has(command)) moduleOf.set(command, entry.id);
  }
  const commands: CommandData[] = [];
  for (const { command, path } of walk(program)) {
    out = '';
    command.outputHelp();
    const args: ArgumentData[] = command.registeredArguments.map((a) => ({ name: a.name(), description: a.description, required: a.required }));
    const module = moduleOf.get(command);
    commands.push({
      path: path.join(' '),
      description: command.description(),
      options: command.options.map(optionData),
      arguments: args,
      help: out,
      subcommands: command.commands.map((c) => c.name()),
      ...(module !== undefined ? { module } : {}),
    });
  }
  const menu = (await loadFlows()).map((f) => ({ command: f.command, title: f.title, description: f.description, ...(f.group !== undefined ? { group: f.group } : {}), ...(f.screen !== undefined ? { screen: f.screen } : {}) }));
  return { version: VERSION, commands, menu };
}
