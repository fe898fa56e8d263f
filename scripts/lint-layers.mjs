#!/usr/bin/env node
// The layering rule of DESIGN.md as a check: imports point one way only,
// core ← domains ← flows ← ui ← cli. A module may import its own layer or a lower one; an import
// of a higher layer (a domain importing flows/ or ui/, core importing a domain) fails, with the
// file, the line and the rule. Type-only imports count too: they are arrows all the same.
// Run by `npm run lint:layers` and by `npm test` (so CI runs it).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'src');
const DOMAINS = ['ca', 'tls', 'pki', 'web', 'firewall', 'ssh', 'updates', 'apt', 'patch', 'audit', 'mail', 'platform'];
const LAYERS = ['core', 'domains', 'flows', 'ui', 'cli'];

/** The layer of a file under src/, or undefined for a folder the rule does not know. */
export function layerOf(rel) {
  const top = rel.split('/')[0];
  if (rel === 'cli.ts' || top === 'cli') return 'cli';
  if (top === 'core' || top === 'flows' || top === 'ui') return top;
  if (DOMAINS.includes(top)) return 'domains';
  return undefined;
}

function* files(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (/\.tsx?$/.test(entry.name)) yield full;
  }
}

const IMPORT = /(?:^|[^.\w])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

export function check(src = SRC) {
  const problems = [];
  for (const file of files(src)) {
    const rel = path.relative(src, file).split(path.sep).join('/');
    const from = layerOf(rel);
    if (from === undefined) {
      problems.push(`${rel}: in no layer (core, ${DOMAINS.join(', ')}, flows, ui, cli): put it in one, or name its folder in scripts/lint-layers.mjs`);
      continue;
    }
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2];
      if (spec === undefined || !spec.startsWith('.')) continue;
      const target = path.relative(src, path.resolve(path.dirname(file), spec)).split(path.sep).join('/');
      const to = layerOf(target);
      if (to === undefined || LAYERS.indexOf(to) <= LAYERS.indexOf(from)) continue;
      const line = text.slice(0, m.index).split('\n').length + (m[0].startsWith('\n') ? 1 : 0);
      problems.push(`${rel}:${line}: ${from === 'domains' ? `the domain ${rel.split('/')[0]}/` : `${from}/`} imports ${target} (${to}): imports point one way, ${LAYERS.join(' ← ')}; move the shared part down a layer`);
    }
  }
  return problems;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const dir = process.argv[2] !== undefined ? path.resolve(process.argv[2]) : SRC;
  const problems = check(dir);
  for (const p of problems) process.stderr.write(`${p}\n`);
  if (problems.length > 0) {
    process.stderr.write(`lint:layers: ${problems.length} import(s) against the layering (DESIGN.md, "Layering").\n`);
    process.exit(1);
  }
  process.stdout.write('lint:layers: every import points down (core ← domains ← flows ← ui ← cli).\n');
}
