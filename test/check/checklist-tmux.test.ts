// `lockstep check` in a real terminal (tmux): the checklist on a cloud-image root, Enter on the
// failing ssh.passwords shows its evidence, Enter again runs lockstep ssh as the wizard (its
// questions, plan and yes), and the checklist comes back with the SSH group re-checked: passing.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tempRoot } from '../helpers.js';
import { startInTmux, tmuxMissing } from '../e2e/tmux.js';
import { cloudImageSsh } from './roots.js';

const haveSshd = process.getuid?.() === 0 && (await execa('sh', ['-c', 'test -x /usr/sbin/sshd'], { reject: false })).exitCode === 0;

test('the checklist in tmux: fix ssh.passwords with Enter, the group re-checked, q exits 0', { skip: tmuxMissing || (haveSshd ? false : 'needs root and openssh-server') }, async () => {
  const { root, cleanup } = await tempRoot('lockstep-check-tmux-');
  await cloudImageSsh(root);
  const t = await startInTmux(['--root', root, 'check', '--only', 'ssh']);
  try {
    const first = await t.waitFor('3 pass  2 warn  1 fail  0 skip');
    assert.match(first, /✘ FAIL Password logins are off ssh\.passwords/);
    assert.match(first, /3 pass {2}2 warn {2}1 fail {2}0 skip/);
    await t.key('Enter');
    const detail = await t.waitFor('Enter: fix with `lockstep ssh`');
    assert.match(detail, /evidence: sshd -T says passwordauthentication yes \(set by \/etc\/ssh\/sshd_config\.d\/50-cloud-init\.conf:1\)/);
    await t.key('Enter');
    await t.waitFor('Login user who must keep access with a key');
    await t.key('C-u');
    await t.type('deploy');
    for (let i = 0; i < 4; i++) {
      await t.key('Enter');
      await new Promise((r) => setTimeout(r, 300));
    }
    await t.waitFor('Apply this plan? (y/N)');
    await t.key('y');
    const after = await t.waitFor('4 pass  2 warn  0 fail  0 skip');
    assert.match(after, /✓ effective passwordauthentication is no \(sshd -T\)/);
    assert.match(after.slice(after.lastIndexOf('lockstep check —')), /✔ PASS Password logins are off ssh\.passwords/);
    await t.key('q');
    await t.waitFor('lockstep-exit=0');
  } finally {
    await t.kill();
    await cleanup();
  }
});
