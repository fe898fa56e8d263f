// yoga-layout (Ink's layout engine) loads its WebAssembly with a top-level await of fetch() on a
// data: URL: that starts Node's fetch (undici) before Ink can draw anything. Both builds compile
// the same wasm synchronously instead, when the TUI is first imported (scripts/build.mjs: the
// home menu's first frame comes sooner; scripts/build-exe.mjs: the executable runs one CommonJS
// script, where a top-level await cannot be). Checked, so that a new yoga-layout fails the build.
import fs from 'node:fs';
import path from 'node:path';

/** Replaces `from` by `to` in a dependency's source, exactly once, or stops the build. */
export function patchOnce(source, file, from, to) {
  const at = source.indexOf(from);
  if (at < 0 || source.indexOf(from, at + 1) >= 0) {
    throw new Error(`build: ${file} changed (expected one "${from.slice(0, 60)}…"); check its top-level await again`);
  }
  return source.slice(0, at) + to + source.slice(at + from.length);
}

export const yogaSync = {
  name: 'yoga-sync',
  setup(b) {
    b.onLoad({ filter: /yoga-layout[/\\]dist[/\\]src[/\\]index\.js$/ }, async (args) => {
      const wasmFile = path.join(path.dirname(args.path), '..', 'binaries', 'yoga-wasm-base64-esm.js');
      const wasm = /"data:application\/octet-stream;base64,([A-Za-z0-9+/=]+)"/.exec(await fs.promises.readFile(wasmFile, 'utf8'));
      if (wasm === null) throw new Error(`build: no embedded wasm found in ${wasmFile}`);
      const original = await fs.promises.readFile(args.path, 'utf8');
      patchOnce(original, args.path, 'const Yoga = wrapAssembly(await loadYoga());', '');
      // Emscripten's instantiateWasm hook: given an instance at once, its runtime starts in the
      // same call, so the module is complete when loadYoga returns (its promise is not needed).
      const contents = `
import loadYoga from '../binaries/yoga-wasm-base64-esm.js';
import wrapAssembly from './wrapAssembly.js';
const bytes = Buffer.from(${JSON.stringify(wasm[1])}, 'base64');
const lib = {
  instantiateWasm(imports, receive) {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), imports);
    receive(instance);
    return instance.exports;
  },
};
loadYoga(lib);
if (typeof lib.Node !== 'function') throw new Error('yoga-layout did not start synchronously');
const Yoga = wrapAssembly(lib);
export default Yoga;
export * from './generated/YGEnums.js';
`;
      return { contents, loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};
