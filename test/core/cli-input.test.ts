// Non-interactive runs of the built CLI: a missing answer or a bad one stops the run with exit 2,
// names the flag and the answers-file key, and changes nothing under --root.
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { REPO, snapshot, tempRoot } from '../helpers.js';
import { journalRecords, requireBuiltCli, runCli, type CliResult } from './process-tree.js';

const ANSWERS = path.join(REPO, 'fixtures/answers');
const KEY_DIR = 'etc/ssl/lockstep/a.example';

/** A root that already holds something, so "nothing changed" means more than "still empty". */
async function withRoot(fn: (root: string) => Promise<void>): Promise<void> {
  requireBuiltCli();
  const { root, cleanup } = await tempRoot();
  try {
    await fs.mkdir(path.join(root, 'etc'));
    await fs.writeFile(path.join(root, 'etc/hostname'), 'server\n');
    await fn(root);
  } finally {
    await cleanup();
  }
}

/** Runs the CLI and asserts it refused (exit 2) without changing a byte under root. */
async function refused(root: string, args: readonly string[]): Promise<CliResult> {
  const before = await snapshot(root);
  const result = await runCli([...args, '--root', root]);
  assert.equal(result.exitCode, 2, `expected exit 2\n${result.stdout}\n${result.stderr}`);
  assert.deepEqual(await snapshot(root), before, 'nothing may change under --root');
  return result;
}

const cert = async (root: string, dir = KEY_DIR): Promise<X509Certificate> => new X509Certificate(await fs.readFile(path.join(root, dir, 'cert.pem')));
const days = (c: X509Certificate): number => Math.round((Date.parse(c.validTo) - Date.parse(c.validFrom)) / 86_400_000);

describe('missing answers, non-interactive', () => {
  test('--yes without --host: exit 2 naming --host and the answers key "host"', () =>
    withRoot(async (root) => {
      const r = await refused(root, ['cert', 'self-signed', '--yes']);
      assert.match(r.stderr, /Missing answer: host names the certificate is for/);
      assert.match(r.stderr, /--host/);
      assert.match(r.stderr, /key "host" in the --answers file/);
    }));

  test('without --yes and without a terminal: the plan is shown, then exit 2 asking for --yes', () =>
    withRoot(async (root) => {
      const r = await refused(root, ['cert', 'self-signed', '--host', 'a.example']);
      assert.match(r.stdout, /The plan \(3 actions; nothing has changed yet\)/);
      assert.match(r.stdout, /\$ openssl genpkey/);
      assert.match(r.stderr, /Nothing was changed/);
      assert.match(r.stderr, /run again with --yes/);
    }));
});

describe('answers file', () => {
  test('supplies the answers, and a flag overrides the file', () =>
    withRoot(async (root) => {
      const r = await runCli(['cert', 'self-signed', '--answers', path.join(ANSWERS, 'self-signed.json'), '--days', '10', '--yes', '--root', root]);
      assert.equal(r.exitCode, 0, r.stderr + r.stdout);
      const c = await cert(root, 'etc/ssl/lockstep/file.example');
      assert.equal(c.subjectAltName, 'DNS:file.example, DNS:www.file.example');
      assert.equal(days(c), 10, 'the --days flag wins over "days": 30 in the file');
      assert.equal(createPrivateKey(await fs.readFile(path.join(root, 'etc/ssl/lockstep/file.example/privkey.pem'))).asymmetricKeyDetails?.namedCurve, 'secp384r1');
      const start = (await journalRecords(root)).find((rec) => rec.t === 'run-start');
      assert.deepEqual(start?.answers, { host: ['file.example', 'www.file.example'], keyType: 'ec-p384', days: 10, outDir: '/etc/ssl/lockstep/file.example' });
    }));

  test('a value of the wrong type names its key', () =>
    withRoot(async (root) => {
      const r = await refused(root, ['cert', 'self-signed', '--answers', path.join(ANSWERS, 'self-signed-bad-type.json'), '--yes']);
      assert.match(r.stderr, /key "days" must be a whole number from 1 to 825; it is text \("thirty"\)/);
    }));

  test('a bad value in the file names the flag and the key', () =>
    withRoot(async (root) => {
      const r = await refused(root, ['cert', 'self-signed', '--answers', path.join(ANSWERS, 'self-signed-bad-host.json'), '--yes']);
      assert.match(r.stderr, /Invalid --host \/ "host": "file example" contains a space/);
    }));

  test('a file that is not JSON, or missing, is refused', () =>
    withRoot(async (root) => {
      const notJson = path.join(root, 'etc/hostname');
      assert.match((await refused(root, ['cert', 'self-signed', '--answers', notJson, '--yes'])).stderr, /is not valid JSON/);
      assert.match((await refused(root, ['cert', 'self-signed', '--answers', path.join(root, 'nope.json'), '--yes'])).stderr, /Cannot read the answers file/);
    }));
});

describe('bad input: exit 2, the field named, nothing changed', () => {
  const hosts: [string, string, RegExp][] = [
    ['a space', 'a b.example', /contains a space/],
    ['two dots', 'a..example', /empty label/],
    ['only dots', '..', /empty label/],
    ['a 64-character label', `${'x'.repeat(64)}.example`, /label of 64 characters/],
    ['a newline injection', 'a.example\n[ext]', /line break/],
    ['an IP address', '192.0.2.10', /is an IP address/],
    ['300.1.1.1', '300.1.1.1', /ends in a number/],
  ];
  for (const [what, host, why] of hosts) {
    test(`--host with ${what}`, () =>
      withRoot(async (root) => {
        const r = await refused(root, ['cert', 'self-signed', '--host', host, '--yes']);
        assert.match(r.stderr, /Invalid --host \/ "host": /);
        assert.match(r.stderr, why);
      }));
  }

  const dayCases: [string, RegExp][] = [
    ['0', /0 is less than 1/],
    ['-5', /-5 is less than 1/],
    ['100000', /100000 is more than 825/],
    ['abc', /"abc" is not a whole number/],
  ];
  for (const [value, why] of dayCases) {
    test(`--days ${value}`, () =>
      withRoot(async (root) => {
        const r = await refused(root, ['cert', 'self-signed', '--host', 'a.example', `--days=${value}`, '--yes']);
        assert.match(r.stderr, /Invalid --days \/ "days": /);
        assert.match(r.stderr, why);
      }));
  }

  test('--out-dir under an existing regular file', () =>
    withRoot(async (root) => {
      const r = await refused(root, ['cert', 'self-signed', '--host', 'a.example', '--out-dir', '/etc/hostname/certs', '--yes']);
      assert.match(r.stderr, /Cannot use --out-dir \/etc\/hostname\/certs: \/etc\/hostname exists and is not a directory/);
    }));

  test('unknown --key-type', () =>
    withRoot(async (root) => {
      const r = await refused(root, ['cert', 'self-signed', '--host', 'a.example', '--key-type', 'dsa1024', '--yes']);
      assert.match(r.stderr, /Invalid --key-type \/ "keyType": "dsa1024" is not one of: ec-p256, ec-p384, rsa2048, rsa3072, rsa4096/);
    }));
});

describe('an existing key at the output path', () => {
  async function plantOld(root: string): Promise<void> {
    await fs.mkdir(path.join(root, KEY_DIR), { recursive: true });
    await fs.writeFile(path.join(root, KEY_DIR, 'privkey.pem'), 'OLD KEY\n', { mode: 0o600 });
    await fs.chmod(path.join(root, KEY_DIR, 'privkey.pem'), 0o600);
    await fs.writeFile(path.join(root, KEY_DIR, 'cert.pem'), 'OLD CERT\n');
    await fs.chmod(path.join(root, KEY_DIR, 'cert.pem'), 0o644);
  }

  test('is not replaced without --overwrite', () =>
    withRoot(async (root) => {
      await plantOld(root);
      const r = await refused(root, ['cert', 'self-signed', '--host', 'a.example', '--yes']);
      assert.match(r.stderr, /Refusing to replace \/etc\/ssl\/lockstep\/a\.example\/privkey\.pem and \/etc\/ssl\/lockstep\/a\.example\/cert\.pem/);
      assert.match(r.stderr, /--overwrite/);
    }));

  test('with --overwrite is replaced, and the old key and certificate are backed up with their modes', () =>
    withRoot(async (root) => {
      await plantOld(root);
      const r = await runCli(['cert', 'self-signed', '--host', 'a.example', '--overwrite', '--yes', '--root', root]);
      assert.equal(r.exitCode, 0, r.stderr + r.stdout);
      const key = createPrivateKey(await fs.readFile(path.join(root, KEY_DIR, 'privkey.pem')));
      assert.ok((await cert(root)).checkPrivateKey(key));
      assert.equal((await fs.stat(path.join(root, KEY_DIR, 'privkey.pem'))).mode & 0o777, 0o600);

      const run = (await journalRecords(root))[0]!.run as string;
      const backups = path.join(root, 'var/backups/lockstep', run, KEY_DIR);
      assert.equal(await fs.readFile(path.join(backups, 'privkey.pem'), 'utf8'), 'OLD KEY\n');
      assert.equal((await fs.stat(path.join(backups, 'privkey.pem'))).mode & 0o777, 0o600);
      assert.equal(await fs.readFile(path.join(backups, 'cert.pem'), 'utf8'), 'OLD CERT\n');
      assert.equal((await fs.stat(path.join(backups, 'cert.pem'))).mode & 0o777, 0o644);
    }));
});
