// Both builds put src/ui/ink/narrow-text.ts in front of string-width, for every ES module that
// imports it (Ink, wrap-ansi, cli-truncate, widest-line): a string of one-column characters is
// answered at once, and string-width itself — whose Unicode regexes take V8 tens of ms to
// compile — is loaded only when a string needs it, from the version the importer asked for.
// The escape codes are removed first with the strip-ansi that string-width itself uses.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const narrowText = path.join(repo, 'src/ui/ink/narrow-text.ts');

export const narrowWidth = {
  name: 'narrow-width',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.kind !== 'import-statement' || args.namespace === 'narrow-width') return undefined;
      const real = await b.resolve('string-width', { kind: 'require-call', resolveDir: args.resolveDir });
      if (real.errors.length > 0) return { errors: real.errors };
      return { path: real.path, namespace: 'narrow-width' };
    });
    b.onLoad({ filter: /.*/, namespace: 'narrow-width' }, (args) => ({
      resolveDir: path.dirname(args.path),
      loader: 'js',
      contents: `
import stripAnsi from 'strip-ansi';
import { isNarrowText } from ${JSON.stringify(narrowText)};
let real;
export default function stringWidth(input, options = {}) {
  if (typeof input === 'string' && options.countAnsiEscapeCodes !== true && options.ambiguousIsNarrow !== false) {
    const text = input.includes('\\x1B') || input.includes('\\x9B') ? stripAnsi(input) : input;
    if (isNarrowText(text)) return text.length;
  }
  real ??= require(${JSON.stringify(args.path)}).default;
  return real(input, options);
}
`,
    }));
  },
};
