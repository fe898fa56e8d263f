// npm run bench (after scripts/bench.ts): the private CA figures the issue asks for. Not a test:
// it prints. Everything runs against fresh CAs in temporary directories.
//   - lockstep ca init with an RSA 4096 root (the seed's), median of 3;
//   - signing 100 hosts (RSA 2048 keys, as in the seed) in one `lockstep ca sign`, against the
//     seed's own commands run by hand in a shell loop (genrsa 2048, req -new with the org
//     config.cnf, openssl ca -batch with the passphrase from a file) on another fresh CA.
import { execa } from 'execa';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BIN, REPO } from '../test/helpers.js';

const HOSTS = 100;
const INITS = 3;
const PASS = 'correct horse battery staple';

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

interface Ca {
  readonly root: string;
  readonly dir: string;
}

async function freshCa(work: string, n: number, passFile: string): Promise<{ ca: Ca; ms: number }> {
  const root = path.join(work, `ca-${n}`);
  await fs.mkdir(path.join(root, 'etc/ssl'), { recursive: true });
  await fs.copyFile(path.join(REPO, 'fixtures/openssl-cnf/debian-12.cnf'), path.join(root, 'etc/ssl/openssl.cnf'));
  const started = performance.now();
  await execa('node', [BIN, '--root', root, 'ca', 'init', '--yes', '--passphrase-file', passFile, '--key-type', 'rsa4096', '--country', 'US', '--org', 'Bench, Inc.'], {
    env: { CI: 'true', NO_COLOR: '1' },
  });
  return { ca: { root, dir: path.join(root, 'etc/pki/CA') }, ms: performance.now() - started };
}

/** The journal's own account of the last run: ms from run-start to the last action, and to run-end. */
async function journalSplit(root: string): Promise<{ actions: number; verify: number }> {
  const lines = (await fs.readFile(path.join(root, 'var/log/lockstep/journal.jsonl'), 'utf8')).trim().split('\n');
  const records = lines.map((l) => JSON.parse(l) as { t: string; ts: string; run: string });
  const run = records.filter((r) => r.t === 'run-start').at(-1)!.run;
  const mine = records.filter((r) => r.run === run);
  const at = (t: string): number => Date.parse(mine.filter((r) => r.t === t).at(-1)!.ts);
  const lastAction = Date.parse(mine.filter((r) => r.t === 'action').at(-1)!.ts);
  return { actions: lastAction - at('run-start'), verify: at('run-end') - lastAction };
}

async function main(): Promise<void> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'lockstep-bench-ca-'));
  try {
    const { stdout: version } = await execa('openssl', ['version']);
    console.log('\n# private CA benchmark', new Date().toISOString(), `${os.cpus().length} CPUs, node ${process.version}, ${version}`);
    const passFile = path.join(work, 'pass');
    await fs.writeFile(passFile, `${PASS}\n`, { mode: 0o600 });

    console.log(`\n## lockstep ca init, RSA 4096 root (median of ${INITS})`);
    const cas: Ca[] = [];
    const inits: number[] = [];
    for (let i = 0; i < INITS; i++) {
      const { ca, ms } = await freshCa(work, i, passFile);
      cas.push(ca);
      inits.push(ms);
    }
    console.log(`ca init: ${s(median(inits))} (runs: ${inits.map(s).join(', ')}; RSA 4096 prime search makes these vary)`);

    console.log(`\n## signing ${HOSTS} hosts, RSA 2048 keys`);
    const hosts = Array.from({ length: HOSTS }, (_, i) => `host-${String(i + 1).padStart(3, '0')}.bench.example.org`);
    const hostsFile = path.join(work, 'hosts.txt');
    await fs.writeFile(hostsFile, `${hosts.join('\n')}\n`);

    const mine = cas[0]!;
    let started = performance.now();
    await execa('node', [BIN, '--root', mine.root, 'ca', 'sign', '--yes', '--passphrase-file', passFile, '--hosts-file', hostsFile, '--key-type', 'rsa2048'], {
      env: { CI: 'true', NO_COLOR: '1' },
    });
    const lockstepMs = performance.now() - started;
    const split = await journalSplit(mine.root);
    const signed = (await fs.readFile(path.join(mine.dir, 'index.txt'), 'utf8')).trim().split('\n').length;

    // The seed's commands, as an operator would loop over them in the CA folder (-subj and
    // -batch only so that nobody has to type at openssl's prompts; -passin file: instead of
    // typing the passphrase 100 times).
    const byHand = cas[1]!;
    const script = [
      'set -eu',
      `cd '${byHand.dir}'`,
      `while read -r h; do`,
      '  openssl genrsa -out "$h.key" 2048 2>/dev/null',
      '  openssl req -new -key "$h.key" -out "$h.csr" -config config.cnf -subj "/CN=$h"',
      `  openssl ca -batch -in "$h.csr" -out "$h.crt" -config config.cnf -passin 'file:${passFile}' 2>/dev/null`,
      `done < '${hostsFile}'`,
    ].join('\n');
    started = performance.now();
    await execa('bash', ['-c', script]);
    const handMs = performance.now() - started;
    const handSigned = (await fs.readFile(path.join(byHand.dir, 'index.txt'), 'utf8')).trim().split('\n').length;

    console.log(`lockstep ca sign, ${signed} hosts in one run: ${s(lockstepMs)} (${(lockstepMs / HOSTS).toFixed(0)} ms a host)`);
    console.log(`  of which the journaled actions ${s(split.actions)}, verification (openssl verify, key match, SANs for each host) ${s(split.verify)}`);
    console.log(`the seed's commands in a shell loop, ${handSigned} hosts: ${s(handMs)} (${(handMs / HOSTS).toFixed(0)} ms a host)`);
    console.log(`lockstep / by hand: ${(lockstepMs / handMs).toFixed(2)}x`);
    console.log('(lockstep also writes an extensions file with the subjectAltName, a copy of the root and the journal per host;');
    console.log(' the loop makes certificates without subjectAltName, which browsers and most clients reject today.)');
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

await main();
