// The single executable (build/lockstep-linux-<arch>, npm run build:exe) on a machine without
// Node: it is copied into a temporary folder with no node_modules anywhere above it and run
// with a PATH that holds openssl alone (no node): --version, --help, a private CA made and a
// host signed under a sandbox --root, the TUI in a real terminal, and an ACME order from a
// real Pebble through `lockstep internal acme-order`, which the plan runs as the executable.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { REPO, tempRoot } from '../helpers.js';
import { startInTmux, tmuxMissing } from '../e2e/tmux.js';
import { startPebble } from '../tls/pebble.js';
import { pathWithoutNode, requireExe } from './exe.js';

let sandbox: { root: string; cleanup: () => Promise<void> };
let exe: string;
let bin: string;
const root = (): string => path.join(sandbox.root, 'root');
const PASS = 'correct horse battery staple';

/** The executable as a program with nothing but `PATH` (and HOME) in its environment, from a bare folder. */
const run = (args: readonly string[], env: Readonly<Record<string, string>> = {}) =>
  execa(exe, args, { reject: false, stdin: 'ignore', cwd: sandbox.root, env: { PATH: bin, HOME: sandbox.root, CI: 'true', NO_COLOR: '1', ...env }, extendEnv: false });

before(async () => {
  sandbox = await tempRoot('lockstep-exe-');
  exe = path.join(sandbox.root, 'lockstep');
  await fs.copyFile(requireExe(), exe);
  await fs.chmod(exe, 0o755);
  bin = await pathWithoutNode(path.join(sandbox.root, 'bin'), ['openssl']);
  await fs.mkdir(path.join(root(), 'etc/ssl'), { recursive: true });
  await fs.copyFile(path.join(REPO, 'fixtures/openssl-cnf/debian-12.cnf'), path.join(root(), 'etc/ssl/openssl.cnf'));
  await fs.writeFile(path.join(sandbox.root, 'ca.pass'), `${PASS}\n`, { mode: 0o600 });
});
after(async () => sandbox?.cleanup());

test('no node on PATH, no node_modules: the executable still answers --version and --help', async () => {
  assert.equal((await execa('/bin/sh', ['-c', 'command -v node || echo none'], { env: { PATH: bin }, extendEnv: false })).stdout, 'none');
  const pkg = JSON.parse(await fs.readFile(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
  const version = await run(['--version']);
  assert.equal(version.exitCode, 0, version.stderr);
  assert.equal(version.stdout, pkg.version);
  assert.equal(version.stderr, '', 'no warning from Node (experimental or require() inside the executable)');
  const help = await run(['--help']);
  assert.equal(help.exitCode, 0, help.stderr);
  assert.match(help.stdout, /^Usage: lockstep \[options\] \[command\]/);
  assert.match(help.stdout, /ca\s+private certificate authority/);
  const bad = await run(['--no-such-flag']);
  assert.equal(bad.exitCode, 2);
});

test('ca init and ca sign in a sandbox root: an encrypted root and a host certificate it verifies', async () => {
  const pass = path.join(sandbox.root, 'ca.pass');
  const init = await run(['--root', root(), 'ca', 'init', '--yes', '--passphrase-file', pass, '--country', 'US', '--state', 'Massachusetts', '--locality', 'Boston', '--org', 'Quoin, Inc.']);
  assert.equal(init.exitCode, 0, `${init.stdout}\n${init.stderr}`);
  const sign = await run(['--root', root(), 'ca', 'sign', '--yes', '--passphrase-file', pass, '--host', 'couch1.example.org']);
  assert.equal(sign.exitCode, 0, `${sign.stdout}\n${sign.stderr}`);
  const hostDir = path.join(root(), 'etc/pki/CA/hosts/couch1.example.org');
  const cert = new X509Certificate(await fs.readFile(path.join(hostDir, 'couch1.example.org.crt')));
  const ca = new X509Certificate(await fs.readFile(path.join(root(), 'etc/pki/CA/certs/couch_ca.cert')));
  assert.ok(cert.verify(ca.publicKey), 'signed by the root ca init made');
  assert.equal(cert.subjectAltName, 'DNS:couch1.example.org');
  assert.equal((await fs.stat(path.join(hostDir, 'couch1.example.org.key'))).mode & 0o777, 0o600);
  assert.match(await fs.readFile(path.join(root(), 'etc/pki/CA/private/couch_ca.pem'), 'utf8'), /ENCRYPTED PRIVATE KEY/);
});

test('the TUI in a real terminal: the home menu, a self-signed certificate, quit', { skip: tmuxMissing }, async () => {
  const term = await startInTmux(['--root', root()], { PATH: bin, HOME: sandbox.root }, [], [exe]);
  try {
    await term.waitFor('lockstep: what would you like to do?');
    await term.focus('cert self-signed');
    await term.waitFor('❯ Self-signed certificate');
    await term.key('Enter');
    await term.waitFor('? Host names the certificate is for');
    await term.type('tui.example.org');
    await term.key('Enter');
    for (const question of ['? Key type', '? Valid for how many days', '? Folder for privkey.pem and cert.pem', '? Passphrase for the private key']) {
      await term.waitFor(question);
      await term.key('Enter');
    }
    await term.waitFor('? Apply this plan? (y/N)');
    await term.type('y');
    const done = await term.waitFor('Press Enter to return to the menu, or q to quit.');
    assert.match(done, /✓ key matches certificate/);
    await term.type('q');
    await term.waitFor('lockstep-exit=0');
  } finally {
    await term.kill();
  }
  const cert = new X509Certificate(await fs.readFile(path.join(root(), 'etc/ssl/lockstep/tui.example.org/cert.pem')));
  assert.equal(cert.subjectAltName, 'DNS:tui.example.org');
});

test('an ACME order from Pebble: the plan runs "<executable> internal acme-order", not node', async () => {
  const acmeRoot = path.join(sandbox.root, 'acme-root');
  const caFile = '/etc/lockstep-test/pebble-tls.pem';
  const pebble = await startPebble(path.join(sandbox.root, 'pebble'), path.join(acmeRoot, caFile));
  try {
    // The plan's commands (install, …) are on PATH as on any server; node is not.
    const everything = await pathWithoutNode(path.join(sandbox.root, 'bin-all'));
    const args = ['--root', acmeRoot, 'cert', 'letsencrypt', '--domain', 'exe.example.org', '--email', 'ops@example.org', '--agree-tos', '--acme-directory', pebble.directory, '--acme-ca-file', pebble.tlsCaFile, '--challenge', 'http-01', '--http-01-port', String(pebble.httpPort)];
    const preview = await run(['--dry-run', ...args], { PATH: everything });
    assert.equal(preview.exitCode, 0, `${preview.stdout}\n${preview.stderr}`);
    assert.ok(preview.stdout.includes(`$ ${exe} internal acme-order --directory=${pebble.directory}`), preview.stdout);
    const order = await run(['--yes', ...args], { PATH: everything });
    assert.equal(order.exitCode, 0, `${order.stdout}\n${order.stderr}`);
    const rootFile = path.join(sandbox.root, 'pebble-root.pem');
    await fs.writeFile(rootFile, pebble.rootPem);
    const live = path.join(acmeRoot, 'etc/lockstep/live/exe.example.org');
    const verify = await execa('openssl', ['verify', '-CAfile', rootFile, '-untrusted', path.join(live, 'chain.pem'), path.join(live, 'cert.pem')], { reject: false });
    assert.equal(verify.exitCode, 0, verify.stdout + verify.stderr);
  } finally {
    await pebble.stop();
  }
});
