// npm run bench (last part): `lockstep check` against Lynis's `lynis audit system --quick` on
// this machine, one after the other in the same run. The target: the checklist takes at most 2%
// of Lynis's time. Lynis is a Debian package: installed here when missing (apt-get, as root).
// Lynis's log and report go to a temporary folder, not /var/log. Not a test: it prints.
import { execa } from 'execa';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BIN } from '../test/helpers.js';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function lynisPath(): Promise<string | undefined> {
  for (const p of ['/usr/sbin/lynis', '/usr/bin/lynis']) if (await fs.access(p).then(() => true, () => false)) return p;
  if (process.getuid?.() !== 0) return undefined;
  process.stderr.write('lynis is not installed: apt-get install -y lynis\n');
  const r = await execa('apt-get', ['install', '-y', '--no-install-recommends', 'lynis'], { reject: false, env: { DEBIAN_FRONTEND: 'noninteractive' } });
  return r.exitCode === 0 ? '/usr/sbin/lynis' : undefined;
}

async function main(): Promise<void> {
  const root = process.argv[2] ?? '/';
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
    const share = (check / took) * 100;
    process.stdout.write(`lockstep check takes ${share.toFixed(2)}% of Lynis's time (target ≤ 2%): ${share <= 2 ? 'met' : 'NOT met'}\n`);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

await main();
