// The home menu's "Lockdown checklist": Enter there opens `lockstep check`'s own screen (the
// checklist fills in with the evidence of this root), q goes back to the menu, q again exits 0.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { execa } from 'execa';
import { loadFlows } from '../../src/flows/index.js';

const FLOWS = await loadFlows();
import { tempRoot } from '../helpers.js';
import { startInTmux, tmuxMissing } from '../e2e/tmux.js';
import { focusOn, KEY, startApp, tempRootsPerTest } from '../ui/harness.js';
import { cloudImageSsh } from './roots.js';

const root = tempRootsPerTest();

test('home menu: "Lockdown checklist" sits after renew and leaves the wizard for the checklist screen', async () => {
  const app = startApp({ root: await root(), flows: FLOWS });
  await focusOn(app, FLOWS, 'Lockdown checklist');
  assert.match(app.frame(), /Enter on a\s+failing\s+item\s+runs\s+the\s+lockstep\s+command/);
  const titles = FLOWS.map((f) => f.title);
  assert.equal(titles.indexOf('Lockdown checklist'), titles.findIndex((t) => /renew/i.test(t)) + 1);
  app.press(KEY.enter);
  assert.equal(await app.exited, 0);
});

/** From the home menu to the checklist screen, as a person would. */
async function openFromMenu(t: Awaited<ReturnType<typeof startInTmux>>): Promise<void> {
  await t.waitFor('lockstep: what would you like to do?');
  await t.focus('check');
  await t.waitFor('❯ Lockdown checklist');
  await t.key('Enter');
  await t.waitFor('lockstep check — the lockdown checklist (read-only)');
}

test('lockstep in tmux: the menu opens the checklist, q is the menu again, q exits 0', { skip: tmuxMissing }, async () => {
  const { root: dir, cleanup } = await tempRoot('lockstep-check-home-');
  await cloudImageSsh(dir);
  const t = await startInTmux(['--root', dir]);
  try {
    await openFromMenu(t);
    const list = await t.waitFor(' skip  ', 60_000).then(async () => {
      for (;;) {
        const s = await t.screen();
        if (!s.includes('(checking…)')) return s;
        await new Promise((r) => setTimeout(r, 100));
      }
    });
    // The cloud image's sshd turns passwords on: the checklist of this root says so.
    assert.match(list, /✘ FAIL Password logins are off ssh\.passwords/);
    assert.match(list, /\d+ pass {2}\d+ warn {2}[1-9]\d* fail {2}\d+ skip/);
    await t.key('q');
    await t.waitFor('lockstep: what would you like to do?');
    await t.key('q');
    await t.waitFor('lockstep-exit=0');
  } finally {
    await t.kill();
    await cleanup();
  }
});

test('lockstep in tmux: SIGTERM while the menu\'s checklist is open ends lockstep (exit 1), not back to the menu', { skip: tmuxMissing }, async () => {
  const { root: dir, cleanup } = await tempRoot('lockstep-check-home-term-');
  const t = await startInTmux(['--root', dir]);
  try {
    await openFromMenu(t);
    // The pane's shell runs lockstep as its one child (env execs node).
    const shell = (await execa('tmux', ['-L', t.id, 'display-message', '-p', '#{pane_pid}'])).stdout.trim();
    const pid = Number((await execa('ps', ['-o', 'pid=', '--ppid', shell])).stdout.trim().split('\n')[0]);
    assert.ok(pid > 0);
    process.kill(pid, 'SIGTERM');
    const end = await t.waitFor('lockstep-exit=');
    assert.match(end, /lockstep-exit=1/);
    assert.doesNotMatch(end.slice(end.lastIndexOf('lockstep check —')), /what would you like to do\?/);
  } finally {
    await t.kill();
    await cleanup();
  }
});
