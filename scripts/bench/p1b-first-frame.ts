// P1b: time to the first frame in a real terminal (tmux): lockstep's home menu against a bare
// Ink hello-world run unbundled (import('ink') from node_modules), taken in turn.
import { execa, execaSync } from 'execa';
import path from 'node:path';
import { median, type Figure, type Row } from './table.js';

function hasTmux(): boolean {
  try {
    execaSync('tmux', ['-V']);
    return true;
  } catch {
    return false;
  }
}

/** Starts `command` in a fresh tmux session and returns the ms until `text` is on screen. */
async function firstFrame(command: string, text: string): Promise<number> {
  const name = `lockstep-bench-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const t = performance.now();
  await execa('tmux', ['new-session', '-d', '-s', name, '-x', '120', '-y', '40', `env -u CI ${command}`]);
  try {
    for (;;) {
      const { stdout } = await execa('tmux', ['capture-pane', '-p', '-t', name]);
      if (stdout.includes(text)) return performance.now() - t;
      if (performance.now() - t > 20_000) throw new Error(`no "${text}" on screen after 20 s`);
      await new Promise((r) => setTimeout(r, 2));
    }
  } finally {
    await execa('tmux', ['kill-session', '-t', name], { reject: false });
  }
}

export const figure: Figure = {
  id: 'P1b',
  title: 'first frame in tmux',
  async rows({ repo, bin, work, runs }) {
    if (!hasTmux()) return [{ id: 'P1b', what: 'home menu, first frame', anchorName: 'bare Ink hello-world', unit: 'ms', runs: 0, note: 'tmux is not installed' }];
    const hello = `node ${path.join(repo, 'scripts/bench/hello.mjs')}`;
    const frames: number[] = [];
    const homes: number[] = [];
    const onboard: number[] = [];
    for (let i = 0; i < runs; i++) {
      frames.push(await firstFrame(hello, 'hello from ink'));
      homes.push(await firstFrame(`node ${bin} --root ${work}`, 'Self-signed certificate'));
      onboard.push(await firstFrame(`node ${bin} --root ${work} onboard`, 'Which parts should this run set up?'));
    }
    const anchorName = 'bare Ink hello-world (unbundled)';
    const rows: Row[] = [
      { id: 'P1b', what: 'home menu, first frame', lockstep: median(homes), anchor: median(frames), anchorName, unit: 'ms', runs, maxRatio: 0.4 },
      { id: 'P1b', what: 'onboard, first question', lockstep: median(onboard), anchor: median(frames), anchorName, unit: 'ms', runs },
    ];
    return rows;
  },
};
