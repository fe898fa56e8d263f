// SIGKILL to the whole process group of `lockstep ca sign` (the CLI and its openssl children) at
// seeded random moments, and at the narrow moments a random delay seldom hits (openssl renaming
// its database files, the certificate just renamed into place). After every kill the CA's files
// are whole — index.txt (or the .new/.old file ca sign's repair would use) is lines of 6 fields,
// serial one hex line, keys complete and 0600, no empty certificate — and a rerun (`ca sign`
// again, or `lockstep resume` when the journal shows an interrupted run) finishes: every
// certificate verifies against the root, one valid entry per host, serial numbers unique.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { lockstep, waitFor } from '../helpers.js';
import { groupMembers, journalRecords, killTree, requireBuiltCli } from '../core/process-tree.js';
import {
  CA,
  dbView,
  filesUnder,
  initCa,
  keyMatches,
  ok,
  parseIndexStrict,
  readIndex,
  sandbox,
  seeded,
  serialOf,
  signArgs,
  verifyAll,
  type Sandbox,
} from './ca-robust-helpers.js';

const TRIALS = Number(process.env.LOCKSTEP_KILL_TRIALS ?? 32);
const SEED = Number(process.env.LOCKSTEP_KILL_SEED ?? 20261123);
const HOSTS_PER_RUN = 2;

let box: Sandbox;
let caDir: string;
let rootCert: string;
const signed: string[] = [];
const phases = new Map<string, number>();
const reruns = new Map<string, number>();
const count = (m: Map<string, number>, k: string): void => void m.set(k, (m.get(k) ?? 0) + 1);

/** The state letter of /proc/<pid>/stat (R, S, D, Z...); undefined when the process is gone. */
function stateOf(pid: number): string | undefined {
  try {
    const stat = fsSync.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

interface Killed {
  readonly exitCode: number | undefined;
  readonly signal: string | undefined;
}

/** Runs `ca sign`, in its own process group, until `arm` calls kill (or it ends by itself). */
async function signAndKill(args: readonly string[], arm: (kill: () => void) => () => void): Promise<Killed> {
  const cli = lockstep(args, { detached: true });
  const pid = cli.pid!;
  let done = false;
  const kill = (): void => {
    if (done) return; // never signal a group that is gone (its id could be reused)
    killTree(pid);
  };
  const disarm = arm(kill);
  try {
    const r = await cli;
    done = true;
    return { exitCode: r.exitCode, signal: r.signal };
  } finally {
    done = true;
    disarm();
    // openssl children are in the group: wait until every one of them is dead too. A zombie is
    // dead (it runs nothing, holds no file); this machine's init may take a second to reap it.
    await waitFor(() => groupMembers(pid).every((p) => stateOf(p.pid) === 'Z'), `process group ${pid} to be gone`);
  }
}

/** Where the run was when it died, from its journal records and the CA database. */
async function phaseOf(runsBefore: number, hosts: readonly string[]): Promise<{ phase: string; interrupted: boolean }> {
  const records = await journalRecords(box.root);
  const starts = records.filter((r) => r.t === 'run-start');
  if (starts.length === runsBefore) return { phase: 'before the journal run-start (options, facts, plan)', interrupted: false };
  const run = starts.at(-1)!;
  const mine = records.filter((r) => r.run === run.run);
  if (mine.some((r) => r.t === 'run-end')) return { phase: 'after run-end (finished)', interrupted: false };
  const plan = run.plan as { kind: string; argv?: (string | { path: string })[]; path?: string }[];
  const actions = mine.filter((r) => r.t === 'action');
  const last = actions.at(-1);
  if (last === undefined) return { phase: 'run-start journaled, no action yet', interrupted: true };
  const index = last.index as number;
  if (last.status === 'done') {
    return { phase: index === plan.length - 1 ? 'verification' : 'between actions', interrupted: true };
  }
  const action = plan[index]!;
  if (action.kind === 'run') {
    const tool = action.argv?.[1] as string;
    if (tool === 'genpkey') return { phase: 'host key generation (openssl genpkey)', interrupted: true };
    if (tool === 'req') return { phase: 'CSR (openssl req)', interrupted: true };
    const host = hosts.find((h) => String(last.title).startsWith(`${h}:`))!;
    return { phase: `signing (openssl ca): ${await signingState(host)}`, interrupted: true };
  }
  if (action.kind === 'move') return { phase: 'database repair (rename)', interrupted: true };
  if (action.kind === 'mkdir') return { phase: 'host folder (mkdir)', interrupted: true };
  const file = action.path ?? '';
  if (file.endsWith('.ext')) return { phase: 'extensions file (write)', interrupted: true };
  if (file.endsWith('/couch_ca.crt')) return { phase: 'root copy for clients (write)', interrupted: true };
  if (file.endsWith('.crt')) return { phase: 'certificate of an interrupted host, from newcerts/ (write)', interrupted: true };
  return { phase: `write ${path.basename(file)}`, interrupted: true };
}

async function signingState(host: string): Promise<string> {
  const missing = [];
  for (const f of ['index.txt', 'index.txt.attr', 'serial']) {
    if (!fsSync.existsSync(path.join(caDir, f)) && fsSync.existsSync(path.join(caDir, `${f}.new`))) missing.push(f);
  }
  if (missing.length > 0) return `database renames half done (${missing.join(', ')} missing)`;
  if (fsSync.existsSync(path.join(caDir, 'hosts', host, `${host}.crt`))) return 'certificate in place, not yet journaled';
  const recorded = (await readIndex(caDir)).some((l) => l.status === 'V' && l.subject === `/CN=${host}`);
  return recorded ? 'database updated, certificate not yet in place' : 'before openssl updated the database';
}

/** What must hold the moment after any kill. */
async function assertWholeAfterKill(): Promise<void> {
  const index = await readIndex(caDir);
  const attr = await dbView(path.join(caDir, 'index.txt.attr'));
  if (attr !== undefined) assert.match(attr.text, /^(unique_subject = (yes|no)\n)?$/, `${attr.path} is cut short`);
  const serial = await dbView(path.join(caDir, 'serial'));
  assert.ok(serial !== undefined, 'no serial, serial.new or serial.old');
  assert.match(serial.text, /^[0-9A-F]+\n$/, `${serial.path} is not one hex line: ${JSON.stringify(serial.text)}`);
  for (const line of index) {
    // What the database lists must be whole in newcerts/ (ca sign finishes an interrupted host from it).
    new X509Certificate(await fs.readFile(path.join(caDir, 'newcerts', `${line.serial}.pem`)));
  }
  for (const file of await filesUnder(path.join(caDir, 'hosts'))) {
    const mode = (await fs.stat(file)).mode & 0o777;
    if (file.endsWith('.key')) {
      assert.equal(mode, 0o600, `${file} has mode ${mode.toString(8)}`);
      const pem = await fs.readFile(file, 'utf8');
      assert.match(pem, /^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/, `${file} is not a whole PEM key`);
      createPrivateKey(pem);
    } else if (/\.key\.lockstep-(\d+-)?[0-9a-f]+\.tmp$/.test(file)) {
      assert.equal(mode, 0o600, `the temp file of a key, ${file}, has mode ${mode.toString(8)}`);
    } else if (file.endsWith('.crt')) {
      const pem = await fs.readFile(file, 'utf8');
      assert.notEqual(pem, '', `${file} is empty`);
      new X509Certificate(pem);
    }
  }
}

/** After a rerun: the database is whole again and each of `hosts` has exactly one good certificate. */
async function assertSigned(hosts: readonly string[]): Promise<void> {
  for (const f of ['index.txt', 'serial']) assert.ok(fsSync.existsSync(path.join(caDir, f)), `${f} is missing after the rerun`);
  const index = parseIndexStrict(await fs.readFile(path.join(caDir, 'index.txt'), 'utf8'), 'index.txt');
  const serials = index.map((l) => l.serial);
  assert.equal(new Set(serials).size, serials.length, `duplicate serial numbers in index.txt: ${serials.join(' ')}`);
  const next = parseInt(await fs.readFile(path.join(caDir, 'serial'), 'utf8'), 16);
  assert.ok(serials.every((s) => parseInt(s, 16) < next), 'serial is not past every serial already issued');
  const root = await fs.readFile(rootCert, 'utf8');
  for (const host of hosts) {
    const valid = index.filter((l) => l.status === 'V' && l.subject === `/CN=${host}`);
    assert.equal(valid.length, 1, `${host} has ${valid.length} valid entries in index.txt`);
    const dir = path.join(caDir, 'hosts', host);
    const crt = await fs.readFile(path.join(dir, `${host}.crt`), 'utf8');
    assert.equal(serialOf(crt), valid[0]!.serial.replace(/^0+/, ''), `${host}.crt is not the certificate index.txt lists`);
    assert.ok(keyMatches(crt, await fs.readFile(path.join(dir, `${host}.key`), 'utf8')), `${host}.key does not match ${host}.crt`);
    assert.equal(await fs.readFile(path.join(dir, 'couch_ca.crt'), 'utf8').catch(() => 'missing'), root, `${host}: the root copy for clients`);
  }
  await verifyAll(rootCert, hosts.map((h) => path.join(caDir, 'hosts', h, `${h}.crt`)));
}

/** Reruns as an operator would: resume when the journal shows an interrupted run and `preferResume`. */
async function rerun(args: readonly string[], interrupted: boolean, preferResume: boolean): Promise<string> {
  const how = interrupted && preferResume ? 'lockstep resume' : 'ca sign again';
  const r = how === 'lockstep resume' ? await lockstep(['--root', box.root, 'resume', '--yes', '--passphrase-file', box.passFile]) : await lockstep(args);
  ok(r, how);
  count(reruns, how);
  return how;
}

interface Trial {
  readonly name: string;
  readonly hosts: readonly string[];
  readonly keyType: string;
  readonly preferResume: boolean;
  readonly arm: (kill: () => void) => () => void;
}

async function trial(t: TestContext, { name, hosts, keyType, preferResume, arm }: Trial): Promise<void> {
  const args = signArgs(box, hosts, ['--key-type', keyType]);
  const runsBefore = (await journalRecords(box.root)).filter((r) => r.t === 'run-start').length;
  const killed = await signAndKill(args, arm);
  const { phase, interrupted } = await phaseOf(runsBefore, hosts);
  count(phases, phase);
  if (killed.signal !== 'SIGKILL') ok({ ...killed, stdout: '', stderr: '' }, `ca sign (${name}) that ended before its kill`);
  await assertWholeAfterKill();
  const stale = (await filesUnder(box.root)).filter((f) => /\.lockstep-[0-9a-f-]+\.tmp$/.test(f));
  if (stale.length > 0) count(phases, 'temp files left by the kill');
  const how = await rerun(args, interrupted, preferResume);
  signed.push(...hosts);
  await assertSigned(hosts);
  // The rerun swept what the killed run left: nowhere under --root (hosts, CA, backups) a temp file.
  assert.deepEqual((await filesUnder(box.root)).filter((f) => /\.lockstep-[0-9a-f-]+\.tmp$/.test(f)), [], `temp files after the rerun (the kill left ${stale.length})`);
  t.diagnostic(`${name}, ${keyType}: killed in "${phase}"; ${how}`);
}

// Host keys as in the seed (RSA 2048, whose generation is most of a run) and ECDSA P-256
// (milliseconds). A delay counted from the start often lands before anything is written (node
// starting, facts read): half the trials count it from the moment the run opens its journal
// instead, over the time the actions and verification took in the measured run.
const ARMS = [
  { keyType: 'rsa2048', clock: 'start' },
  { keyType: 'ec-p256', clock: 'journal' },
  { keyType: 'rsa2048', clock: 'journal' },
  { keyType: 'ec-p256', clock: 'start' },
] as const;

describe('SIGKILL at any point of ca sign', { concurrency: false }, () => {
  /** Per key type: ms from start to exit, and from run-start to run-end in the journal. */
  const normal = new Map<string, { start: number; journal: number }>();

  before(async () => {
    requireBuiltCli();
    box = await sandbox();
    caDir = box.real(CA);
    rootCert = path.join(caDir, 'certs/couch_ca.cert');
    await initCa(box);
    // Measured twice, the quicker kept: on a busy machine one slow run would put many kills
    // after the end of the runs they are meant for.
    for (const keyType of ['rsa2048', 'ec-p256', 'rsa2048', 'ec-p256']) {
      const hosts = Array.from({ length: HOSTS_PER_RUN }, (_, h) => `measure-${keyType}-${signed.length + h}.example.org`);
      const started = performance.now();
      ok(await lockstep(signArgs(box, hosts, ['--key-type', keyType])), 'the measured ca sign');
      const total = performance.now() - started;
      const records = await journalRecords(box.root);
      const ts = (t: string): number => Date.parse(records.filter((r) => r.t === t).at(-1)!.ts as string);
      const was = normal.get(keyType);
      const now = { start: total, journal: ts('run-end') - ts('run-start') };
      normal.set(keyType, was === undefined ? now : { start: Math.min(was.start, now.start), journal: Math.min(was.journal, now.journal) });
      signed.push(...hosts);
    }
  });
  after(async () => {
    await box?.cleanup();
  });

  test(`${TRIALS} kills at seeded random delays (seed ${SEED}), each followed by a rerun`, async (t) => {
    const random = seeded(SEED);
    for (const [k, ms] of normal) t.diagnostic(`a normal ca sign of ${HOSTS_PER_RUN} hosts with ${k} keys: ${ms.start.toFixed(0)} ms, ${ms.journal.toFixed(0)} ms of it from the journal's run-start`);
    const journal = path.join(box.root, 'var/log/lockstep/journal.jsonl');
    for (let i = 0; i < TRIALS; i++) {
      const { keyType, clock } = ARMS[i % ARMS.length]!;
      const delay = random() * normal.get(keyType)![clock];
      await trial(t, {
        name: `trial ${i} (${delay.toFixed(0)} ms from the ${clock})`,
        hosts: Array.from({ length: HOSTS_PER_RUN }, (_, h) => `r${i}-${h}.example.org`),
        keyType,
        preferResume: Math.floor(i / ARMS.length) % 2 === 0,
        arm: (kill) => {
          let timer: NodeJS.Timeout | undefined;
          if (clock === 'start') {
            timer = setTimeout(kill, delay);
            return () => clearTimeout(timer);
          }
          // The run opens the journal (a chmod, then the run-start record) once it has planned.
          const watcher = fsSync.watch(journal, () => {
            watcher.close();
            timer = setTimeout(kill, delay);
          });
          return () => {
            watcher.close();
            clearTimeout(timer);
          };
        },
      });
    }
  });

  // A random delay seldom lands in these windows of a few milliseconds: aim at them.
  const narrow: [string, (host: string, kill: () => void) => () => void][] = [
    [
      'openssl starts renaming its database files',
      (_host, kill) => {
        // inotify: the first event naming index.txt is openssl's rename of it to index.txt.old.
        const watcher = fsSync.watch(caDir, (_event, name) => name === 'index.txt' && kill());
        return () => watcher.close();
      },
    ],
    [
      'the certificate has just been renamed into place',
      (host, kill) => {
        // The host folder is made during the run, so poll rather than watch it.
        const crt = path.join(caDir, 'hosts', host, `${host}.crt`);
        const poll = setInterval(() => fsSync.existsSync(crt) && kill(), 1);
        return () => clearInterval(poll);
      },
    ],
  ];
  for (const [moment, arm] of narrow) {
    for (const preferResume of [true, false]) {
      test(`killed when ${moment}, then ${preferResume ? 'lockstep resume' : 'ca sign again'}`, async (t) => {
        const host = `n-${moment.split(' ')[1]}-${preferResume ? 'resume' : 'sign'}.example.org`;
        await trial(t, { name: moment, hosts: [host], keyType: 'rsa2048', preferResume, arm: (kill) => arm(host, kill) });
      });
    }
  }

  test('afterwards: every host ever signed verifies, once each, with unique serials', async (t) => {
    await assertSigned(signed);
    const index = await readIndex(caDir);
    assert.equal(index.filter((l) => l.status === 'V').length, signed.length, 'one valid entry per host and no other');
    const leftovers = (await filesUnder(path.join(caDir, 'hosts'))).filter((f) => f.endsWith('.tmp'));
    assert.deepEqual(leftovers, [], 'temp files of killed runs are cleaned up by the reruns');
    t.diagnostic(`phases hit: ${[...phases].map(([p, n]) => `${p}: ${n}`).join('; ')}`);
    t.diagnostic(`reruns: ${[...reruns].map(([p, n]) => `${p}: ${n}`).join('; ')}`);
    t.diagnostic(`${signed.length} hosts, serials ${index[0]?.serial}..${index.at(-1)?.serial}`);
    const { stdout } = await execa('openssl', ['x509', '-in', rootCert, '-noout', '-subject']);
    assert.match(stdout, /Quoin/);
  });
});
