// C1: `lockstep check` against Lynis's `lynis audit system --quick` on this machine, in the same
// run. The target (issue 11): the checklist takes at most 2 % of Lynis's time on a server that
// lockstep's own steps hardened (the test apt world in a temporary root: key-only SSH, automatic
// updates, a certificate and its renewal). This machine's own / is a second row, without a
// target: there apt's simulation of pending upgrades is most of the time. Lynis is a Debian
// package, installed here when missing (as root); its log and report go to the figure's folder.
import { execa } from 'execa';
import path from 'node:path';
import { makeAptWorld, markUnattendedUpgrades } from '../../test/apt/apt-world.js';
import { cloudImageSsh } from '../../test/check/roots.js';
import { lockstep } from '../../test/helpers.js';
import { anchorFromApt, median, type Figure, type Row } from './table.js';

/** `lockstep check --json` `runs` times on `root`: the median ms, and the last run's counts. */
async function timeCheck(bin: string, root: string, runs: number): Promise<{ ms: number; summary: string }> {
  const times: number[] = [];
  let summary = '';
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = await execa('node', [bin, '--root', root, 'check', '--json'], { reject: false, env: { CI: 'true' } });
    times.push(performance.now() - t);
    const counts = (JSON.parse(r.stdout) as { summary: Record<string, number> }).summary;
    summary = Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ');
  }
  return { ms: median(times), summary };
}

/** A server hardened by lockstep's own steps, in a temporary root. */
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

export const figure: Figure = {
  id: 'C1',
  title: 'lockstep check vs lynis',
  async rows({ bin, work, runs }) {
    const anchorName = 'lynis audit system --quick';
    const hardened = await hardenedRoot();
    let mine: { ms: number; summary: string };
    try {
      mine = await timeCheck(bin, hardened.root, runs);
    } finally {
      await hardened.cleanup();
    }
    const host = await timeCheck(bin, '/', runs);
    const rows = (lynis: number | undefined, note: string): Row[] => [
      { id: 'C1', what: 'lockstep check, a root hardened by lockstep', lockstep: mine.ms / 1000, anchor: lynis, anchorName, unit: 's', runs, maxRatio: 0.02, note: `${note}; ${mine.summary}` },
      { id: 'C1', what: 'lockstep check, this machine (/)', lockstep: host.ms / 1000, anchor: lynis, anchorName, unit: 's', runs, note: `${host.summary}; mostly apt-get -s upgrade (patch.pending)` },
    ];
    const lynis = anchorFromApt('lynis', ['/usr/sbin/lynis', '/usr/bin/lynis']);
    if (lynis === undefined) return rows(undefined, 'lynis is not installed (apt-get install lynis, as root)');
    const t = performance.now();
    const r = await execa(lynis, ['audit', 'system', '--quick', '--no-colors', '--logfile', path.join(work, 'lynis.log'), '--report-file', path.join(work, 'report.dat')], { reject: false });
    const took = (performance.now() - t) / 1000;
    const tests = /Tests performed\s*:\s*(\d+)/.exec(r.stdout)?.[1] ?? '?';
    return rows(took, `Lynis once: ${tests} tests`);
  },
};
