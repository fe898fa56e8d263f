// Shared by the CA robustness tests: a temporary --root with the Debian openssl.cnf, a CA made
// by the built CLI in it, and readers of the CA database (index.txt, serial) as openssl keeps it.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { REPO, lockstep, tempRoot } from '../helpers.js';

export const PASS = 'correct horse battery staple';
export const CA = '/etc/pki/CA';

export interface Sandbox {
  readonly root: string;
  /** The passphrase file, outside --root so that no scan of the root finds it. */
  readonly passFile: string;
  real(p: string): string;
  cleanup(): Promise<void>;
}

export async function sandbox(fixture = 'debian-12.cnf', passphrase = PASS): Promise<Sandbox> {
  const { root, cleanup } = await tempRoot('lockstep-ca-robust-');
  await fs.mkdir(path.join(root, 'etc/ssl'), { recursive: true });
  await fs.copyFile(path.join(REPO, 'fixtures/openssl-cnf', fixture), path.join(root, 'etc/ssl/openssl.cnf'));
  const passFile = `${root}.pass`;
  await fs.writeFile(passFile, `${passphrase}\n`, { mode: 0o600 });
  return {
    root,
    passFile,
    real: (p) => path.join(root, p),
    cleanup: async () => {
      await cleanup();
      await fs.rm(passFile, { force: true });
    },
  };
}

export const subjectArgs = ['--country', 'US', '--state', 'Massachusetts', '--locality', 'Boston', '--org', 'Quoin, Inc.', '--email', 'ops@example.org'];

export function initArgs(box: Sandbox, keyType: string, extra: readonly string[] = []): string[] {
  return ['--root', box.root, 'ca', 'init', '--yes', '--passphrase-file', box.passFile, '--key-type', keyType, ...subjectArgs, ...extra];
}

export function signArgs(box: Sandbox, hosts: readonly string[], extra: readonly string[] = []): string[] {
  return ['--root', box.root, 'ca', 'sign', '--yes', '--passphrase-file', box.passFile, ...hosts.flatMap((h) => ['--host', h]), ...extra];
}

export function ok(r: { exitCode?: number | undefined; stdout: unknown; stderr: unknown }, what: string): void {
  assert.equal(r.exitCode, 0, `${what} failed:\n${String(r.stdout)}\n${String(r.stderr)}`);
}

export async function initCa(box: Sandbox, keyType = 'ec-p384', extra: readonly string[] = []): Promise<void> {
  ok(await lockstep(initArgs(box, keyType, extra)), 'ca init');
}

/** A line of index.txt, split as openssl's TXT_DB reads it (6 tab-separated fields). */
export interface DbLine {
  readonly status: string;
  readonly serial: string;
  readonly subject: string;
}

const TIME = /^(\d{12}|\d{14})Z$/;

/** Every line must be whole: 6 fields, a known status, a time, a hex serial, a subject. */
export function parseIndexStrict(text: string, where: string): DbLine[] {
  if (text !== '') assert.ok(text.endsWith('\n'), `${where}: last line is cut short`);
  const lines: DbLine[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line === '') continue;
    const fields = line.split('\t');
    assert.equal(fields.length, 6, `${where} line ${i + 1} has ${fields.length} fields: ${JSON.stringify(line)}`);
    const [status, expiry, revoked, serial, , subject] = fields as [string, string, string, string, string, string];
    assert.match(status, /^[VRE]$/, `${where} line ${i + 1}: status`);
    assert.match(expiry, TIME, `${where} line ${i + 1}: expiry`);
    if (status === 'R') assert.match(revoked.split(',')[0] ?? '', TIME, `${where} line ${i + 1}: revocation time`);
    assert.match(serial, /^[0-9A-F]+$/, `${where} line ${i + 1}: serial`);
    assert.match(subject, /^\/CN=/, `${where} line ${i + 1}: subject`);
    lines.push({ status, serial, subject });
  }
  return lines;
}

const exists = (p: string): Promise<boolean> => fs.stat(p).then(() => true, () => false);

/**
 * The file `ca sign` reads for a database file after an interrupted rename (db-repair.ts): the
 * file itself, else <file>.new, else <file>.old. Undefined when none is there.
 */
export async function dbView(file: string): Promise<{ path: string; text: string } | undefined> {
  for (const candidate of [file, `${file}.new`, `${file}.old`]) {
    if (await exists(candidate)) return { path: candidate, text: await fs.readFile(candidate, 'utf8') };
  }
  return undefined;
}

/** index.txt as `ca sign` will see it, checked line by line. */
export async function readIndex(caDir: string): Promise<DbLine[]> {
  const view = await dbView(path.join(caDir, 'index.txt'));
  assert.ok(view !== undefined, 'no index.txt, index.txt.new or index.txt.old');
  return parseIndexStrict(view.text, path.basename(view.path));
}

export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out.push(path.join(entry.parentPath ?? entry.path, entry.name));
  }
  return out.sort();
}

/** `openssl verify -CAfile root` over certificates, in one process. */
export async function verifyAll(rootCert: string, certs: readonly string[]): Promise<void> {
  if (certs.length === 0) return;
  const r = await execa('openssl', ['verify', '-CAfile', rootCert, ...certs], { reject: false });
  assert.equal(r.exitCode, 0, `openssl verify: ${r.stdout}\n${r.stderr}`);
  assert.equal(r.stdout.split('\n').filter((l) => l.endsWith(': OK')).length, certs.length, r.stdout);
}

export function serialOf(pem: string): string {
  return new X509Certificate(pem).serialNumber.toUpperCase().replace(/^0+/, '');
}

export function keyMatches(certPem: string, keyPem: string): boolean {
  return new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem));
}

export { seeded } from '../helpers.js';
