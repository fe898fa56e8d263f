// onboard's "A first patch session" part: named in "steps", its answers under "patch", it runs the
// same session as lockstep patch; left out of the default parts, so nothing is upgraded unasked.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { execa } from 'execa';
import type { AptWorld } from '../apt/apt-world.js';
import { lockstep } from '../helpers.js';
import { localDay } from '../../src/patch/session-spec.js';
import { patchWorld } from './patch-world.js';

const haveTools = (await execa('sh', ['-c', 'command -v dpkg-scanpackages && command -v apt-get'], { reject: false })).exitCode === 0;
let world: AptWorld;
before(async () => {
  if (haveTools) world = await patchWorld();
});
after(async () => {
  await world?.cleanup();
});

test('onboard --steps patch: the session with the answers under "patch"; not a default part', { skip: haveTools ? false : 'needs dpkg-dev and apt' }, async () => {
  const help = await lockstep(['onboard', '--help']);
  assert.match(help.stdout, /patch\. patch \(a first patch session\) runs only when "steps" names it/);
  const answers = path.join(world.dir, 'onboard.json');
  await fs.writeFile(answers, JSON.stringify({ steps: ['patch'], patch: { upgrade: 'security' } }));
  const r = await lockstep(['--root', world.root, 'onboard', '--answers', answers, '--yes']);
  assert.equal(r.exitCode, 0, `${r.stdout}\n${r.stderr}`);
  const day = localDay(new Date());
  const log = await fs.readFile(path.join(world.root, `var/log/OSPATCH-${day}.log`), 'utf8');
  assert.match(log, /== Choice: security updates only/);
  assert.match(log, /== Summary: ok/);
  const versions = await world.apt('dpkg-query', ['-W', '-f', '${Package} ${Version}\n']);
  assert.match(versions.stdout, /^lockstep-updpkg 1\.0$/m, 'a regular update waits');
  assert.match(versions.stdout, /^lockstep-secpkg 1\.1$/m);
});
