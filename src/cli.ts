// The entry (DESIGN.md "Command line"): as small as it can be, so that --version and --help
// answer at node's own start-up time. The commands are data here (the manifest, cli/manifest.ts,
// built into this file by scripts/build.mjs); only a command that runs loads its own module
// (cli/registry.ts), and only then commander, the flows, React or Ink.
import { commandAt, parseArgv, unknownCommandText, type Manifest } from './cli/manifest.js';

declare const LOCKSTEP_MANIFEST: Manifest | undefined;

async function manifest(): Promise<Manifest> {
  if (typeof LOCKSTEP_MANIFEST === 'object') return LOCKSTEP_MANIFEST;
  // A checkout run through tsx (no build): the manifest made now, from the commands themselves.
  return (await import('./cli/manifest-build.js')).buildManifest();
}

export async function main(argv: readonly string[]): Promise<number> {
  // Helpers that plans run as commands (the ACME exchange): not for people, so not in --help.
  if (argv[2] === 'internal') return (await import('./cli/internal.js')).runInternal(argv.slice(3));
  const m = await manifest();
  const parsed = parseArgv(m, argv.slice(2));
  switch (parsed.kind) {
    case 'version':
      process.stdout.write(`${m.version}\n`);
      return 0;
    case 'help':
      process.stdout.write(parsed.command.help);
      return 0;
    case 'incomplete':
      process.stderr.write(parsed.command.help);
      return 2;
    case 'unknown':
      process.stderr.write(unknownCommandText(parsed));
      return 2;
    case 'run': {
      const module = parsed.command.module ?? commandAt(m, '')?.module;
      if (module === undefined) throw new Error('the manifest names no module for the home menu');
      // The home menu: on screen first, then what runs it loads while the operator reads it.
      const early = parsed.command.path === '' && (await import('./cli/early-home.js'));
      const drawn = early !== false && early.drawHomeEarly(m, argv);
      try {
        return await (await import('./cli/dispatch.js')).dispatch(m, module, argv);
      } finally {
        if (drawn) early.releaseEarlyHome();
      }
    }
  }
}

if (process.env.LOCKSTEP_NO_MAIN === undefined) {
  // `lockstep --help | head`: the reader has gone; stop quietly instead of a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
