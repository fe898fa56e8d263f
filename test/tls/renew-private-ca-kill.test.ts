// Private-CA renewal killed at the two moments that matter (R1's finding): while openssl signs the
// new certificate, and while it revokes the old one. Each time the certificate in live/ is valid
// (not revoked) right after the kill, and a rerun of renew (or lockstep resume) completes: the
// certificate in live/ is the CA's only valid one for the host, the one it replaced revoked as
// superseded. The kill lands there every time: the real openssl runs behind a wrapper that, for
// the chosen `openssl ca` call, says so and waits.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { lockstep, waitFor } from '../helpers.js';
import { killTree, requireBuiltCli, runningMembers } from '../core/process-tree.js';
import { CA, initArgs, sandbox, signArgs, type Sandbox } from '../e2e/ca-robust-helpers.js';

const HOST = 'renew.example.org';
const LIVE = `/etc/lockstep/live/${HOST}/cert.pem`;

async function renewReady(): Promise<Sandbox> {
  const box = await sandbox();
  const host = `${box.root}${CA}/hosts/${HOST}/${HOST}`;
  for (const args of [
    initArgs(box, 'ec-p384'),
    signArgs(box, [HOST], ['--key-type', 'ec-p256', '--days', '90']),
    ['--root', box.root, 'cert', 'install', '--yes', '--domain', HOST, '--cert', `${host}.crt`, '--key', `${host}.key`, '--trust-store', `${box.root}${CA}/certs/couch_ca.cert`],
  ]) {
    const r = await lockstep(args);
    assert.equal(r.exitCode, 0, `${args.join(' ')}: ${r.stdout}\n${r.stderr}`);
  }
  return box;
}

/** index.txt: status by serial (no leading zeros) for the host. */
async function statusOf(box: Sandbox): Promise<Map<string, string>> {
  const index = await fs.readFile(box.real(`${CA}/index.txt`), 'utf8');
  const out = new Map<string, string>();
  for (const l of index.split('\n').filter((x) => x.endsWith(`/CN=${HOST}`))) {
    const f = l.split('\t');
    out.set((f[3] ?? '').replace(/^0+/, ''), `${f[0]}${f[2] !== '' ? ` ${f[2]}` : ''}`);
  }
  return out;
}
const serialOf = async (box: Sandbox, file: string): Promise<string> => new X509Certificate(await fs.readFile(box.real(file))).serialNumber.replace(/^0+/, '');

const RERUN = { resume: 'lockstep resume', force: 'renew --force again', timer: 'renew again without --force (the timer: the new one is not due)' } as const;
// The shell test that picks the openssl call to hold, and whether it is held before it runs or after.
const MOMENTS = [
  { moment: 'while openssl ca signs the new certificate', pick: '[ "$1" = ca ] && has -in', when: 'before', rerun: 'force', liveIsOld: true },
  { moment: 'after openssl ca recorded the new certificate, before lockstep wrote it', pick: '[ "$1" = ca ] && has -in', when: 'after', rerun: 'resume', liveIsOld: true },
  { moment: 'after the new certificate was written, before cert install (ca sign verifies it)', pick: '[ "$1" = verify ]', when: 'before', rerun: 'timer', liveIsOld: true },
  { moment: 'while the old one is revoked', pick: '[ "$1" = ca ] && has -revoke', when: 'before', rerun: 'resume', liveIsOld: false },
  { moment: 'while the old one is revoked', pick: '[ "$1" = ca ] && has -revoke', when: 'before', rerun: 'timer', liveIsOld: false },
] as const;

for (const { moment, pick, when, rerun, liveIsOld } of MOMENTS) {
  test(`renew of a private-CA certificate killed ${moment}: live/ stays valid, ${RERUN[rerun]} completes`, async () => {
    await requireBuiltCli();
    const box = await renewReady();
    const bin = `${box.root}.bin`;
    const marker = `${box.root}.held`;
    try {
      const old = await serialOf(box, LIVE);
      await fs.mkdir(bin);
      const real = (await execa('sh', ['-c', 'command -v openssl'])).stdout;
      const hold = `: > '${marker}'; sleep 60`;
      await fs.writeFile(
        path.join(bin, 'openssl'),
        [
          '#!/bin/sh',
          'has() { for a in "$@"; do :; done; for x in $ARGS; do [ "$x" = "$1" ] && return 0; done; return 1; }',
          'ARGS="$*"',
          `if ${pick}; then`,
          when === 'before' ? `  ${hold}` : `  ${real} "$@"; rc=$?; ${hold}; exit $rc`,
          'fi',
          `exec ${real} "$@"`,
          '',
        ].join('\n'),
        { mode: 0o755 },
      );
      const args = ['--root', box.root, 'renew', '--yes', '--force', '--passphrase-file', box.passFile];
      const cli = lockstep(args, { detached: true, env: { CI: 'true', NO_COLOR: '1', PATH: `${bin}:${process.env.PATH ?? ''}` } });
      await waitFor(() => fs.access(marker).then(() => true, () => false), `the held openssl call (${pick})`, 60_000);
      assert.ok(killTree(cli.pid!), 'the run was killed');
      await cli;
      await waitFor(() => runningMembers(cli.pid!).length === 0, `process group ${cli.pid} to be gone`);

      // Right after the kill: what live/ holds is valid in the CA (nginx never serves a revoked one).
      const inUse = await serialOf(box, LIVE);
      assert.equal((await statusOf(box)).get(inUse), 'V', `live/ holds serial ${inUse}, valid: ${JSON.stringify([...(await statusOf(box))])}`);
      if (liveIsOld) assert.equal(inUse, old, 'killed before cert install: the old one is still in use');
      else assert.notEqual(inUse, old, 'killed at the revocation: the new one is installed already');

      const again =
        rerun === 'resume'
          ? await lockstep(['--root', box.root, 'resume', '--yes', '--passphrase-file', box.passFile])
          : await lockstep(rerun === 'force' ? args : args.filter((a) => a !== '--force'));
      assert.equal(again.exitCode, 0, `${again.stdout}\n${again.stderr}`);
      const now = await serialOf(box, LIVE);
      assert.notEqual(now, old, 'renewed');
      const status = await statusOf(box);
      const valid = [...status].filter(([, s]) => s === 'V').map(([serial]) => serial);
      assert.deepEqual(valid, [now], `only the certificate in live/ is valid: ${JSON.stringify([...status])}`);
      assert.match(status.get(old) ?? '', /^R \S+,superseded$/, 'the one it replaced is revoked as superseded');
      const crl = await execa('openssl', ['crl', '-noout', '-text', '-in', box.real(`${CA}/crl/couch_ca.crl`)], { reject: false });
      assert.equal(crl.exitCode, 0, crl.stderr);
      assert.match(crl.stdout, new RegExp(`Serial Number: 0*${old}`, 'i'), 'the CRL lists it');
    } finally {
      await fs.rm(bin, { recursive: true, force: true });
      await fs.rm(marker, { force: true });
      await box.cleanup();
    }
  });
}
