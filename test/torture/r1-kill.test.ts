// R1: SIGKILL at seeded random moments across ca init (its openssl.cnf edit in place or in a
// dedicated copy), ca sign, renew and firewall apply (in a network namespace the test makes).
// After each kill every file under --root must be whole (r1-files.ts: PEM, index.txt, serial,
// openssl.cnf, the journal, keys 0600); then a rerun — `lockstep resume` when the journal shows
// an interrupted run, else the same command again, as an operator would — completes, its result
// is checked for real (the root key opens, certificates verify against the root, the renewed key
// matches its certificate, the firewall rules load and confirm), and no temporary file is left.
// Torn files, leftover temporary files and failed reruns are counted (goal 0 each); the full
// run fails on any, the short pass (npm test) only on what main already gets right.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { parseOpensslConfig } from '../../src/ca/openssl-config.js';
import { BIN, lockstep, seeded, tempRoot, waitFor } from '../helpers.js';
import { journalRecords, killTree, requireBuiltCli, runningMembers } from '../core/process-tree.js';
import { CA, PASS, initArgs, sandbox, signArgs, verifyAll, type Sandbox } from '../e2e/ca-robust-helpers.js';
import { CLIENT4, makeNetnsPair, SRV4, whyNoNetns, type NetnsPair, stopRollbackTimer } from '../lockdown/netns.js';
import { inspectRoot, type Torn } from './r1-files.js';
import { FULL, SEED, figures, trials } from './torture.js';
import { includesNftDropin } from '../../src/firewall/backend-plans.js';

/** Trials per scenario: 1 in the short pass; the full run's 500 kills split as the issue's five areas. */
const N = (full: number): number => Number(process.env.TORTURE_R1_TRIALS ?? trials(1, full));

interface Outcome {
  readonly killed: boolean;
  readonly interrupted: boolean;
  readonly torn: readonly Torn[];
  readonly temps: readonly string[];
  readonly rerun: string;
  readonly rerunFailed?: string;
  readonly completedCheck?: string;
}

interface Tally {
  kills: number;
  interrupted: number;
  torn: Torn[];
  tempsAfterRerun: string[];
  rerunFailures: string[];
  checkFailures: string[];
  /** Reruns that failed and said to use `lockstep resume` instead (which then ran). */
  toldToResume: string[];
  files: number;
  /** Journal records a kill cut short (the reader skips them; the next run starts a new line). */
  cutRecords: Set<string>;
  how: Map<string, number>;
}
const tallies = new Map<string, Tally>();
const tally = (name: string): Tally => {
  let t = tallies.get(name);
  if (t === undefined) tallies.set(name, (t = { kills: 0, interrupted: 0, torn: [], tempsAfterRerun: [], rerunFailures: [], checkFailures: [], toldToResume: [], files: 0, cutRecords: new Set(), how: new Map() }));
  return t;
};

type Cli = ReturnType<typeof lockstep>;

/** Runs a CLI until a random moment (0..window ms), then kills it as a power cut would (its process tree), or just lockstep (kill -9). */
async function killAt(cli: Cli, delay: number, mode: 'tree' | 'process'): Promise<{ killed: boolean; ms: number }> {
  const started = performance.now();
  const pid = cli.pid!;
  let done = false;
  let killed = false;
  const timer = setTimeout(() => {
    if (done) return;
    killed = mode === 'tree' ? killTree(pid) : cli.kill('SIGKILL');
  }, delay);
  const r = await cli;
  const ms = performance.now() - started;
  done = true;
  clearTimeout(timer);
  if (mode === 'tree') await waitFor(() => runningMembers(pid).length === 0, `process group ${pid} to be gone`);
  return { killed: killed && r.signal === 'SIGKILL', ms };
}

async function interruptedRun(root: string): Promise<boolean> {
  const records = await journalRecords(root);
  const last = records.filter((r) => r.t === 'run-start').at(-1);
  return last !== undefined && !records.some((r) => r.t === 'run-end' && r.run === last.run);
}

const failText = (r: { exitCode?: number | undefined; stdout: unknown; stderr: unknown }): string =>
  `exit ${r.exitCode}: ${`${String(r.stderr)}\n${String(r.stdout)}`.trim().split('\n').slice(0, 4).join(' | ')}`;

interface Scenario {
  readonly name: string;
  readonly trials: number;
  readonly mode: 'tree' | 'process';
  /** A scenario that fails on main: it runs in the full pass only, and this says what is wrong. */
  readonly finding?: string;
  /** The run to kill, for trial i; `root` its --root. */
  start(i: number): Promise<{ root: string; cli: () => Cli; window: number }>;
  /** The operator's rerun: resume or the same command. Returns how, and a failure text or undefined. */
  rerun(i: number, root: string, interrupted: boolean, preferResume: boolean): Promise<{ how: string; failed?: string }>;
  /** After a rerun: is the work really done? A failure text or undefined. */
  completed(i: number, root: string): Promise<string | undefined>;
  /** Extra checks right after the kill (e.g. nft -c on the saved rulesets). */
  extraTorn?(root: string): Promise<Torn[]>;
  cleanupTrial?(i: number, root: string): Promise<void>;
}

/** ms for the built CLI to start and parse its options (`--version`), measured once. */
let startup = 0;

async function runScenario(t: TestContext, s: Scenario, random: () => number): Promise<void> {
  const tl = tally(s.name);
  let shorter: number | undefined;
  for (let i = 0; i < s.trials; i++) {
    const { root, cli, window: measured } = await s.start(i);
    try {
      // Spread over the run after node has started (a kill before that tests nothing). A run
      // that ended before its kill shows the machine is faster now than when measured.
      const window = Math.min(measured, shorter ?? measured);
      const delay = startup + random() * Math.max(window - startup, 1);
      const { killed, ms } = await killAt(cli(), delay, s.mode);
      if (!killed) shorter = ms;
      const interrupted = await interruptedRun(root);
      const after = await inspectRoot(root, PASS);
      const extra = (await s.extraTorn?.(root)) ?? [];
      tl.kills += killed ? 1 : 0;
      tl.interrupted += interrupted ? 1 : 0;
      tl.files += after.files;
      for (const c of after.cutRecords) tl.cutRecords.add(c);
      for (const x of [...after.torn, ...extra]) tl.torn.push({ file: `trial ${i}: ${x.file}`, why: x.why });
      let { how, failed } = await s.rerun(i, root, interrupted, random() < 0.5);
      if (failed !== undefined && /"lockstep (--root \S+ )?resume" continues it/.test(failed)) {
        // The operator does what the message says; the rerun that did not finish stays a finding.
        tl.toldToResume.push(`trial ${i} (${how}; it said "lockstep resume continues it"): ${failed}`);
        const r = await lockstep(['--root', root, 'resume', '--yes', '--passphrase-file', `${root}.pass`]);
        how = `${how}, then lockstep resume as it said`;
        failed = r.exitCode === 0 ? undefined : `resume: ${failText(r)}`;
      }
      tl.how.set(how, (tl.how.get(how) ?? 0) + 1);
      if (failed !== undefined) tl.rerunFailures.push(`trial ${i} (killed at ${delay.toFixed(0)} ms, ${how}): ${failed}`);
      else {
        const check = await s.completed(i, root);
        if (check !== undefined) tl.checkFailures.push(`trial ${i} (killed at ${delay.toFixed(0)} ms, ${how}): ${check}`);
      }
      const leftover = (await inspectRoot(root, PASS)).temps;
      for (const f of leftover) tl.tempsAfterRerun.push(`trial ${i}: ${f}`);
      t.diagnostic(`${s.name} trial ${i}: ${killed ? `killed at ${delay.toFixed(0)} ms` : 'ended before the kill'}${interrupted ? ', run interrupted' : ''}; ${after.torn.length + extra.length} torn, ${after.temps.length} temp files; ${how}${failed ? ` FAILED: ${failed}` : ''}; ${leftover.length} temp files after`);
    } finally {
      await s.cleanupTrial?.(i, root);
    }
  }
}

const caInitOk = async (root: string, caDir: string, cnf: string | undefined): Promise<string | undefined> => {
  const keyFile = path.join(root, caDir, 'private/couch_ca.pem');
  const certFile = path.join(root, caDir, 'certs/couch_ca.cert');
  try {
    const key = createPrivateKey({ key: await fs.readFile(keyFile, 'utf8'), passphrase: PASS });
    const cert = new X509Certificate(await fs.readFile(certFile, 'utf8'));
    if (!cert.checkPrivateKey(key)) return 'the root certificate does not match the root key';
    if (!cert.verify(cert.publicKey)) return 'the root certificate is not self-signed';
  } catch (error) {
    return `the root key or certificate: ${(error as Error).message}`;
  }
  if (cnf !== undefined) {
    const doc = parseOpensslConfig(await fs.readFile(path.join(root, cnf), 'utf8'), { env: {} });
    if (doc.get('v3_ca', 'basicConstraints') !== 'critical,CA:true') return `${cnf}: the guide's edits are not all there`;
  }
  return undefined;
};

const netnsSkip = await whyNoNetns();

describe('R1: SIGKILL at random moments, then every file whole and a rerun that completes', { concurrency: false }, () => {
  let signBox: Sandbox;
  let renewBox: Sandbox;
  const RENEW_HOST = 'renew.example.org';
  const renewArgs = (root = renewBox.root): string[] => ['--root', root, 'renew', '--yes', '--force', '--passphrase-file', `${root}.pass`];
  let pair: NetnsPair | undefined;
  const windows = new Map<string, number>();
  const boxes: Sandbox[] = [];

  /** A root with a private-CA certificate installed in live/, as renew finds and re-signs it. */
  async function renewReady(): Promise<Sandbox> {
    const box = await sandbox();
    for (const args of [
      initArgs(box, 'ec-p384'),
      signArgs(box, [RENEW_HOST], ['--key-type', 'ec-p256', '--days', '90']),
      ['--root', box.root, 'cert', 'install', '--yes', '--domain', RENEW_HOST, '--cert', `${box.root}${CA}/hosts/${RENEW_HOST}/${RENEW_HOST}.crt`, '--key', `${box.root}${CA}/hosts/${RENEW_HOST}/${RENEW_HOST}.key`, '--trust-store', `${box.root}${CA}/certs/couch_ca.cert`],
    ]) {
      const r = await lockstep(args);
      assert.equal(r.exitCode, 0, `${args.join(' ')}: ${failText(r)}`);
    }
    return box;
  }

  /** How long a normal run takes: the kills are spread over it. */
  async function measure(name: string, args: string[]): Promise<void> {
    const started = performance.now();
    const r = await lockstep(args);
    assert.equal(r.exitCode, 0, `the measured ${name}: ${failText(r)}`);
    windows.set(name, performance.now() - started);
  }

  before(async () => {
    requireBuiltCli();
    const t0 = performance.now();
    await lockstep(['--version']);
    startup = (performance.now() - t0) * 0.8;
    const probe = await sandbox();
    boxes.push(probe);
    await measure('ca init', initArgs(probe, 'ec-p384'));
    signBox = await sandbox();
    const r = await lockstep(initArgs(signBox, 'ec-p384'));
    assert.equal(r.exitCode, 0, failText(r));
    await measure('ca sign', signArgs(signBox, ['measure-0.example.org', 'measure-1.example.org'], ['--key-type', 'ec-p256', '--days', '90']));
    renewBox = await renewReady();
    await measure('renew', renewArgs());
  });
  after(async () => {
    for (const b of boxes) await b.cleanup();
    await signBox?.cleanup();
    await renewBox?.cleanup();
    await pair?.cleanup();
    const all = [...tallies].map(([name, x]) => ({
      scenario: name,
      kills: x.kills,
      interrupted: x.interrupted,
      filesChecked: x.files,
      torn: x.torn.length,
      tempFilesAfterRerun: x.tempsAfterRerun.length,
      journalRecordsCutByAKill: x.cutRecords.size,
      rerunFailures: x.rerunFailures.length,
      rerunFailedButResumeCompleted: x.toldToResume.length,
      notCompleted: x.checkFailures.length,
      reruns: Object.fromEntries(x.how),
    }));
    figures({ diagnostic: (m) => console.log(`# ${m}`) }, { requirement: 'R1', seed: SEED, scenarios: all });
  });

  const scenarios: Scenario[] = [];

  for (const mode of ['dedicated', 'system'] as const) {
    scenarios.push({
      name: `ca init (openssl.cnf changes: ${mode})`,
      trials: N(mode === 'dedicated' ? 75 : 75),
      mode: 'tree',
      async start() {
        const box = await sandbox();
        boxes.push(box);
        return { root: box.root, cli: () => lockstep(initArgs(box, 'ec-p384', ['--config-mode', mode]), { detached: true }), window: windows.get('ca init')! };
      },
      async rerun(_i, root, interrupted, preferResume) {
        const passFile = `${root}.pass`;
        if (interrupted && preferResume) {
          const r = await lockstep(['--root', root, 'resume', '--yes', '--passphrase-file', passFile]);
          return { how: 'lockstep resume', ...(r.exitCode !== 0 ? { failed: failText(r) } : {}) };
        }
        const box = { root, passFile, real: (p: string) => path.join(root, p), cleanup: async () => {} };
        const r = await lockstep(initArgs(box, 'ec-p384', ['--config-mode', mode]));
        if (r.exitCode === 0) return { how: 'ca init again' };
        // What the message tells the operator: a CA is there, keep it with --adopt.
        if (r.exitCode === 2 && /--adopt/.test(String(r.stderr))) {
          const a = await lockstep(initArgs(box, 'ec-p384', ['--config-mode', mode, '--adopt']));
          return { how: 'ca init again, then --adopt as it said', ...(a.exitCode !== 0 ? { failed: failText(a) } : {}) };
        }
        return { how: 'ca init again', failed: failText(r) };
      },
      completed: (_i, root) => caInitOk(root, CA, mode === 'system' ? '/etc/ssl/openssl.cnf' : `${CA}/openssl.cnf`),
    });
  }

  scenarios.push({
    name: 'ca sign (2 hosts, ec-p256)',
    trials: N(150),
    mode: 'tree',
    async start(i) {
      const hosts = [`r1-${i}-0.example.org`, `r1-${i}-1.example.org`];
      return { root: signBox.root, cli: () => lockstep(signArgs(signBox, hosts, ['--key-type', 'ec-p256', '--days', '90']), { detached: true }), window: windows.get('ca sign')! };
    },
    async rerun(i, root, interrupted, preferResume) {
      const r = interrupted && preferResume
        ? await lockstep(['--root', root, 'resume', '--yes', '--passphrase-file', signBox.passFile])
        : await lockstep(signArgs(signBox, [`r1-${i}-0.example.org`, `r1-${i}-1.example.org`], ['--key-type', 'ec-p256', '--days', '90']));
      return { how: interrupted && preferResume ? 'lockstep resume' : 'ca sign again', ...(r.exitCode !== 0 ? { failed: failText(r) } : {}) };
    },
    async completed(i, root) {
      const certs = [0, 1].map((h) => path.join(root, CA, 'hosts', `r1-${i}-${h}.example.org`, `r1-${i}-${h}.example.org.crt`));
      try {
        await verifyAll(path.join(root, CA, 'certs/couch_ca.cert'), certs);
      } catch (error) {
        return (error as Error).message.split('\n')[0];
      }
      return undefined;
    },
  });

  scenarios.push({
    name: 'renew --yes --force (a private-CA certificate in live/)',
    trials: N(100),
    mode: 'tree',
    // Each trial on a root of its own, made afresh: a kill that breaks renewal would otherwise
    // break every later trial too. (Not a copy: config.cnf holds the CA's absolute path, so a
    // copied CA still writes into the original — issue 12's "moved CA".)
    async start() {
      const box = await renewReady();
      boxes.push(box);
      return { root: box.root, cli: () => lockstep(renewArgs(box.root), { detached: true }), window: windows.get('renew')! };
    },
    async rerun(_i, root, interrupted, preferResume) {
      const resume = interrupted && preferResume;
      const r = resume ? await lockstep(['--root', root, 'resume', '--yes', '--passphrase-file', `${root}.pass`]) : await lockstep(renewArgs(root));
      return { how: resume ? 'lockstep resume' : 'renew again', ...(r.exitCode !== 0 ? { failed: failText(r) } : {}) };
    },

    async completed(_i, root) {
      const live = path.join(root, 'etc/lockstep/live', RENEW_HOST);
      try {
        const cert = new X509Certificate(await fs.readFile(path.join(live, 'cert.pem'), 'utf8'));
        if (!cert.checkPrivateKey(createPrivateKey(await fs.readFile(path.join(live, 'privkey.pem'), 'utf8')))) return 'live cert.pem does not match privkey.pem';
        await verifyAll(path.join(root, CA, 'certs/couch_ca.cert'), [path.join(live, 'cert.pem')]);
        // The one it replaced is revoked once the new one is in place: exactly one valid certificate of the host.
        const index = await fs.readFile(path.join(root, CA, 'index.txt'), 'utf8');
        const valid = index.split('\n').filter((l) => l.startsWith('V\t') && l.endsWith(`/CN=${RENEW_HOST}`)).map((l) => l.split('\t')[3]?.replace(/^0+/, ''));
        if (valid.length !== 1 || valid[0] !== cert.serialNumber.replace(/^0+/, '')) return `index.txt lists ${valid.length} valid certificates of ${RENEW_HOST} (${valid.join(', ')}), not only the one in live/ (${cert.serialNumber})`;
      } catch (error) {
        return (error as Error).message.split('\n')[0];
      }
      return undefined;
    },
  });

  if (netnsSkip === undefined) {
    const STATE = 'var/lib/lockstep/firewall';
    const adminSsh = { SSH_CONNECTION: `${CLIENT4.admin} 50022 ${SRV4} 22` };
    const fwArgs = (root: string, timeout: number): string[] => ['netns', 'exec', pair!.srv, 'node', BIN, '--root', root, 'firewall', '--backend', 'nft', '--ssh-from', `${CLIENT4.admin}/32`, '--confirm-timeout', String(timeout), '--yes'];
    const ruleset = async (): Promise<string> => String((await pair!.exec(pair!.srv, ['nft', 'list', 'ruleset'])).stdout);
    scenarios.push({
      name: 'firewall apply (nft, in a network namespace; kill -9 of lockstep)',
      trials: N(100),
      mode: 'process',
      async start() {
        pair ??= await makeNetnsPair('r1');
        if (!windows.has('firewall')) {
          const { root, cleanup } = await tempRoot('lockstep-r1-fw-');
          const started = performance.now();
          const r = await execa('ip', fwArgs(root, 30), { reject: false, stdin: 'ignore', env: { CI: 'true', ...adminSsh } });
          windows.set('firewall', performance.now() - started);
          assert.equal(r.exitCode, 0, `the measured firewall: ${failText(r)}`);
          await stopRollbackTimer(root);
          await pair.exec(pair.srv, ['nft', 'flush', 'ruleset']);
          await cleanup();
        }
        const { root } = await tempRoot('lockstep-r1-fw-');
        return { root, cli: () => execa('ip', fwArgs(root, 2), { reject: false, stdin: 'ignore', env: { CI: 'true', ...adminSsh } }) as unknown as Cli, window: windows.get('firewall')! };
      },
      async extraTorn(root) {
        const out: Torn[] = [];
        for (const f of ['applied.nft', 'previous.nft']) {
          const file = path.join(root, STATE, f);
          const exists = await fs.access(file).then(() => true, () => false);
          // previous.nft matters once the change is pending: the rollback loads it.
          const pending = await fs.access(path.join(root, STATE, 'pending')).then(() => true, () => false);
          if (!exists || (f === 'previous.nft' && !pending)) continue;
          const r = await pair!.exec(pair!.srv, ['nft', '-c', '-f', file]);
          if (r.exitCode !== 0) out.push({ file: `/${STATE}/${f}`, why: `nft -c refuses it: ${String(r.stderr).split('\n')[0]}` });
        }
        return out;
      },
      async rerun(_i, root) {
        // The detached timer puts the previous (empty) ruleset back; then the operator runs it again and confirms.
        await waitFor(async () => (await ruleset()).trim() === '' && !(await fs.access(path.join(root, STATE, 'rollback.pid')).then(() => true, () => false)), 'the rollback to end', 20_000, 100);
        const r = await execa('ip', fwArgs(root, 30), { reject: false, stdin: 'ignore', env: { CI: 'true', ...adminSsh } });
        if (r.exitCode !== 0) return { how: 'firewall again, then confirm', failed: failText(r) };
        const c = await pair!.exec(pair!.srv, ['node', BIN, '--root', root, 'firewall', 'confirm', '--yes']);
        return { how: 'firewall again, then confirm', ...(c.exitCode !== 0 ? { failed: `confirm: ${failText(c)}` } : {}) };
      },
      async completed(_i, root) {
        if (!/table inet lockstep[\s\S]*policy drop/.test(await ruleset())) return 'the lockstep table is not loaded';
        // Persisted as lockstep's own file, included by the system's nftables.conf (the other tables stay theirs).
        const own = await fs.readFile(path.join(root, 'etc/nftables.d/lockstep.nft'), 'utf8').catch(() => '');
        const conf = await fs.readFile(path.join(root, 'etc/nftables.conf'), 'utf8').catch(() => '');
        if (!own.includes('table inet lockstep')) return 'etc/nftables.d/lockstep.nft was not persisted';
        return includesNftDropin(conf) ? undefined : 'etc/nftables.conf does not include etc/nftables.d/lockstep.nft';
      },
      async cleanupTrial(_i, root) {
        await stopRollbackTimer(root);
        await pair?.exec(pair.srv, ['nft', 'flush', 'ruleset']);
        await fs.rm(root, { recursive: true, force: true });
      },
    });
  }

  test(`kills at seeded random moments (seed ${SEED}) across ca init, ca sign, renew and firewall apply`, async (t) => {
    const random = seeded(SEED);
    for (const s of scenarios) {
      if (s.finding !== undefined && !FULL) {
        t.diagnostic(`${s.name}: full run only (finding: ${s.finding})`);
        continue;
      }
      await runScenario(t, s, random);
    }
    const lines: string[] = [];
    for (const [name, x] of tallies) {
      for (const torn of x.torn) lines.push(`${name}: torn ${torn.file}: ${torn.why}`);
      for (const f of x.rerunFailures) lines.push(`${name}: rerun failed, ${f}`);
      for (const f of x.checkFailures) lines.push(`${name}: rerun did not complete the work, ${f}`);
      for (const f of x.tempsAfterRerun) lines.push(`${name}: temp file left after the rerun, ${f}`);
      for (const f of x.toldToResume) lines.push(`${name}: the rerun failed and said to resume, ${f}`);
    }
    for (const l of lines) t.diagnostic(l);
    const total = [...tallies.values()].reduce((n, x) => n + x.kills, 0);
    assert.ok(total > 0, 'no run was killed: the kill windows are wrong');
    // Torn files and reruns that fail are what main must already get right; leftover temporary
    // files are the ca branch's fix (issue 12): counted in the short pass, failures in the full run.
    const must = [...tallies.values()].flatMap((x) => [...x.torn.map((f) => `torn ${f.file}: ${f.why}`), ...x.rerunFailures, ...x.checkFailures, ...(FULL ? [...x.tempsAfterRerun, ...x.toldToResume] : [])]);
    assert.deepEqual(must, []);
  });
});
