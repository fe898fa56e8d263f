// Shared by the openssl-config tests: fixtures, and openssl itself as the judge of what a
// configuration means (asn1parse -genconf loads a file exactly as every openssl command does).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const FIXTURES = new URL('../../fixtures/openssl-cnf/', import.meta.url);

export const fixtureNames = (): string[] => readdirSync(FIXTURES).filter((n) => n.endsWith('.cnf')).sort();
export const fixtureBytes = (name: string): Buffer => readFileSync(new URL(name, FIXTURES));
export const fixture = (name: string): string => fixtureBytes(name).toString('utf8');

export function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-cnf-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface OpensslRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runOpenssl(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): OpensslRun {
  try {
    const stdout = execFileSync('openssl', args, { ...options, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { status: 0, stdout, stderr: '' };
  } catch (error) {
    const e = error as { status?: number; stdout?: string; stderr?: string };
    return { status: e.status ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** The error openssl reports when it loads this text as a config file, or undefined. */
export function opensslLoadError(text: string, env: NodeJS.ProcessEnv): string | undefined {
  return withTempDir((dir) => {
    writeFileSync(join(dir, 'c.cnf'), text);
    const run = runOpenssl(['asn1parse', '-genconf', 'c.cnf', '-noout'], { cwd: dir, env });
    return /Error on line/.test(run.stderr) ? run.stderr.split('\n').slice(0, 3).join(' | ') : undefined;
  });
}

/** Decode a DER SEQUENCE of UTF8Strings. */
function utf8Sequence(der: Buffer): string[] {
  const readLength = (at: number): [number, number] => {
    const first = der[at]!;
    if (first < 0x80) return [first, at + 1];
    let length = 0;
    for (let i = 1; i <= (first & 0x7f); i++) length = length * 256 + der[at + i]!;
    return [length, at + 1 + (first & 0x7f)];
  };
  const [total, start] = readLength(1);
  const out: string[] = [];
  for (let at = start; at < start + total; ) {
    const [length, body] = readLength(at + 1);
    out.push(der.subarray(body, body + length).toString('utf8'));
    at = body + length;
  }
  return out;
}

/**
 * What openssl expands `${section::key}` to, for each probe: the config is loaded with a probe
 * section appended, and openssl writes the expanded values out as DER. Names must be
 * alphanumeric (openssl's variable syntax allows nothing else).
 */
export function opensslValues(text: string, probes: readonly (readonly [string, string])[], env: NodeJS.ProcessEnv): string[] {
  if (probes.length === 0) return [];
  const probe = [
    '',
    '[ default ]',
    'asn1 = SEQUENCE:lockstep_probe',
    '[ lockstep_probe ]',
    ...probes.map(([section, key], i) => `f${i} = UTF8:\${${section}::${key}}`),
    '',
  ].join('\n');
  return withTempDir((dir) => {
    writeFileSync(join(dir, 'c.cnf'), text + probe);
    const run = runOpenssl(['asn1parse', '-genconf', 'c.cnf', '-out', 'c.der', '-noout'], { cwd: dir, env });
    if (run.status !== 0) throw new Error(`openssl could not expand the probes: ${run.stderr}`);
    return utf8Sequence(readFileSync(join(dir, 'c.der')));
  });
}

export const isVariableName = (name: string): boolean => /^[A-Za-z0-9_]+$/.test(name);

/** Lines as a diff sees them, endings kept, so CRLF and a missing final newline count. */
export const linesOf = (text: string): string[] => text.split(/(?<=\n)/);

/** Indexes of lines that differ, for arrays of the same length. */
export function changedLines(before: readonly string[], after: readonly string[]): number[] {
  return before.flatMap((line, i) => (line === after[i] ? [] : [i]));
}
