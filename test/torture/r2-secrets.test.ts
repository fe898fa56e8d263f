// R2: every flow that takes a secret, run by the built CLI while r2-watch.ts reads /proc/*/cmdline
// and /proc/*/environ of every new process; then its stdout/stderr (text, --json and --dry-run
// previews), its --log file, the journal and run logs, and every other file under --root are
// searched for each secret: the CA passphrase (from a file and from LOCKSTEP_PASSPHRASE), a host
// key's passphrase (from a file and from LOCKSTEP_KEY_PASSPHRASE), and the ACME account key
// (its PEM lines and its JWK "d", learned after the run that made it, against Pebble on
// loopback). A resumed run (after SIGKILL) and renewal are among the flows. lockstep has no SMTP
// password or .pfx password input today: nothing takes one to test (say so when one comes).
import assert from 'node:assert/strict';
import { createPrivateKey, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO, lockstep, waitFor } from '../helpers.js';
import { journalRecords, killTree, requireBuiltCli, runningMembers } from '../core/process-tree.js';
import { startPebble, type RunningPebble } from '../tls/pebble.js';
import { leaksIn, watchRun, type WatchedRun } from './r2-watch.js';
import { FULL, figures } from './torture.js';

const PASSPHRASE = `ca-pass-${randomBytes(9).toString('hex')}`;
const KEYPASS = `key-pass-${randomBytes(9).toString('hex')}`;
const CA = '/etc/pki/CA';

let work: string;
let root: string;
let logFile: string;
let passFile: string;
let keyPassFile: string;
let pebble: RunningPebble | undefined;
let tlsCaFile: string;
const runs: { name: string; run: WatchedRun; env: Record<string, string> }[] = [];
const r = (p: string): string => path.join(root, p);

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])) {
    if (e.isFile()) out.push(path.join(e.parentPath ?? e.path, e.name));
  }
  return out;
}

async function flow(name: string, args: readonly string[], env: Record<string, string> = {}, exits: readonly number[] = [0]): Promise<WatchedRun> {
  const run = await watchRun(['--root', root, '--log', logFile, ...args], env);
  runs.push({ name, run, env });
  assert.ok(exits.includes(run.exitCode ?? -1), `${name}: exit ${run.exitCode}\n${run.stdout}\n${run.stderr}`);
  return run;
}

/** The account key as it could leak: its PEM body lines and its private JWK member. */
async function accountKeyForms(): Promise<string[]> {
  const dir = r('etc/lockstep/accounts');
  const [account] = await fs.readdir(dir);
  const pem = await fs.readFile(path.join(dir, account!, 'account-key.pem'), 'utf8');
  const lines = pem.split('\n').filter((l) => l !== '' && !l.startsWith('-----'));
  const jwk = createPrivateKey(pem).export({ format: 'jwk' });
  return [...lines.filter((l) => l.length >= 40), String(jwk.d)];
}

describe('R2: no secret in any argv, child environment, output, log, journal or preview', { concurrency: false }, () => {
  before(async () => {
    requireBuiltCli();
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'lockstep-r2-'));
    root = path.join(work, 'root');
    logFile = path.join(work, 'run.log');
    passFile = path.join(work, 'ca.pass');
    keyPassFile = path.join(work, 'key.pass');
    await fs.mkdir(r('etc/ssl'), { recursive: true });
    await fs.copyFile(path.join(REPO, 'fixtures/openssl-cnf/debian-12.cnf'), r('etc/ssl/openssl.cnf'));
    await fs.writeFile(passFile, `${PASSPHRASE}\n`, { mode: 0o600 });
    await fs.writeFile(keyPassFile, `${KEYPASS}\n`, { mode: 0o600 });
    // Pebble's TLS root at a path of the operator's, mirrored under --root (main still reads it there).
    tlsCaFile = path.join(work, 'operator/pebble-tls.pem');
    pebble = await startPebble(path.join(work, 'pebble'), tlsCaFile);
    await fs.mkdir(path.dirname(path.join(root, tlsCaFile)), { recursive: true });
    await fs.copyFile(tlsCaFile, path.join(root, tlsCaFile));
  });
  after(async () => {
    await pebble?.stop();
    if (work !== undefined) await fs.rm(work, { recursive: true, force: true });
  });

  const subject = ['--country', 'US', '--state', 'MA', '--locality', 'Boston', '--org', 'Quoin', '--email', 'ops@example.org'];
  const sign = (hosts: string[], extra: string[] = []): string[] => ['ca', 'sign', '--yes', ...hosts.flatMap((h) => ['--host', h]), '--key-type', 'ec-p256', '--days', '90', ...extra];
  const acme = (): string[] => ['--email', 'ops@example.org', '--agree-tos', '--acme-directory', pebble!.directory, '--acme-ca-file', tlsCaFile, '--challenge', 'http-01', '--http-01-port', String(pebble!.httpPort)];

  test('the CA: init, sign (passphrase from a file and from LOCKSTEP_PASSPHRASE), a dry run, revoke, crl, a killed sign resumed', async () => {
    await flow('ca init --json', ['--json', 'ca', 'init', '--yes', '--passphrase-file', passFile, '--key-type', 'ec-p384', ...subject]);
    await flow('ca sign (--passphrase-file)', sign(['a.example.org', 'b.example.org'], ['--passphrase-file', passFile]));
    await flow('ca sign --json (LOCKSTEP_PASSPHRASE)', ['--json', ...sign(['c.example.org'])], { LOCKSTEP_PASSPHRASE: PASSPHRASE });
    await flow('ca sign --dry-run (the preview)', [...sign(['d.example.org'], ['--passphrase-file', passFile]), '--dry-run']);
    await flow('ca revoke', ['ca', 'revoke', '--yes', '--passphrase-file', passFile, '--host', 'b.example.org', '--reason', 'superseded']);
    await flow('ca crl --json', ['--json', 'ca', 'crl', '--yes'], { LOCKSTEP_PASSPHRASE: PASSPHRASE });

    // Killed as soon as its journal run begins, then resumed with the passphrase from the environment.
    const journal = r('var/log/lockstep/journal.jsonl');
    const runsBefore = (await journalRecords(root)).filter((x) => x.t === 'run-start').length;
    const cli = lockstep(['--root', root, ...sign(['e.example.org', 'f.example.org'], ['--passphrase-file', passFile])], { detached: true });
    await waitFor(async () => (await journalRecords(root)).filter((x) => x.t === 'run-start').length > runsBefore, 'the sign run to start', 20_000, 2);
    killTree(cli.pid!);
    await cli;
    await waitFor(() => runningMembers(cli.pid!).length === 0, 'the killed run to be gone');
    await fs.access(journal);
    await flow('lockstep resume (LOCKSTEP_PASSPHRASE)', ['resume', '--yes'], { LOCKSTEP_PASSPHRASE: PASSPHRASE });
  });

  test('a host key with a passphrase: cert self-signed from --key-passphrase-file and from LOCKSTEP_KEY_PASSPHRASE', async () => {
    await flow('cert self-signed (--key-passphrase-file)', ['cert', 'self-signed', '--yes', '--host', 'enc.example', '--key-passphrase-file', keyPassFile]);
    await flow('cert self-signed --json (LOCKSTEP_KEY_PASSPHRASE)', ['--json', 'cert', 'self-signed', '--yes', '--host', 'enc2.example'], { LOCKSTEP_KEY_PASSPHRASE: KEYPASS });
    const key = await fs.readFile(r('etc/ssl/lockstep/enc.example/privkey.pem'), 'utf8');
    assert.match(key, /ENCRYPTED PRIVATE KEY/, 'the key is encrypted with the passphrase');
    createPrivateKey({ key, passphrase: KEYPASS });
  });

  test('Let\'s Encrypt against Pebble: the account key made by the first order, used by a second and by renew', async () => {
    await flow('cert letsencrypt (new account)', ['cert', 'letsencrypt', '--yes', '--domain', 'app.example.org', ...acme()]);
    await flow('cert letsencrypt --json (the same account)', ['--json', 'cert', 'letsencrypt', '--yes', '--domain', 'api.example.org', ...acme()]);
    await flow('cert letsencrypt --dry-run (the preview)', ['cert', 'letsencrypt', '--yes', '--dry-run', '--domain', 'www.example.org', ...acme()]);
  });

  test('renew --force: the private-CA and ACME certificates in live/, the passphrase from the environment', async () => {
    // The private-CA certificate of a.example.org, installed in live/ so that renew re-signs it.
    // --cert, --key and --trust-store are the operator's files, read as given: the CA's, inside the root.
    const host = `${root}${CA}/hosts/a.example.org/a.example.org`;
    await flow('cert install (a private-CA certificate)', ['cert', 'install', '--yes', '--domain', 'a.example.org', '--cert', `${host}.crt`, '--key', `${host}.key`, '--trust-store', `${root}${CA}/certs/couch_ca.cert`]);
    const live = r('etc/lockstep/live/a.example.org/cert.pem');
    const before = await fs.readFile(live, 'utf8');
    // Exit 1: the two self-signed certificates "need you" (lockstep does not renew them).
    await flow('renew --dry-run (the preview)', ['renew', '--dry-run', '--force'], { LOCKSTEP_PASSPHRASE: PASSPHRASE }, [0, 1]);
    const renewed = await flow('renew --yes --force --json', ['--json', 'renew', '--yes', '--force'], { LOCKSTEP_PASSPHRASE: PASSPHRASE }, [0, 1]);
    assert.notEqual(await fs.readFile(live, 'utf8'), before, 'the private-CA certificate was renewed');
    assert.match(renewed.stdout.trim().split('\n').at(-1)!, /^\{"type":"result"/, 'the --json run ends with its result document');
  });

  test('afterwards: none of the secrets anywhere the watcher, the outputs, the log, the journal or the files under --root', async (t) => {
    const account = await accountKeyForms();
    const secrets: [string, string][] = [
      ['the CA passphrase', PASSPHRASE],
      ['the key passphrase', KEYPASS],
      ...account.map((form, i): [string, string] => [`the ACME account key (${i === account.length - 1 ? 'JWK d' : `PEM line ${i + 1}`})`, form]),
    ];
    const leaks: string[] = [];
    for (const [what, secret] of secrets) {
      for (const { name, run, env } of runs) {
        // The CLI itself holds a secret it was given in its environment; its children must not.
        const given = Object.values(env).includes(secret);
        for (const where of leaksIn(run, secret, given)) leaks.push(`${what} in ${where} during "${name}"`);
      }
      const text = await fs.readFile(logFile, 'utf8');
      if (text.includes(secret)) leaks.push(`${what} in the --log file`);
      for (const f of await files(root)) {
        if (f.endsWith('/account-key.pem')) continue; // where the account key lives (0600)
        if ((await fs.readFile(f, 'latin1')).includes(secret)) leaks.push(`${what} in ${path.relative(root, f)}`);
      }
    }
    const journal = await journalRecords(root);
    const samples = runs.reduce((n, x) => n + x.run.passes, 0);
    const processes = runs.reduce((n, x) => n + new Set(x.run.seen.map((s) => s.pid)).size, 0);
    const ms = runs.reduce((n, x) => n + x.run.ms, 0);
    figures(t, {
      requirement: 'R2',
      runs: runs.length,
      secretsLookedFor: secrets.length,
      passesOverProc: samples,
      msBetweenPasses: Math.round((ms / samples) * 10) / 10,
      processesSeen: processes,
      journalRecords: journal.length,
      filesSearched: (await files(root)).length,
      leaks: leaks.length,
      full: FULL,
    });
    for (const l of leaks) t.diagnostic(l);
    assert.deepEqual(leaks, []);
    // The watcher reads what it claims to: the CLI's argv, a child's environment.
    assert.ok(runs.some((x) => leaksIn(x.run, '--passphrase-file', false).some((w) => w.startsWith('argv'))), 'the watcher never read an argv');
    assert.ok(runs.some((x) => leaksIn(x.run, 'NO_COLOR=1', true).some((w) => w.startsWith('environment'))), 'the watcher never read a child\'s environment');
    // The watcher saw the children the secrets go to, so "not seen" means something.
    const argv = runs.flatMap((x) => x.run.seen.map((s) => s.argv.split('\0').slice(0, 2).join(' ')));
    for (const child of ['openssl genpkey', 'openssl req', 'openssl ca']) assert.ok(argv.some((a) => a.endsWith(child) || a.startsWith(child)), `${child} never seen`);
  });
});
