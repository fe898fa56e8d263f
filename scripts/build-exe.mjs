// `npm run build:exe`: one self-contained file, build/lockstep-linux-<arch>, that carries Node
// itself (Node's single executable applications: the node binary running this script, with
// the CLI injected by postject). Node 20 runs one CommonJS script inside it and cannot load
// chunks, so the CLI is bundled again here as one CommonJS file (dist/ stays as build.mjs makes
// it). Two dependencies need a hand for that, both checked so that a new version of them
// fails the build instead of the executable:
// - yoga-layout (Ink's layout engine) starts with a top-level await of its WebAssembly: the
//   same wasm is compiled synchronously (scripts/yoga-sync.mjs, as in dist/);
// - Ink's reconciler awaits its devtools at the top level when DEV=true: left out.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeManifest } from './manifest.mjs';
import { narrowWidth } from './narrow-width.mjs';
import { patchOnce, yogaSync } from './yoga-sync.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
const ARCH = { x64: 'x64', arm64: 'arm64' }[process.arch];
if (ARCH === undefined) throw new Error(`build:exe: no executable for ${process.arch}`);
const outDir = path.join(repo, 'build');
const exe = path.join(outDir, `lockstep-linux-${ARCH}`);
// The fuse postject flips in the node binary so that it runs the injected script.
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const BUILTINS = new Set(builtinModules);
// Optional modules a dependency tries inside try/catch and does without (debug's colours), and
// which are not installed.
const OPTIONAL = new Set(['supports-color']);

const noTopLevelAwait = {
  name: 'no-top-level-await',
  setup(b) {
    yogaSync.setup(b);
    narrowWidth.setup(b);
    b.onLoad({ filter: /ink[/\\]build[/\\]reconciler\.js$/ }, async (args) => {
      let source = await fs.promises.readFile(args.path, 'utf8');
      source = patchOnce(source, args.path, "await import('./devtools.js');", '/* React devtools: not in the executable */');
      source = patchOnce(source, args.path, '? await loadPackageJson()', '? { name: undefined, version: undefined }');
      return { contents: source, loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

// The embedded script has no ESM loader: `import('node:fs/promises')` (esbuild keeps dynamic
// imports of built-ins as they are) becomes a require, and a module tried inside try/catch and
// not installed (debug's supports-color) is as missing as it is in node_modules, without the
// SEA's warning about require() of a file.
const cjsOnly = {
  name: 'cjs-only',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => (args.kind === 'dynamic-import' ? { path: args.path, namespace: 'builtin' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
    b.onResolve({ filter: new RegExp(`^(${[...OPTIONAL].join('|')})$`) }, (args) => ({ path: args.path, namespace: 'absent' }));
    b.onLoad({ filter: /.*/, namespace: 'absent' }, (args) => ({
      contents: `throw Object.assign(new Error("Cannot find module '${args.path}'"), { code: 'MODULE_NOT_FOUND' });`,
      loader: 'js',
    }));
  },
};

fs.mkdirSync(outDir, { recursive: true });
// The command manifest, as in dist/cli.js: --help and --version answered from it alone.
const { manifest } = await makeManifest(pkg.version);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-exe-'));
try {
  const script = path.join(work, 'lockstep.cjs');
  await build({
    entryPoints: [path.join(repo, 'src/cli.ts')],
    outfile: script,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minify: true,
    // Ink imports React's devtools only when DEV=true (removed above); nothing else may stay outside.
    external: ['react-devtools-core'],
    define: {
      'process.env.NODE_ENV': '"production"',
      LOCKSTEP_VERSION: JSON.stringify(pkg.version),
      LOCKSTEP_EXE: 'true',
      LOCKSTEP_MANIFEST: JSON.stringify(manifest),
      'import.meta.url': '__lockstepScriptUrl',
    },
    banner: { js: "const __lockstepScriptUrl = require('node:url').pathToFileURL(process.execPath).href;" },
    plugins: [noTopLevelAwait, cjsOnly],
    logLevel: 'warning',
  });
  // A require of anything but a Node built-in, or any import(), would fail inside the executable.
  const bundled = fs.readFileSync(script, 'utf8');
  const left = [...bundled.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]).filter((m) => !m.startsWith('node:') && !BUILTINS.has(m));
  left.push(...[...bundled.matchAll(/\bimport\("([^"]+)"\)/g)].map((m) => `import("${m[1]}")`));
  if (left.length > 0) throw new Error(`build:exe: modules left outside the bundle: ${[...new Set(left)].join(', ')}`);

  const blob = path.join(work, 'sea-prep.blob');
  fs.writeFileSync(path.join(work, 'sea-config.json'), JSON.stringify({ main: script, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true }));
  execFileSync(process.execPath, ['--experimental-sea-config', path.join(work, 'sea-config.json')], { stdio: 'pipe' });

  const next = `${exe}.next-${process.pid}`;
  fs.copyFileSync(process.execPath, next);
  fs.chmodSync(next, 0o755);
  // The static symbol table and debug sections (14 MiB) serve only debuggers; .dynsym stays.
  execFileSync('strip', ['--strip-all', next]);
  const postject = path.join(repo, 'node_modules', 'postject', 'dist', 'cli.js');
  // postject (LIEF) warns about each of node's many .note sections; only a failure is worth showing.
  execFileSync(process.execPath, [postject, next, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', FUSE], { stdio: 'pipe' });
  fs.renameSync(next, exe);
  const size = fs.statSync(exe).size;
  process.stdout.write(`${path.relative(repo, exe)}: ${(size / 1024 / 1024).toFixed(1)} MiB (node ${process.version}, ${ARCH})\n`);
} finally {
  if (process.env.LOCKSTEP_EXE_KEEP === undefined) fs.rmSync(work, { recursive: true, force: true });
  else process.stdout.write(`kept ${work}\n`);
}
