// --root mapping and what the system reports about paths, against a real directory tree.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { UserError } from '../../src/core/errors.js';
import { System } from '../../src/core/system.js';
import { tempRoot } from '../helpers.js';

test('every path is taken under --root, and ".." cannot climb out of it', () => {
  const sys = new System('/srv/sandbox');
  assert.equal(sys.real('/etc/ssl/cert.pem'), '/srv/sandbox/etc/ssl/cert.pem');
  assert.equal(sys.real('/../../etc/shadow'), '/srv/sandbox/etc/shadow');
  assert.equal(sys.real('/etc/../../../root/.ssh'), '/srv/sandbox/root/.ssh');
  assert.equal(new System('/').real('/etc/x'), '/etc/x');
  assert.throws(() => sys.real('etc/x'), UserError);
});

test('stat, readText and whyNotWritableDir on real paths', async () => {
  const { root, cleanup } = await tempRoot();
  try {
    const sys = new System(root);
    await fs.mkdir(path.join(root, 'etc'));
    await fs.writeFile(path.join(root, 'etc/hostname'), 'server\n');
    await fs.symlink(path.join(root, 'etc'), path.join(root, 'link'));

    assert.equal(await sys.readText('/etc/hostname'), 'server\n');
    assert.equal(await sys.readText('/etc/missing'), undefined);
    assert.equal(await sys.stat('/etc/missing/deeper'), undefined);
    // Under a regular file nothing exists (ENOTDIR), which is not an error.
    assert.equal(await sys.stat('/etc/hostname/certs/privkey.pem'), undefined);
    assert.equal(await sys.readText('/etc/hostname/x'), undefined);

    assert.equal(await sys.whyNotWritableDir('/etc'), undefined);
    assert.equal(await sys.whyNotWritableDir('/etc/new/deeper'), undefined);
    assert.equal(await sys.whyNotWritableDir('/etc/hostname/certs'), '/etc/hostname exists and is not a directory');
    assert.equal(await sys.whyNotWritableDir('/link/certs'), '/link is a symbolic link; lockstep does not write through links');
  } finally {
    await cleanup();
  }
});
