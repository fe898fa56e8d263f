// npm run bench (after scripts/bench.ts): the private CA figures of issue 15's P3. Not a test:
// it prints (and with --json writes one JSON document on the last line). Everything runs against
// fresh CAs in temporary directories, lockstep and its anchor in the same run, turn about:
//   - lockstep ca init with an RSA 4096 root (the seed's), median of 3;
//   - P3: `lockstep ca sign` of 20 hosts (RSA 2048 keys, a subjectAltName each, an encrypted
//     RSA 4096 CA) against easy-rsa 3.1's gen-req + sign-req for the same 20 on an easy-rsa PKI
//     with an encrypted RSA 4096 CA (median of 3 rounds), and both once for 100 hosts.
// easy-rsa comes from apt (Debian package easy-rsa); it is installed here when missing.
import { execa } from 'execa';
import fs from 'node:fs/promises';
import fsSync from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, REPO } from '../test/helpers.js';

const INITS = 3;
const ROUNDS_20 = Number(process.env.BENCH_CA_ROUNDS ?? 3);
const PASS = 'correct horse battery staple';
const EASYRSA = '/usr/share/easy-rsa/easyrsa';
const JSON_OUT = process.argv.includes('--json');

/** Runs a bash script; wall ms, and the CPU ms (user + system) of every process it ran (bash's `times`). */
async function timed(script: string, extraEnv: Readonly<Record<string, string>> = {}): Promise<{ ms: number; cpuMs: number }> {
  const started = performance.now();
  const r = await execa('bash', ['-c', `set -e\n${script}\ntimes`], { env: { ...env, ...extraEnv } });
  const ms = performance.now() - started;
  // times: the shell's own user/system, then its children's: "0m1.234s 0m0.056s".
  const children = r.stdout.trim().split('\n').at(-1) ?? '';
  const secs = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return { ms, cpuMs: secs.reduce((a, b) => a + b, 0) * 1000 };
}

const q = (w: string): string => `'${w.replace(/'/g, `'\\''`)}'`;

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const say = (...parts: unknown[]): void => void (JSON_OUT ? process.stderr : process.stdout).write(`${parts.join(' ')}\n`);
const env = { CI: 'true', NO_COLOR: '1' };

async function freshCa(work: string, name: string, passFile: string): Promise<{ root: string; dir: string; ms: number }> {
  const root = path.join(work, name);
  await fs.mkdir(path.join(root, 'etc/ssl'), { recursive: true });
  await fs.copyFile(path.join(REPO, 'fixtures/openssl-cnf/debian-12.cnf'), path.join(root, 'etc/ssl/openssl.cnf'));
  const started = performance.now();
  await execa('node', [BIN, '--root', root, 'ca', 'init', '--yes', '--passphrase-file', passFile, '--key-type', 'rsa4096', '--country', 'US', '--org', 'Bench, Inc.'], { env });
  return { root, dir: path.join(root, 'etc/pki/CA'), ms: performance.now() - started };
}

/** An easy-rsa PKI with an encrypted RSA 4096 CA (not timed). */
async function freshEasyRsa(work: string, name: string, passIn: string, passOut: string): Promise<{ EASYRSA_PKI: string; EASYRSA_BATCH: string }> {
  const pki = { EASYRSA_PKI: path.join(work, name), EASYRSA_BATCH: '1' };
  await execa(EASYRSA, ['init-pki'], { env: pki });
  await execa(EASYRSA, [`--passin=file:${passIn}`, `--passout=file:${passOut}`, '--keysize=4096', '--req-cn=Bench CA', 'build-ca'], { env: pki });
  return pki;
}

const hostsOf = (n: number): string[] => Array.from({ length: n }, (_, i) => `host-${String(i + 1).padStart(3, '0')}.bench.example.org`);
const ipOf = (i: number): string => `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`;

/** The journal's account of the last run: ms from run-start to the last action, from it to run-end, and the keys' share of the actions' time (summed over hosts). */
async function journalSplit(root: string): Promise<{ actions: number; verify: number; keys: number }> {
  const lines = (await fs.readFile(path.join(root, 'var/log/lockstep/journal.jsonl'), 'utf8')).trim().split('\n');
  const records = lines.map((l) => JSON.parse(l) as { t: string; ts: string; run: string; title?: string; status?: string });
  const run = records.filter((r) => r.t === 'run-start').at(-1)!.run;
  const mine = records.filter((r) => r.run === run);
  const at = (t: string): number => Date.parse(mine.filter((r) => r.t === t).at(-1)!.ts);
  const actions = mine.filter((r) => r.t === 'action');
  // Each host's key generation, summed: the floor ca sign cannot go under (hosts run side by side).
  const keys = actions.filter((r) => r.status === 'done' && r.title?.endsWith('key') === true).reduce((sum, r) => sum + ((r as { ms?: number }).ms ?? 0), 0);
  return { actions: Date.parse(actions.at(-1)!.ts) - at('run-start'), verify: at('run-end') - Date.parse(actions.at(-1)!.ts), keys };
}

async function lockstepSign(work: string, name: string, passFile: string, n: number): Promise<{ ms: number; cpuMs: number; signed: number; split: Awaited<ReturnType<typeof journalSplit>> }> {
  const ca = await freshCa(work, name, passFile);
  const hosts = hostsOf(n);
  const hostsFile = path.join(work, `${name}.hosts`);
  await fs.writeFile(hostsFile, `${hosts.join('\n')}\n`);
  const sans = hosts.flatMap((h, i) => ['--san', `${h}=IP:${ipOf(i)}`]);
  const argv = ['node', BIN, '--root', ca.root, 'ca', 'sign', '--yes', '--passphrase-file', passFile, '--hosts-file', hostsFile, '--key-type', 'rsa2048', ...sans];
  const { ms, cpuMs } = await timed(`${argv.map(q).join(' ')} > /dev/null`);
  const signed = (await fs.readFile(path.join(ca.dir, 'index.txt'), 'utf8')).trim().split('\n').length;
  return { ms, cpuMs, signed, split: await journalSplit(ca.root) };
}

async function easyRsaSign(work: string, name: string, passIn: string, passOut: string, n: number): Promise<{ ms: number; cpuMs: number; signed: number }> {
  const pki = await freshEasyRsa(work, name, passIn, passOut);
  const script = hostsOf(n)
    .map((h, i) => [
      `${EASYRSA} ${q(`--req-cn=${h}`)} gen-req ${q(h)} nopass > /dev/null 2>&1`,
      `${EASYRSA} ${q(`--passin=file:${passIn}`)} ${q(`--subject-alt-name=DNS:${h},IP:${ipOf(i)}`)} sign-req server ${q(h)} > /dev/null 2>&1`,
    ].join('\n'))
    .join('\n');
  const { ms, cpuMs } = await timed(script, pki);
  const signed = (await fs.readFile(path.join(pki.EASYRSA_PKI, 'index.txt'), 'utf8')).trim().split('\n').length;
  return { ms, cpuMs, signed };
}

async function ensureEasyRsa(): Promise<void> {
  if (fsSync.existsSync(EASYRSA)) return;
  say('easy-rsa is missing: apt-get install -y easy-rsa');
  await execa('apt-get', ['install', '-y', 'easy-rsa'], { stdio: 'inherit' });
}

async function main(): Promise<void> {
  await ensureEasyRsa();
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'lockstep-bench-ca-'));
  try {
    const { stdout: version } = await execa('openssl', ['version']);
    const easyVersion = `easy-rsa ${/^Version:\s*(\S+)/m.exec((await execa(EASYRSA, ['--version'])).stdout)?.[1] ?? '?'}`;
    say('\n# private CA benchmark', new Date().toISOString(), `${os.cpus().length} CPUs (availableParallelism ${os.availableParallelism()}), load ${os.loadavg()[0]?.toFixed(2)}, node ${process.version}, ${version}, ${easyVersion}`);
    const passFile = path.join(work, 'pass');
    const passOut = path.join(work, 'pass-out'); // openssl reads passin and passout from two files
    await fs.writeFile(passFile, `${PASS}\n`, { mode: 0o600 });
    await fs.writeFile(passOut, `${PASS}\n`, { mode: 0o600 });

    say(`\n## lockstep ca init, RSA 4096 root (median of ${INITS})`);
    const inits: number[] = [];
    for (let i = 0; i < INITS; i++) inits.push((await freshCa(work, `init-${i}`, passFile)).ms);
    say(`ca init: ${s(median(inits))} (runs: ${inits.map(s).join(', ')}; RSA 4096 prime search makes these vary)`);

    const rows: { hosts: number; lockstep: number[]; easyrsa: number[]; lockstepCpu: number[]; easyrsaCpu: number[]; keys: number[]; verify: number[]; load: number[] }[] = [];
    // BENCH_CA_SIZES=3 for a quick try of the script itself.
    const sizes: [number, number][] = process.env.BENCH_CA_SIZES !== undefined ? process.env.BENCH_CA_SIZES.split(',').map((n) => [Number(n), 1]) : [[20, ROUNDS_20], [100, 1]];
    for (const [n, rounds] of sizes) {
      say(`\n## P3: signing ${n} hosts (RSA 2048 keys, a subjectAltName each, an encrypted RSA 4096 CA), ${rounds} round(s), turn about`);
      const row = { hosts: n, lockstep: [] as number[], easyrsa: [] as number[], lockstepCpu: [] as number[], easyrsaCpu: [] as number[], keys: [] as number[], verify: [] as number[], load: [] as number[] };
      for (let r = 0; r < rounds; r++) {
        const mine = await lockstepSign(work, `ls-${n}-${r}`, passFile, n);
        const theirs = await easyRsaSign(work, `er-${n}-${r}`, passFile, passOut, n);
        if (mine.signed !== n || theirs.signed !== n) throw new Error(`signed ${mine.signed} (lockstep) and ${theirs.signed} (easy-rsa) of ${n}`);
        row.lockstep.push(mine.ms);
        row.easyrsa.push(theirs.ms);
        row.lockstepCpu.push(mine.cpuMs);
        row.easyrsaCpu.push(theirs.cpuMs);
        row.load.push(os.loadavg()[0] ?? NaN);
        row.keys.push(mine.split.keys);
        row.verify.push(mine.split.verify);
        say(`round ${r + 1}: lockstep ${s(mine.ms)} (actions ${s(mine.split.actions)}, of it ${s(mine.split.keys)} of key generation summed over the hosts; verification ${s(mine.split.verify)}; CPU ${s(mine.cpuMs)}), easy-rsa ${s(theirs.ms)} (CPU ${s(theirs.cpuMs)}): ×${(mine.ms / theirs.ms).toFixed(2)}, load ${os.loadavg()[0]?.toFixed(1)}`);
      }
      rows.push(row);
    }

    say('\n| goal | lockstep (median) | easy-rsa gen-req + sign-req (median) | ratio | target | CPU lockstep / easy-rsa |');
    say('|---|---|---|---|---|---|');
    for (const r of rows) {
      const cpu = `${s(median(r.lockstepCpu))} / ${s(median(r.easyrsaCpu))}`;
      say(`| P3 ca sign of ${r.hosts} hosts | ${s(median(r.lockstep))} | ${s(median(r.easyrsa))} | ×${(median(r.lockstep) / median(r.easyrsa)).toFixed(2)} | ≤ ×0.5 | ${cpu} |`);
    }
    say('(the wall ratio can reach ×1/cores only when the cores are free: the CPU columns, which load does not change, show the work each does;');
    say(' key generation is most of both, so lockstep\'s CPU is about easy-rsa\'s and its gain is running the keys side by side)');
    say(`(host keys are made ${os.availableParallelism()} at once; one openssl ca after another, as index.txt and serial allow; lockstep also verifies every host with openssl verify)`);
    if (JSON_OUT) {
      const doc = {
        type: 'bench-ca',
        cpus: os.availableParallelism(),
        caInitMs: median(inits),
        p3: rows.map((r) => ({ hosts: r.hosts, lockstepMs: median(r.lockstep), easyRsaMs: median(r.easyrsa), ratio: median(r.lockstep) / median(r.easyrsa), lockstepCpuMs: median(r.lockstepCpu), easyRsaCpuMs: median(r.easyrsaCpu), runs: r })),
      };
      process.stdout.write(`${JSON.stringify(doc)}\n`);
    }
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

await main();
