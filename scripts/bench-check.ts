// npm run bench (last part): `lockstep check` against Lynis's `lynis audit system --quick` on
// this machine, one after the other in the same run. The target: the checklist takes at most 2%
// of Lynis's time. Lynis is a Debian package: installed here when missing (apt-get, as root).
// Lynis's log and report go to a temporary folder, not /var/log. Not a test: it prints.
import { execa } from 'execa';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { makeAptWorld, markUnattendedUpgrades } from '../test/apt/apt-world.js';
import { cloudImageSsh } from '../test/check/roots.js';
import { BIN, lockstep } from '../test/helpers.js';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function lynisPath(): Promise<string | undefined> {
  for (const p of ['/usr/sbin/lynis', '/usr/bin/lynis']) if (await fs.access(p).then(() => true, () => false)) return p;
  if (process.getuid?.() !== 0) return undefined;
  process.stderr.write('lynis is not installed: apt-get install -y lynis\n');
  const r = await execa('apt-get', ['install', '-y', '--no-install-recommends', 'lynis'], { reject: false, env: { DEBIAN_FRONTEND: 'noninteractive' } });
  return r.exitCode === 0 ? '/usr/sbin/lynis' : undefined;
}

/** `lockstep check --json` five times: the median, and the counts of the last run. */
async function timeCheck(root: string): Promise<number> {
  const runs: number[] = [];
  let summary = '';
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const r = await execa('node', [BIN, '--root', root, 'check', '--json'], { reject: false, env: { CI: 'true' } });
    runs.push(performance.now() - t);
    summary = JSON.stringify((JSON.parse(r.stdout) as { summary: unknown }).summary);
  }
  const check = median(runs);
  process.stdout.write(`lockstep check --root ${root}: ${check.toFixed(0)} ms (median of 5; ${summary})\n`);
  return check;
}

/** A server hardened by lockstep's own steps, in a sandbox: the test apt world, key-only SSH, updates, a certificate and its renewal. */
async function hardenedRoot(): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const world = await makeAptWorld();
  await markUnattendedUpgrades(world.root);
  await cloudImageSsh(world.root);
  const env = { CI: 'true', NO_COLOR: '1', SUDO_USER: '' };
  for (const args of [['ssh', '--user', 'deploy', '--allow-users', 'deploy'], ['updates'], ['cert', 'self-signed', '--host', 'bench.example.org'], ['cert', 'renew-timer', '--scheduler', 'cron']]) {
    await lockstep(['--root', world.root, ...args, '--yes'], { env });
  }
  return { root: world.root, cleanup: () => world.cleanup() };
}

async function main(): Promise<void> {
  const hardened = await hardenedRoot();
  let check: number;
  try {
    check = await timeCheck(hardened.root);
  } finally {
    await hardened.cleanup();
  }
  const host = await timeCheck('/');
  const lynis = await lynisPath();
  if (lynis === undefined) {
    process.stdout.write('lynis: not installed (and not root to install it): no comparison\n');
    return;
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lockstep-bench-lynis-'));
  try {
    const t = performance.now();
    const r = await execa(lynis, ['audit', 'system', '--quick', '--no-colors', '--logfile', path.join(dir, 'lynis.log'), '--report-file', path.join(dir, 'report.dat')], { reject: false });
    const took = performance.now() - t;
    const tests = /Tests performed\s*:\s*(\d+)/.exec(r.stdout)?.[1] ?? '?';
    const index = /Hardening index\s*:\s*(\d+)/.exec(r.stdout)?.[1] ?? '?';
    process.stdout.write(`lynis audit system --quick: ${(took / 1000).toFixed(1)} s (${tests} tests, hardening index ${index})\n`);
    for (const [what, ms] of [['the hardened root', check], ['this machine (/)', host]] as const) {
      const share = (ms / took) * 100;
      process.stdout.write(`lockstep check on ${what} takes ${share.toFixed(2)}% of Lynis's time (target ≤ 2%): ${share <= 2 ? 'met' : 'NOT met'}\n`);
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

await main();
