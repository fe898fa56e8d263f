// The Ink checklist through ink-testing-library: groups fill in as they finish (a spinner on the
// one still running, which here waits on a gate the test opens), totals at the bottom, Enter on
// the failing ssh.passwords (the real sshd -T on a cloud-image root) shows its evidence, Enter
// again asks for its fix flow (lockstep ssh), which the command then runs; f asks for it at once
// from the list, and does nothing on an item without a fix.
import { execa } from 'execa';
import { render } from 'ink-testing-library';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runChecks, pass, seed, type AuditItem, type CheckGroup } from '../../src/core/checks.js';
import { System } from '../../src/core/system.js';
import { fixCommandOf } from '../../src/flows/check-flow.js';
import { sshChecks } from '../../src/ssh/ssh-checks.js';
import { Checklist } from '../../src/ui/ink/Checklist.js';
import { tempRoot } from '../helpers.js';
import { KEY, strip, waitForContent } from '../ui/harness.js';
import { cloudImageSsh } from './roots.js';

const haveSshd = process.getuid?.() === 0 && (await execa('sh', ['-c', 'test -x /usr/sbin/sshd'], { reject: false })).exitCode === 0;
let root: string;
let cleanup: () => Promise<void>;
before(async () => {
  ({ root, cleanup } = await tempRoot('lockstep-checklist-tui-'));
  if (haveSshd) await cloudImageSsh(root);
});
after(async () => cleanup());

/** The checklist of `groups` on the cloud-image root; `result` is what it left with, once it has. */
function renderChecklist(groups: readonly CheckGroup[]) {
  // Read through left(), not narrowed by an assertion on it: onDone sets it later.
  const box: { result?: { items: readonly AuditItem[]; fix?: AuditItem }; left: () => { items: readonly AuditItem[]; fix?: AuditItem } | undefined } = { left: () => box.result };
  const app = render(
    <Checklist
      groups={groups}
      start={(onProgress) => void runChecks(groups, { sys: new System(root), now: Date.now(), caDir: '/etc/pki/CA', caName: 'couch_ca' }, { onProgress })}
      fixOf={fixCommandOf}
      onDone={(r) => (box.result = r)}
    />,
  );
  return { app, box };
}

test('live groups, totals, Enter shows the evidence and then asks for the fix', { skip: haveSshd ? false : 'needs root and openssh-server' }, async () => {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  // A group that waits for the test, so the frame with one group still running can be read.
  const slow: CheckGroup = {
    prefix: 'os',
    title: 'Slow group',
    run: async () => {
      await gate;
      return [pass({ id: 'os.gate', title: 'The gate opened', evidence: 'the test opened it', fix: 'none', seed: seed('lockdown', 'Maintaining the latest security packages.') })];
    },
  };
  const { app, box } = renderChecklist([sshChecks, slow]);
  try {
    const running = await waitForContent(app.lastFrame, /Password logins are off[\s\S]*Slow group checking…/);
    assert.match(running, /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Slow group/);
    assert.match(running, /✘ FAIL Password logins are off ssh\.passwords/);
    assert.match(running, /\(checking…\)/);
    open();
    const done = await waitForContent(app.lastFrame, /The gate opened[\s\S]*pass {2}\d+ warn {2}\d+ fail/);
    assert.doesNotMatch(done, /checking…/);
    assert.match(done, /✔ PASS The gate opened os\.gate/);
    assert.match(done, /\d+ pass {2}\d+ warn {2}[1-9]\d* fail {2}0 skip/);
    // The first item is ssh.passwords: Enter opens its evidence, Enter again asks for its fix.
    app.stdin.write(KEY.enter);
    const detail = await waitForContent(app.lastFrame, 'evidence:');
    assert.match(detail, /sshd -T says passwordauthentication yes \(set by[\s│]+\/etc\/ssh\/sshd_config\.d\/50-cloud-init\.conf:1\)/);
    assert.match(detail, /Enter: fix with `lockstep ssh` \(its questions, its plan and your yes\), then this group is/);
    assert.match(detail, /↑\/↓ move · Enter or f: fix with lockstep ssh · Esc: close · q: quit/);
    app.stdin.write(KEY.enter);
    const until = Date.now() + 5000;
    while (box.result === undefined && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    assert.equal(box.result?.fix?.id, 'ssh.passwords', app.lastFrame());
    assert.ok((box.result?.items.length ?? 0) >= 7);
  } finally {
    app.unmount();
  }
});

test('f on a failing item asks for its fix at once; on a passing one it does nothing', { skip: haveSshd ? false : 'needs root and openssh-server' }, async () => {
  const { app, box } = renderChecklist([sshChecks]);
  try {
    // The list closed, the cursor on the failing ssh.passwords: the keys line says what f does.
    const done = await waitForContent(app.lastFrame, /\d+ pass {2}\d+ warn {2}1 fail {2}0 skip\n/);
    assert.match(done, /↑\/↓ move · Enter: evidence · f: fix with lockstep ssh · q: quit/);
    assert.doesNotMatch(done, /evidence:/);
    // Down to an item that passes: no fix is offered, and f leaves the list as it is.
    let frame = done;
    for (let i = 0; i < 6 && /f: fix/.test(frame); i++) {
      app.stdin.write(KEY.down);
      frame = await waitForContent(app.lastFrame, /q: quit/);
      await new Promise((r) => setTimeout(r, 50));
      frame = strip(app.lastFrame() ?? '');
    }
    assert.match(frame, /↑\/↓ move · Enter: evidence · q: quit/);
    app.stdin.write('f');
    app.stdin.write(KEY.enter);
    const passing = await waitForContent(app.lastFrame, 'evidence:');
    assert.doesNotMatch(passing, /Enter: fix with/);
    assert.equal(box.left(), undefined, 'f on an item without a fix does not leave the list');
    // Back up to ssh.passwords, closed: f asks for lockstep ssh without the evidence first.
    for (let i = 0; i < 6; i++) app.stdin.write(KEY.up);
    await waitForContent(app.lastFrame, /f: fix with lockstep ssh · q: quit/);
    app.stdin.write('f');
    const until = Date.now() + 5000;
    while (box.result === undefined && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    assert.equal(box.result?.fix?.id, 'ssh.passwords', app.lastFrame());
  } finally {
    app.unmount();
  }
});
