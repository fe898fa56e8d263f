// One bundled ESM entry plus lazily loaded chunks (the Ink TUI, the plain prompts), so that
// --help, --version and scripted runs start without loading React.
import { build } from 'esbuild';
import { readFileSync, renameSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
// Built beside dist/ and swapped in, so a run of the CLI never sees a half-built dist/.
const dist = new URL('../dist', import.meta.url);
const next = new URL(`../dist.next-${process.pid}`, import.meta.url);
const old = new URL(`../dist.old-${process.pid}`, import.meta.url);
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
  define: { 'process.env.NODE_ENV': '"production"', LOCKSTEP_VERSION: JSON.stringify(pkg.version) },
  banner: { js: "import { createRequire as __lockstepCreateRequire } from 'node:module'; const require = __lockstepCreateRequire(import.meta.url);" },
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});
try {
  renameSync(dist, old);
} catch (error) {
  if (error.code !== 'ENOENT') throw error;
}
renameSync(next, dist);
rmSync(old, { recursive: true, force: true });
