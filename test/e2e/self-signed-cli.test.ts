// The built `lockstep cert self-signed`, run as a script would (CI=true, no TTY), checked with
// the openssl CLI the way an operator would check it by hand.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { lockstep, tempRoot } from '../helpers.js';

let sandbox: { root: string; cleanup: () => Promise<void> };
before(async () => {
  sandbox = await tempRoot();
});
after(() => sandbox.cleanup());

const openssl = (...args: string[]) => execa('openssl', args, { reject: false });

for (const keyType of ['ec-p384', 'rsa2048'] as const) {
  test(`non-interactive ${keyType}: openssl accepts the certificate for its names and rejects others`, async () => {
    const outDir = `/srv/tls/${keyType}`;
    const run = await lockstep([
      '--root', sandbox.root, 'cert', 'self-signed', '--yes',
      '--host', 'app.example.org,www.example.org', '--key-type', keyType, '--days', '90', '--out-dir', outDir,
    ]);
    assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
    const cert = path.join(sandbox.root, outDir, 'cert.pem');
    const key = path.join(sandbox.root, outDir, 'privkey.pem');

    const text = (await openssl('x509', '-in', cert, '-noout', '-subject', '-ext', 'subjectAltName,basicConstraints,extendedKeyUsage')).stdout;
    assert.match(text, /subject=CN = app\.example\.org/);
    assert.match(text, /DNS:app\.example\.org, DNS:www\.example\.org/);
    assert.match(text, /CA:FALSE/);
    assert.match(text, /TLS Web Server Authentication/);

    for (const host of ['app.example.org', 'www.example.org']) {
      const ok = await openssl('verify', '-CAfile', cert, '-purpose', 'sslserver', '-verify_hostname', host, cert);
      assert.equal(ok.exitCode, 0, ok.stderr);
    }
    const wrong = await openssl('verify', '-CAfile', cert, '-verify_hostname', 'evil.example.org', cert);
    assert.notEqual(wrong.exitCode, 0);
    assert.match(wrong.stdout + wrong.stderr, /hostname mismatch/);

    // Key and certificate hold the same public key.
    const fromKey = (await openssl('pkey', '-in', key, '-pubout')).stdout;
    const fromCert = (await openssl('x509', '-in', cert, '-noout', '-pubkey')).stdout;
    assert.equal(fromKey, fromCert);

    const end = (await openssl('x509', '-in', cert, '-noout', '-checkend', String(89 * 86_400))).exitCode;
    assert.equal(end, 0, 'valid for at least 89 more days');
    const past = (await openssl('x509', '-in', cert, '-noout', '-checkend', String(91 * 86_400))).exitCode;
    assert.equal(past, 1, 'not valid 91 days from now');
  });
}

test('--json streams every event as one JSON object per line', async () => {
  const run = await lockstep(['--root', sandbox.root, '--json', '--yes', 'cert', 'self-signed', '--host', 'json.example.org']);
  assert.equal(run.exitCode, 0, run.stderr);
  const events = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; checks?: { ok: boolean }[] });
  const types = events.map((e) => e.type);
  assert.deepEqual(
    [...new Set(types)],
    ['step-start', 'plan', 'apply-start', 'action-start', 'action-done', 'verify', 'step-done', 'result'],
  );
  // The convention (DESIGN.md, --json): events, then one result document, last.
  assert.deepEqual(events.at(-1), { ...events.at(-1), type: 'result', command: 'cert self-signed', ok: true, exitCode: 0 });
  assert.equal(types.filter((t) => t === 'result').length, 1);
  assert.equal(types.filter((t) => t === 'action-done').length, 3);
  assert.ok(events.find((e) => e.type === 'verify')?.checks?.every((c) => c.ok));
});

test('--json with a missing answer reports the error as JSON and exits 2', async () => {
  const run = await lockstep(['--root', sandbox.root, '--json', 'cert', 'self-signed']);
  assert.equal(run.exitCode, 2);
  const last = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { type: string; ok: boolean; exitCode: number; error?: { message: string } };
  assert.equal(last.type, 'result');
  assert.equal(last.ok, false);
  assert.equal(last.exitCode, 2);
  assert.match(last.error?.message ?? '', /host names/i);
  assert.match(run.stderr, /--host/);
});

test('no command and no terminal: usage on stderr, exit 2', async () => {
  const run = await lockstep([]);
  assert.equal(run.exitCode, 2);
  assert.match(run.stderr, /home menu needs a terminal/);
  assert.match(run.stderr, /cert/);
});

test('--help answers on every command; --version prints the version', async () => {
  for (const args of [['--help'], ['cert', '--help'], ['cert', 'self-signed', '--help'], ['resume', '--help']]) {
    const run = await lockstep(args);
    assert.equal(run.exitCode, 0, args.join(' '));
    assert.match(run.stdout, /Usage: lockstep/);
  }
  const help = (await lockstep(['cert', 'self-signed', '--help'])).stdout;
  for (const flag of ['--host', '--key-type', '--days', '--out-dir', '--key-passphrase-file', '--overwrite']) assert.ok(help.includes(flag), flag);
  const version = await lockstep(['--version']);
  assert.match(version.stdout.trim(), /^\d+\.\d+\.\d+$/);
  const unknown = await lockstep(['frobnicate']);
  assert.equal(unknown.exitCode, 2);
});
