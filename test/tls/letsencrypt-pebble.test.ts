// `lockstep cert letsencrypt` against a real Pebble on loopback: HTTP-01 (standalone listener),
// DNS-01 (a hook driving pebble-challtestsrv), a second issuance, a failing challenge, bad input.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { BIN, lockstep, snapshot, tempRoot, waitFor } from '../helpers.js';
import { descendants, journalRecords, procInfo, readEnviron, running, runningMembers, type ProcInfo } from '../core/process-tree.js';
import { startPebble, type RunningPebble } from './pebble.js';

let sandbox: { root: string; cleanup: () => Promise<void> };
let pebble: RunningPebble;
const CA_FILE = '/etc/lockstep-test/pebble-tls.pem';

before(async () => {
  sandbox = await tempRoot('lockstep-acme-');
  pebble = await startPebble(path.join(sandbox.root, 'pebble'), path.join(sandbox.root, CA_FILE));
});
after(async () => {
  await pebble?.stop();
  await sandbox?.cleanup();
});

const acmeArgs = (): string[] => ['--email', 'ops@example.org', '--agree-tos', '--acme-directory', pebble.directory, '--acme-ca-file', pebble.tlsCaFile];
const live = (name: string, file: string): string => path.join(sandbox.root, 'etc/lockstep/live', name, file);

async function verifyChain(name: string, host: string): Promise<void> {
  const rootFile = path.join(sandbox.root, 'pebble-root.pem');
  await fs.writeFile(rootFile, pebble.rootPem);
  const r = await execa('openssl', ['verify', '-CAfile', rootFile, '-untrusted', live(name, 'chain.pem'), '-verify_hostname', host, '-purpose', 'sslserver', live(name, 'cert.pem')], { reject: false });
  assert.equal(r.exitCode, 0, `${r.stdout}${r.stderr}`);
}

test('HTTP-01 with the standalone listener: a certificate Pebble\'s root verifies, key 0600, account key never logged', async () => {
  const started = performance.now();
  const run = await lockstep([
    '--root', sandbox.root, '--yes', 'cert', 'letsencrypt', '--domain', 'app.example.org,www.example.org', ...acmeArgs(),
    '--challenge', 'http-01', '--http-01-port', String(pebble.httpPort),
  ]);
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
  process.stdout.write(`# one ACME issuance against Pebble (HTTP-01, whole CLI run): ${seconds} s\n`);
  await verifyChain('app.example.org', 'www.example.org');
  assert.equal((await fs.stat(live('app.example.org', 'privkey.pem'))).mode & 0o777, 0o600);
  const archive = await fs.readdir(path.join(sandbox.root, 'etc/lockstep/archive/app.example.org'));
  assert.deepEqual(archive.sort(), ['cert1.pem', 'chain1.pem', 'csr1.pem', 'fullchain1.pem', 'privkey1.pem']);
  const accountDir = path.join(sandbox.root, 'etc/lockstep/accounts');
  const [account] = await fs.readdir(accountDir);
  const accountKey = path.join(accountDir, account ?? '', 'account-key.pem');
  assert.equal((await fs.stat(accountKey)).mode & 0o777, 0o600);
  const keyBody = (await fs.readFile(accountKey, 'utf8')).split('\n')[1] ?? 'missing';
  const logs = path.join(sandbox.root, 'var/log/lockstep');
  for (const f of await fs.readdir(logs)) assert.ok(!(await fs.readFile(path.join(logs, f), 'utf8')).includes(keyBody), `account key in ${f}`);
  assert.ok(!run.stdout.includes(keyBody));
  const renewal = JSON.parse(await fs.readFile(path.join(sandbox.root, 'etc/lockstep/renewal/app.example.org.json'), 'utf8')) as { method: string };
  assert.equal(renewal.method, 'letsencrypt');
});

test('a second order keeps the first in the archive and replaces the live files', async () => {
  const before = await fs.readFile(live('app.example.org', 'cert.pem'), 'utf8');
  const run = await lockstep([
    '--root', sandbox.root, '--yes', 'cert', 'letsencrypt', '--domain', 'app.example.org,www.example.org', ...acmeArgs(),
    '--challenge', 'http-01', '--http-01-port', String(pebble.httpPort), '--key-type', 'rsa2048',
  ]);
  assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
  assert.notEqual(await fs.readFile(live('app.example.org', 'cert.pem'), 'utf8'), before);
  const archive = await fs.readdir(path.join(sandbox.root, 'etc/lockstep/archive/app.example.org'));
  assert.ok(archive.includes('cert1.pem') && archive.includes('cert2.pem'));
  assert.doesNotMatch(run.stdout, /Generate the ACME account key/, 'the account key is reused');
  await verifyChain('app.example.org', 'app.example.org');
});

test('DNS-01 through --dns-hook, watched on --dns-resolver', async () => {
  const hook = path.join(sandbox.root, 'dns-hook.sh');
  await fs.writeFile(
    hook,
    [
      '#!/bin/sh',
      'set -e',
      'if [ "$LOCKSTEP_DNS_ACTION" = set ]; then',
      `  curl -sf -X POST -d "{\\"host\\":\\"$LOCKSTEP_DNS_NAME.\\",\\"value\\":\\"$LOCKSTEP_DNS_VALUE\\"}" ${pebble.challtestsrv}/set-txt`,
      'else',
      `  curl -sf -X POST -d "{\\"host\\":\\"$LOCKSTEP_DNS_NAME.\\"}" ${pebble.challtestsrv}/clear-txt`,
      'fi',
      'echo "$LOCKSTEP_DNS_ACTION $LOCKSTEP_DNS_NAME" >> "$0.log"',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  const run = await lockstep([
    '--root', sandbox.root, '--yes', 'cert', 'letsencrypt', '--domain', 'internal.example.net', ...acmeArgs(),
    '--challenge', 'dns-01', '--dns-hook', hook, '--dns-resolver', pebble.dns,
  ]);
  assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
  await verifyChain('internal.example.net', 'internal.example.net');
  assert.equal(await fs.readFile(`${hook}.log`, 'utf8'), 'set _acme-challenge.internal.example.net\nclear _acme-challenge.internal.example.net\n');
});

test('a challenge nobody answers fails with the server\'s reason, and live/ is untouched', async () => {
  const beforeSnap = await snapshot(path.join(sandbox.root, 'etc/lockstep/live'));
  // Pebble validates on its httpPort; the listener is put elsewhere so nothing answers there.
  const elsewhere = pebble.httpPort === 65000 ? 65001 : 65000;
  const run = await lockstep([
    '--root', sandbox.root, '--yes', 'cert', 'letsencrypt', '--domain', 'app.example.org', ...acmeArgs(),
    '--challenge', 'http-01', '--http-01-port', String(elsewhere),
  ]);
  assert.equal(run.exitCode, 1, run.stdout);
  assert.match(`${run.stdout}\n${run.stderr}`, /connection refused|Connection refused|invalid/i);
  assert.deepEqual(await snapshot(path.join(sandbox.root, 'etc/lockstep/live')), beforeSnap);
});

test('bad input names the flag, exits 2 and changes nothing', async () => {
  const { root, cleanup } = await tempRoot();
  try {
    const cases: [string[], RegExp][] = [
      [['--domain', 'a.example.org', '--email', 'ops@example.org', '--acme-directory', pebble.directory], /--agree-tos/],
      [['--domain', 'a.example.org', '--email', 'ops@example.org', '--no-agree-tos'], /agree-tos|terms of service/],
      [['--domain', 'a.example.org', '--email', 'not-an-address', '--agree-tos'], /--email|e-mail/],
      [['--domain', 'a.example.org', '--email', 'ops@example.org', '--agree-tos', '--acme-directory', 'http://insecure.example/dir'], /--acme-directory|https/],
      [['--domain', 'a.example.org', '--email', 'ops@example.org', '--agree-tos', '--challenge', 'dns-01', '--dns-resolver', 'nohost'], /--dns-resolver|HOST:PORT/],
      [['--domain', 'a.example.org', '--email', 'ops@example.org', '--agree-tos', '--webroot', '/srv/missing'], /--webroot/],
    ];
    const beforeSnap = await snapshot(root);
    for (const [args, message] of cases) {
      const run = await lockstep(['--root', root, '--yes', 'cert', 'letsencrypt', ...args]);
      assert.equal(run.exitCode, 2, `${args.join(' ')}\n${run.stdout}\n${run.stderr}`);
      assert.match(run.stderr, message, args.join(' '));
    }
    assert.deepEqual(await snapshot(root), beforeSnap);
  } finally {
    await cleanup();
  }
});

test('DNS-01 by hand: the TXT record is printed, and the order waits until the resolver answers it', async () => {
  const child = execa('node', [BIN, '--root', sandbox.root, '--yes', 'cert', 'letsencrypt', '--domain', 'manual.example.net', ...acmeArgs(), '--challenge', 'dns-01', '--dns-resolver', pebble.dns], {
    reject: false,
    stdin: 'ignore',
    env: { CI: 'true', NO_COLOR: '1' },
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const [, name, value] = await waitFor(() => /Create this DNS record now: +(\S+)\. 60 IN TXT "([^"]+)"/.exec(out), 'the TXT record to create', 20_000);
  assert.equal(name, '_acme-challenge.manual.example.net');
  // The operator is slow: the order must still be waiting, not failed.
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(child.exitCode, null, out);
  const set = await fetch(`${pebble.challtestsrv}/set-txt`, { method: 'POST', body: JSON.stringify({ host: `${name}.`, value }) });
  assert.equal(set.status, 200);
  const run = await child;
  assert.equal(run.exitCode, 0, `${out}\n${run.stderr}`);
  await verifyChain('manual.example.net', 'manual.example.net');
});

test('SIGTERM while the DNS hook\'s own child runs: every group of the run ends, the action is journaled as interrupted, and no child ever held LOCKSTEP_PASSPHRASE', async () => {
  const { root, cleanup } = await tempRoot('lockstep-acme-term-');
  const hook = path.join(root, 'slow-hook.sh');
  await fs.writeFile(hook, '#!/bin/sh\nsleep 600 &\necho "$!" > "$0.sleep"\nwait\n', { mode: 0o755 });
  const secret = 'passphrase-that-must-stay-home';
  const cli = lockstep(['--root', root, '--yes', 'cert', 'letsencrypt', '--domain', 'slow.example.net', ...acmeArgs(), '--challenge', 'dns-01', '--dns-hook', hook, '--dns-resolver', pebble.dns], {
    env: { CI: 'true', NO_COLOR: '1', LOCKSTEP_PASSPHRASE: secret },
  });
  const pid = cli.pid!;
  let tree: ProcInfo[] = [];
  try {
    const sleeper = Number(await waitFor(() => fs.readFile(`${hook}.sleep`, 'utf8').catch(() => ''), 'the hook\'s sleep', 30_000));
    await waitFor(() => running(sleeper), 'the sleep to run');
    tree = descendants(pid);
    assert.ok(tree.some((p) => p.pid === sleeper), 'the sleep is part of the run\'s tree');
    assert.ok(tree.length >= 3, `the helper, the hook and its sleep: ${tree.map((p) => p.comm).join(', ')}`);
    for (const p of tree) {
      const env = readEnviron(p.pid) ?? '';
      assert.ok(!env.includes('LOCKSTEP_PASSPHRASE') && !env.includes(secret), `${p.comm} (${p.pid}) inherited LOCKSTEP_PASSPHRASE`);
    }
    assert.match(readEnviron(sleeper) ?? '', /LOCKSTEP_DNS_NAME=_acme-challenge\.slow\.example\.net/, 'the hook gets its own variables');
    const groups = new Set(tree.map((p) => p.pgrp));
    assert.ok(!groups.has(procInfo(pid)!.pgrp), 'no child stays in lockstep\'s own process group');

    process.kill(pid, 'SIGTERM');
    const result = await cli;
    assert.equal(result.signal, undefined, `lockstep died of ${result.signal} instead of stopping the run`);
    assert.equal(result.exitCode, 1, String(result.stderr));
    for (const pgrp of groups) assert.deepEqual(runningMembers(pgrp), [], `process group ${pgrp} is empty`);
    assert.ok(!running(sleeper), 'the hook\'s sleep is gone');
    const records = await journalRecords(root);
    const interrupted = records.filter((r) => r.t === 'action' && r.status === 'interrupted');
    assert.equal(interrupted.length, 1, 'the running action is journaled as interrupted');
    assert.ok(!records.some((r) => r.t === 'action' && r.index === interrupted[0]!.index && r.status === 'done'));
    assert.equal(records.at(-1)?.t, 'run-end');
    assert.equal(records.at(-1)?.status, 'aborted');
  } finally {
    for (const p of tree) if (running(p.pid)) process.kill(p.pid, 'SIGKILL');
    await cli.catch(() => undefined);
    await cleanup();
  }
});
