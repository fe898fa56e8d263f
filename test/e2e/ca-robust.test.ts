// The private CA through the built CLI, under a temporary --root, with the real openssl:
// the CA passphrase in no process's argv (nor a child's environment), no output, journal or log;
// `ca init --config-mode system` edits /etc/ssl/openssl.cnf in place, only the seed's lines,
// with a byte-identical backup; --dry-run of init and sign changes nothing and shows every
// openssl command the real run then runs. (The kill trials are in ca-robust-kill.test.ts.)
import { diffArrays } from 'diff';
import { execa } from 'execa';
import assert from 'node:assert/strict';
import { createPrivateKey, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { lockstep, snapshot } from '../helpers.js';
import { journalRecords, requireBuiltCli, runWatched } from '../core/process-tree.js';
import { CA, filesUnder, initArgs, ok, readIndex, sandbox, signArgs, verifyAll, type Sandbox } from './ca-robust-helpers.js';


describe('the CA passphrase never leaks', () => {
  const secret = `ca-${randomBytes(12).toString('hex')}`;
  let box: Sandbox;
  const seen = new Set<string>();
  before(async () => {
    requireBuiltCli();
    box = await sandbox('debian-12.cnf', secret);
  });
  after(async () => {
    await box?.cleanup();
  });

  const hosts = ['couch1.example.org', 'couch2.example.org', 'couch3.example.org'];
  const commands: [string, () => string[], readonly string[]][] = [
    ['ca init (rsa4096 root)', () => initArgs(box, 'rsa4096'), ['openssl genpkey']],
    ['ca sign, 3 hosts', () => signArgs(box, hosts), ['openssl genpkey', 'openssl req']],
    ['ca revoke', () => ['--root', box.root, 'ca', 'revoke', '--yes', '--passphrase-file', box.passFile, '--host', 'couch2.example.org', '--reason', 'superseded'], []],
    ['ca crl', () => ['--root', box.root, 'ca', 'crl', '--yes', '--passphrase-file', box.passFile], []],
  ];
  for (const [name, args, mustSee] of commands) {
    test(`${name}: not in the argv of the CLI or of any child, nor in a child's environment or the output`, async (t) => {
      const r = await runWatched(args(), secret);
      ok(r, name);
      assert.deepEqual([...r.leaks], []);
      assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), 'the passphrase is in the output');
      // One short openssl ca (crl, revoke) may end between two samples on a loaded machine; the
      // test after these asserts that openssl ca was seen at least once among them.
      if (mustSee.length > 0) assert.ok(r.children.size > 0, `no child process seen in ${r.samples} samples`);
      for (const child of mustSee) assert.ok(r.children.has(child), `${child} not seen among ${[...r.children].join(', ')}`);
      for (const c of r.children) seen.add(c);
      t.diagnostic(`${r.samples} samples of /proc; children seen: ${[...r.children].join(', ')}; given the passphrase: ${[...r.passArgv].join('; ')}`);
    });
  }

  test('openssl genpkey, req and ca all ran while watched; the journal, run logs and every file under --root hold no passphrase', async () => {
    for (const child of ['openssl genpkey', 'openssl req', 'openssl ca']) assert.ok(seen.has(child), `${child} was never seen: ${[...seen].join(', ')}`);
    const logs = await filesUnder(box.real('/var/log/lockstep'));
    assert.ok(logs.some((f) => f.endsWith('journal.jsonl')));
    assert.equal(logs.filter((f) => f.endsWith('.log')).length, commands.length, 'one run log per command');
    for (const file of await filesUnder(box.root)) {
      assert.ok(!(await fs.readFile(file, 'latin1')).includes(secret), `${file} holds the passphrase`);
    }
    const journal = await journalRecords(box.root);
    const starts = journal.filter((r) => r.t === 'run-start');
    assert.deepEqual(starts.map((r) => (r.answers as Record<string, unknown>).passphrase), ['********', '********', '********', '********']);
    // What it protects: the root key opens with it, and the hosts verify against the root.
    const key = await fs.readFile(box.real(`${CA}/private/couch_ca.pem`), 'utf8');
    assert.equal(createPrivateKey({ key, passphrase: secret }).asymmetricKeyDetails?.modulusLength, 4096);
    await verifyAll(box.real(`${CA}/certs/couch_ca.cert`), [hosts[0]!, hosts[2]!].map((h) => box.real(`${CA}/hosts/${h}/${h}.crt`)));
    // Keys are made side by side, but openssl ca signs the hosts in the order given.
    assert.deepEqual((await readIndex(box.real(CA))).map((l) => `${l.status} ${l.subject}`), hosts.map((h, i) => `${i === 1 ? 'R' : 'V'} /CN=${h}`));
  });
});

/** The five settings the seed asks for, as [section, key]. */
const SEED_SETTINGS = [
  ['CA_default', 'dir'],
  ['usr_cert', 'keyUsage'],
  ['usr_cert', 'nsComment'],
  ['v3_ca', 'basicConstraints'],
  ['v3_ca', 'keyUsage'],
] as const;

function sectionAt(lines: readonly string[], index: number): string {
  for (let i = index; i >= 0; i--) {
    const m = /^\s*\[\s*([^\]\s]+)\s*\]/.exec(lines[i] ?? '');
    if (m) return m[1]!;
  }
  return 'default';
}

/** The seed setting a line sets (or, commented out, would set), if it is one. */
function seedSettingOf(lines: readonly string[], index: number, commentedToo: boolean): string | undefined {
  const m = (commentedToo ? /^\s*#?\s*([A-Za-z0-9_.]+)\s*=/ : /^\s*([A-Za-z0-9_.]+)\s*=/).exec(lines[index] ?? '');
  if (!m) return undefined;
  const section = sectionAt(lines, index);
  const hit = SEED_SETTINGS.find(([s, k]) => s === section && k === m[1]);
  return hit ? `[ ${hit[0]} ] ${hit[1]}` : undefined;
}

describe('ca init --config-mode system', () => {
  for (const fixture of ['debian-12.cnf', 'ubuntu-22.04.cnf']) {
    test(`${fixture}: edited in place, only the seed's five lines, a byte-identical backup; the root is a CA that signs certificates and CRLs`, async (t) => {
      const box = await sandbox(fixture);
      try {
        const cnf = box.real('/etc/ssl/openssl.cnf');
        const original = await fs.readFile(cnf);
        ok(await lockstep(initArgs(box, 'ec-p384', ['--config-mode', 'system'])), 'ca init --config-mode system');

        const run = (await journalRecords(box.root)).find((r) => r.t === 'run-start')!.run as string;
        const backup = await fs.readFile(box.real(`/var/backups/lockstep/${run}/etc/ssl/openssl.cnf`));
        assert.ok(backup.equals(original), 'the backup is the original, byte for byte');
        await assert.rejects(fs.stat(box.real(`${CA}/openssl.cnf`)), 'no dedicated copy in system mode');

        const before = original.toString('utf8').split('\n');
        const afterText = await fs.readFile(cnf, 'utf8');
        const edited = afterText.split('\n');
        const touched = new Set<string>();
        let oldAt = 0;
        let newAt = 0;
        for (const part of diffArrays(before, edited)) {
          for (let i = 0; i < part.count!; i++) {
            if (part.removed) {
              const setting = seedSettingOf(before, oldAt, true);
              assert.ok(setting !== undefined, `line ${oldAt + 1} of the original changed: ${JSON.stringify(before[oldAt])}`);
              touched.add(setting);
            } else if (part.added) {
              const setting = seedSettingOf(edited, newAt, false);
              assert.ok(setting !== undefined, `line ${newAt + 1} of the edited file is not one of the seed's settings: ${JSON.stringify(edited[newAt])}`);
              touched.add(setting);
            }
            if (!part.added) oldAt += 1;
            if (!part.removed) newAt += 1;
          }
        }
        const changed = diffArrays(before, edited).filter((p) => p.added || p.removed).reduce((n, p) => n + p.count!, 0);
        assert.ok(edited.length - before.length <= SEED_SETTINGS.length, 'at most five lines added');
        t.diagnostic(`${fixture}: ${changed} lines removed or added, ${edited.length - before.length} net; settings touched: ${[...touched].join(', ')}`);

        const active = (section: string, key: string): string | undefined => {
          const i = edited.findIndex((_l, n) => seedSettingOf(edited, n, false) === `[ ${section} ] ${key}`);
          return i === -1 ? undefined : edited[i]!.replace(/^[^=]*=\s*/, '').replace(/\s*#.*$/, '');
        };
        // The folder as on the server: never the --root path (ca-config.ts maps it for openssl ca).
        assert.equal(active('CA_default', 'dir'), CA);
        assert.equal(active('v3_ca', 'basicConstraints'), 'critical,CA:true');
        assert.equal(active('v3_ca', 'keyUsage'), 'critical, cRLSign, keyCertSign');
        assert.equal(active('usr_cert', 'keyUsage'), 'nonRepudiation, digitalSignature, keyEncipherment');
        assert.equal(active('usr_cert', 'nsComment'), '"OpenSSL Generated Certificate"');

        const ext = await execa('openssl', ['x509', '-in', box.real(`${CA}/certs/couch_ca.cert`), '-noout', '-ext', 'basicConstraints,keyUsage']);
        assert.match(ext.stdout, /X509v3 Basic Constraints: critical\n\s+CA:TRUE$/m);
        assert.match(ext.stdout, /X509v3 Key Usage: critical\n\s+Certificate Sign, CRL Sign$/m);
        // The edited system file is one openssl itself reads without complaint.
        const req = await execa('openssl', ['req', '-config', cnf, '-new', '-x509', '-key', box.real(`${CA}/private/couch_ca.pem`), '-passin', `file:${box.passFile}`, '-subj', '/CN=check', '-extensions', 'v3_ca', '-noout'], { reject: false });
        assert.equal(req.exitCode, 0, req.stderr);
      } finally {
        await box.cleanup();
      }
    });
  }
});

/** The command lines of the run actions of the journal's last run, as the preview prints them. */
async function journaledCommands(root: string): Promise<{ tool: string; words: string[] }[]> {
  const start = (await journalRecords(root)).filter((r) => r.t === 'run-start').at(-1)!;
  const plan = start.plan as { kind: string; argv?: (string | { path: string })[]; stdoutTo?: { path: string } }[];
  return plan
    .filter((a) => a.kind === 'run')
    .map((a) => {
      const words = a.argv!.map((w) => (typeof w === 'string' ? w : path.join(root, w.path)));
      if (a.stdoutTo) words.push('>', path.join(root, a.stdoutTo.path));
      return { tool: words.slice(0, 2).join(' '), words };
    });
}

/** Each `$ openssl ...` line of a preview, unquoted back into words. */
function previewCommands(stdout: string): string[][] {
  return stdout
    .split('\n')
    .map((l) => /^\s*\$ (openssl .*)$/.exec(l)?.[1])
    .filter((l): l is string => l !== undefined)
    .map((line) => [...line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]!)));
}

describe('--dry-run', () => {
  let box: Sandbox;
  before(async () => {
    box = await sandbox();
  });
  after(async () => {
    await box?.cleanup();
  });

  const hosts = ['dry1.example.org', 'dry2.example.org', 'dry3.example.org'];
  const cases: [string, () => string[]][] = [
    ['ca init', () => initArgs(box, 'ec-p384')],
    ['ca sign', () => signArgs(box, hosts, hosts.flatMap((h) => ['--san', `${h}=DNS:couch.example.org,IP:10.0.0.5`]))],
  ];
  for (const [name, args] of cases) {
    test(`${name}: the --root stays byte-identical, and the preview shows every openssl command the real run then runs`, async () => {
      const before = await snapshot(box.root);
      const dry = await lockstep([...args(), '--dry-run']);
      ok(dry, `${name} --dry-run`);
      assert.match(dry.stdout, /Dry run: nothing was changed/);
      assert.deepEqual(await snapshot(box.root), before, 'the dry run changed the --root');

      ok(await lockstep(args()), name);
      const ran = await journaledCommands(box.root);
      const shown = previewCommands(dry.stdout);
      assert.ok(ran.length >= (name === 'ca init' ? 2 : 3 * hosts.length), `${ran.length} commands`);
      assert.equal(shown.length, ran.length, `the preview shows ${shown.length} openssl commands, the run ran ${ran.length}`);
      for (const [i, { words }] of ran.entries()) {
        const preview = shown[i]!.filter((w) => !/^\d<\(secret:$/.test(w) && w !== 'passphrase)');
        assert.deepEqual(preview, words, `command ${i + 1}`);
      }
    });
  }
});
