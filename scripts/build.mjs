// One small bundled ESM entry (the command manifest built in, scripts/manifest.mjs) plus lazily
// loaded chunks (each command's module, the Ink TUI, the plain prompts), so that --help and
// --version load nothing else, and a command only its own flow. The man page and the completion
// scripts are written beside it (dist/man/lockstep.1, dist/completion/), for build:deb.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { makeManifest } from './manifest.mjs';
import { narrowWidth } from './narrow-width.mjs';
import { yogaSync } from './yoga-sync.mjs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
// Built beside dist/ and swapped in, so a run of the CLI never sees a half-built dist/.
const dist = new URL('../dist', import.meta.url);
const next = new URL(`../dist.next-${process.pid}`, import.meta.url);
const old = new URL(`../dist.old-${process.pid}`, import.meta.url);
const made = await makeManifest(pkg.version);
await build({
  entryPoints: ['src/cli.ts'],
  outdir: next.pathname,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  external: ['react-devtools-core'],
  define: { 'process.env.NODE_ENV': '"production"', LOCKSTEP_VERSION: JSON.stringify(pkg.version), LOCKSTEP_MANIFEST: JSON.stringify(made.manifest) },
  banner: { js: "import { createRequire as __lockstepCreateRequire } from 'node:module'; const require = __lockstepCreateRequire(import.meta.url);" },
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [yogaSync, narrowWidth],
  // Smaller to parse: the TUI's chunk (React's reconciler, Ink) is what the first frame waits for.
  minify: true,
  keepNames: true,
  logLevel: 'warning',
});
mkdirSync(new URL('man', `${next.href}/`), { recursive: true });
mkdirSync(new URL('completion', `${next.href}/`), { recursive: true });
writeFileSync(new URL('man/lockstep.1', `${next.href}/`), made.manPage);
writeFileSync(new URL('completion/lockstep.bash', `${next.href}/`), made.completion.bash);
writeFileSync(new URL('completion/_lockstep', `${next.href}/`), made.completion.zsh);
try {
  renameSync(dist, old);
} catch (error) {
  if (error.code !== 'ENOENT') throw error;
}
renameSync(next, dist);
rmSync(old, { recursive: true, force: true });
