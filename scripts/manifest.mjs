// The command manifest (src/cli/manifest.ts) for a build: the commands' own code bundled into a
// temporary module, loaded here and walked (src/cli/manifest-build.ts). The man page and the
// completion scripts come from the same manifest, so that --help, man and the shell agree.
import { build } from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** { manifest, manPage, completion: { bash, zsh } } for the version in package.json. */
export async function makeManifest(version) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-manifest-'));
  try {
    // Split as the real build is: Ink's devtools (react-devtools-core, not installed) stay in a chunk nobody loads.
    const out = path.join(work, 'stdin.js');
    await build({
      stdin: {
        contents: [
          "export { buildManifest } from './src/cli/manifest-build.ts';",
          "export { manPage } from './src/cli/manpage.ts';",
          "export { completionScript } from './src/cli/completion.ts';",
        ].join('\n'),
        resolveDir: repo,
        loader: 'ts',
      },
      outdir: work,
      splitting: true,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      external: ['react-devtools-core'],
      define: { 'process.env.NODE_ENV': '"production"', LOCKSTEP_VERSION: JSON.stringify(version) },
      banner: { js: "import { createRequire as __lockstepCreateRequire } from 'node:module'; const require = __lockstepCreateRequire(import.meta.url);" },
      logLevel: 'warning',
    });
    const gen = await import(pathToFileURL(out).href);
    const manifest = await gen.buildManifest();
    return { manifest, manPage: gen.manPage(manifest), completion: { bash: gen.completionScript(manifest, 'bash'), zsh: gen.completionScript(manifest, 'zsh') } };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
