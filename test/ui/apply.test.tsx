// The plan preview, the live log and failures, with test-only steps run by the real engine.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { snapshot } from '../helpers.js';
import { tempRootsPerTest, KEY, startApp, testFlow } from './harness.js';

const root = tempRootsPerTest();

test('the preview shows each command and a coloured-by-sign diff of a replaced file; n changes nothing', async () => {
  const dir = await root();
  await fs.mkdir(path.join(dir, 'etc'));
  await fs.writeFile(path.join(dir, 'etc/demo.conf'), 'listen 80\nserver_name old.example\nkeepalive 10\n');
  const flow = testFlow('diff', [
    { kind: 'write', title: 'Point demo.conf at the new name', path: '/etc/demo.conf', content: 'listen 80\nserver_name new.example\nkeepalive 10\n', mode: 0o644 },
    { kind: 'run', title: 'Print the version', argv: ['openssl', 'version'] },
  ]);
  const app = startApp({ root: dir, flows: [flow], start: flow });
  const frame = await app.waitFor('Apply this plan? (y/N)');
  assert.match(frame, /The plan: 2 actions\. Nothing has changed yet\./);
  assert.match(frame, /1\. Point demo\.conf at the new name/);
  assert.match(frame, /replaces the file \(a backup is kept\), mode 0644/);
  assert.match(frame, /^\s*@@ -1,3 \+1,3 @@$/m);
  assert.match(frame, /^\s*-server_name old\.example$/m);
  assert.match(frame, /^\s*\+server_name new\.example$/m);
  assert.match(frame, /^\s* keepalive 10$/m);
  assert.match(frame, /2\. Print the version\n\s+\$ openssl version/);
  assert.match(frame, /✓ questions {2}▸ preview {2}· applying/);
  app.press(KEY.enter); // the default is no
  assert.equal(await app.exited, 1);
  assert.match(app.frame(), /Nothing was changed: the plan was not confirmed\./);
  assert.equal(await fs.readFile(path.join(dir, 'etc/demo.conf'), 'utf8'), 'listen 80\nserver_name old.example\nkeepalive 10\n');
});

test('log lines stream into a small live pane: the last few, a count and the log file; colour codes stripped', async () => {
  const dir = await root();
  const flag = path.join(dir, 'go-on');
  const script = `for i in $(seq 1 5000); do echo line $i; done; printf '\\033[31mred-line\\033[0m\\n'; while [ ! -e "$0" ]; do sleep 0.02; done`;
  const flow = testFlow('log', [{ kind: 'run', title: 'Print a lot', argv: ['sh', '-c', script, flag] }]);
  const app = startApp({ root: dir, flows: [flow], start: flow });
  await app.waitFor('Apply this plan?');
  const framesBefore = app.frames.length;
  app.press('y');
  const frame = await app.waitFor('│ red-line');
  assert.match(frame, /▸ \[1\/1\] Print a lot…/);
  assert.match(frame, /│ line 5000\n/);
  assert.match(frame, /│ line 4994\n/);
  assert.doesNotMatch(frame, /line 4993\n/, 'only the last 8 lines are shown');
  assert.match(frame, /5,001 lines of output so far\n\s*Full output: .*\/var\/log\/lockstep\/[0-9T]+-[0-9a-f]+\.log/);
  assert.ok(frame.split('\n').length < 40, `the frame stays small:\n${frame}`);
  assert.ok(!app.lastFrame()!.includes('\u001B[31m'), 'the child’s colour codes do not reach the screen');
  // Renders are batched: 5,001 lines must not mean thousands of frames.
  assert.ok(app.frames.length - framesBefore < 100, `${app.frames.length - framesBefore} frames for 5,001 lines`);

  await fs.writeFile(flag, '');
  const done = await app.waitFor('Done.');
  assert.match(done, /✓ Print a lot \(\d+(\.\d)? m?s\)/);
  assert.equal(await app.exited, 0);
  const logFile = /Full output: (\S+)/.exec(frame)![1]!;
  const full = await fs.readFile(logFile, 'utf8');
  assert.match(full, /\[0\] stdout:\nline 1\n/, 'the full output is in the log file, under its heading');
  assert.match(full, /^line 5000$/m);
});

const failing = (extra = '') =>
  testFlow('fail', [
    { kind: 'run', title: 'Run a failing command', argv: ['sh', '-c', `echo first >&2; echo boom >&2; ${extra} exit 3`] },
    { kind: 'mkdir', title: 'Make /after', path: '/after', mode: 0o755 },
  ]);

test('a failing action shows its error output and Retry / Skip / Abort; Skip goes on', async () => {
  const dir = await root();
  const flow = failing();
  const app = startApp({ root: dir, flows: [flow], start: flow });
  await app.waitFor('Apply this plan?');
  app.press('y');
  let frame = await app.waitFor('What now?');
  assert.match(frame, /✗ Action 1 failed: sh exited with code 3: boom/);
  assert.match(frame, /│ first\n\s*│ boom/);
  assert.match(frame, /❯ Retry it\n\s+Skip it and go on\n\s+Abort the run/);
  app.press('r'); // retry: fails the same way, asked again
  await app.waitFor(/✗ Run a failing command: [^\n]*\n✗ Run a failing command/);
  await app.waitFor('What now?');
  app.press(KEY.down);
  await app.waitFor('❯ Skip it and go on');
  app.press(KEY.enter);
  frame = await app.waitFor('Done.');
  assert.match(frame, /- Run a failing command \(skipped\)/);
  assert.match(frame, /✓ Make \/after/);
  assert.equal(await app.exited, 0);
  assert.ok((await fs.stat(path.join(dir, 'after'))).isDirectory());
});

test('Abort at a failure stops the run (exit 1) with a banner; the menu then offers to resume it', async () => {
  const dir = await root();
  const flow = failing();
  const app = startApp({ root: dir, flows: [flow] });
  await app.waitFor('❯ Test: fail');
  app.press(KEY.enter);
  await app.waitFor('Apply this plan?');
  app.press('y');
  await app.waitFor('What now?');
  app.press('a');
  let frame = await app.waitFor('Stopped after "Run a failing command" failed: sh exited with code 3: boom');
  assert.match(frame, /Its last error output:[^\n]*\n[^\n]*first[^\n]*\n[^\n]*boom/);
  assert.match(frame, /Full output: .*\.log/);
  assert.match(frame, /Every action done so far is listed in .*journal\.jsonl/);
  assert.match(frame, /"lockstep --root \S+ resume" continues the run/, "the command names the run's --root");
  assert.match(frame, /✗ applying/);
  await assert.rejects(fs.stat(path.join(dir, 'after')), 'the next action did not run');

  app.press(KEY.enter);
  await app.waitFor('Resume an interrupted run');
  app.press(KEY.down);
  frame = await app.waitFor('❯ Resume an interrupted run');
  assert.match(frame, /"fail" \(run [0-9T]+-[0-9a-f]+\) stopped after 0 of 2 actions/, 'the focused entry says what it resumes');
  app.press(KEY.enter);
  // Resuming needs the step among the engine's flows; a test-only step is not: the engine says so.
  frame = await app.waitFor('which this version of lockstep does not know');
  app.press('q');
  assert.equal(await app.exited, 2);
});

test('Ctrl+C while a command runs stops it and the run (exit 1)', async () => {
  const dir = await root();
  const flow = testFlow('slow', [{ kind: 'run', title: 'Wait a long time', argv: ['sh', '-c', 'echo started; exec sleep 30'] }]);
  const app = startApp({ root: dir, flows: [flow], start: flow });
  await app.waitFor('Apply this plan?');
  app.press('y');
  await app.waitFor('│ started');
  const started = Date.now();
  app.press(KEY.ctrlC);
  assert.equal(await app.exited, 1);
  assert.ok(Date.now() - started < 10_000, 'the child was stopped, not waited for');
  assert.match(app.frame(), /Stopped by the operator \(a signal or Ctrl\+C\) during "Wait a long time"/);
  assert.match(app.frame(), /sh was interrupted \(its process group was ended\)/);
  assert.match(app.frame(), /"lockstep --root \S+ resume" continues/);
  const journal = await fs.readFile(path.join(dir, 'var/log/lockstep/journal.jsonl'), 'utf8');
  assert.match(journal, /"status":"interrupted"/, 'the action is journaled as interrupted');
});

test('--dry-run: the preview, then the end, with apply and verify marked as not done and nothing changed', async () => {
  const dir = await root();
  const before = await snapshot(dir);
  const flow = testFlow('dry', [{ kind: 'mkdir', title: 'Make /dry', path: '/dry', mode: 0o755 }]);
  const app = startApp({ root: dir, flows: [flow], start: flow, dryRun: true });
  assert.equal(await app.exited, 0);
  const frame = app.frame();
  assert.match(frame, /\$ mkdir -p -m 0755 .*\/dry/);
  assert.match(frame, /- applying \(dry run\) {2}- verify \(dry run\) {2}✓ summary/);
  assert.match(frame, /Dry run finished: the plan above is what a real run would do\./);
  assert.doesNotMatch(frame, /Apply this plan/);
  assert.deepEqual(await snapshot(dir), before);
});

test('a failed check is shown with its evidence and ends the run with exit 1', async () => {
  const flow = testFlow('checks', [{ kind: 'mkdir', title: 'Make /checked', path: '/checked', mode: 0o755 }], {
    checks: [
      { name: 'folder exists', ok: true, evidence: '/checked is a directory' },
      { name: 'port 443 answers', ok: false, evidence: 'connection refused on 127.0.0.1:443' },
    ],
  });
  const app = startApp({ root: await root(), flows: [flow], start: flow });
  await app.waitFor('Apply this plan?');
  app.press('y');
  assert.equal(await app.exited, 1);
  const frame = app.frame();
  assert.match(frame, /✓ folder exists — \/checked is a directory/);
  assert.match(frame, /✗ port 443 answers — connection refused on 127\.0\.0\.1:443/);
  assert.match(frame, /✗ The result did not pass verification \(see the checks above\)\./);
  assert.match(frame, /✓ applying {2}✗ verify/);
});

test('a deadline an action starts (the firewall rollback) shows as a live countdown that decreases, and stays after the run', async () => {
  const dir = await root();
  const flow = testFlow('deadline', [
    { kind: 'run', title: 'Arm a timer', argv: ['true'], deadline: { label: 'Rollback unless confirmed', seconds: 30 } },
    { kind: 'run', title: 'Wait a little', argv: ['sleep', '2.2'] },
  ]);
  const app = startApp({ root: dir, flows: [flow], start: flow });
  await app.waitFor('Apply this plan?');
  app.press('y');
  const countdown = /⏱ Rollback unless confirmed: (\d+) s left \(at \d\d:\d\d:\d\d UTC\)/;
  const first = Number(countdown.exec(await app.waitFor(countdown))![1]);
  assert.ok(first <= 30 && first >= 28, `starts near 30 s: ${first}`);
  const later = await app.waitFor(new RegExp(`⏱ Rollback unless confirmed: (${first - 1}|${first - 2}) s left`));
  assert.match(later, /▸ \[2\/2\] Wait a little…|Finished/);
  assert.equal(await app.exited, 0);
  assert.match(app.frame(), countdown, 'the last frame still says when');
});
