// The firewall. and ports. checks against the real nft in a network namespace this test makes
// (never the host's): nothing loaded fails; what `lockstep firewall` just applied passes (the
// step's own verification, loadedPolicyChecks, among them); a rule added by hand that opens 9000
// to anyone fails, and the listener behind it is named.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkDocumentSchema, type CheckDocument } from '../../src/core/checks.js';
import { BIN, tempRoot } from '../helpers.js';
import { CLIENT4, CLIENT6, listen, makeNetnsPair, SRV4, whyNoNetns, type NetnsPair } from '../lockdown/netns.js';
import { byId } from './roots.js';

const skip = await whyNoNetns();

describe('lockstep check: firewall and ports in a network namespace', { skip: skip ?? false }, () => {
  let pair: NetnsPair;
  let listener: { stop: () => Promise<void> } | undefined;
  let sandbox: { root: string; cleanup: () => Promise<void> };
  before(async () => {
    pair = await makeNetnsPair('ck');
    listener = await listen(pair.srv, [22, 80, 443, 9000]);
    sandbox = await tempRoot('lockstep-check-fw-');
  });
  after(async () => {
    await listener?.stop();
    await pair?.cleanup();
    await sandbox?.cleanup();
  });

  const check = async (): Promise<{ doc: CheckDocument; code: number | undefined }> => {
    const r = await pair.exec(pair.srv, ['node', BIN, '--root', sandbox.root, 'check', '--json', '--only', 'firewall,ports']);
    return { doc: checkDocumentSchema.parse(JSON.parse(String(r.stdout))), code: r.exitCode };
  };

  test('no firewall → fail; lockstep firewall applied → every firewall check passes; a hand-made rule opening 9000 → fail naming it', async () => {
    const bare = await check();
    assert.equal(bare.code, 1);
    assert.equal(byId(bare.doc, 'firewall.active').status, 'fail');
    assert.match(byId(bare.doc, 'firewall.active').evidence, /live: the running system, not under --root/);
    assert.equal(byId(bare.doc, 'ports.listening').status, 'warn');
    assert.match(byId(bare.doc, 'ports.listening').evidence, /:9000 \(node\)/);

    const fw = await pair.exec(pair.srv, ['node', BIN, '--root', sandbox.root, 'firewall', '--ssh-from', `${CLIENT4.admin}/32`, '--ssh-from', `${CLIENT6.admin}/128`, '--replication-peers', CLIENT4.peer, '--confirm-timeout', '0', '--yes'], { SSH_CONNECTION: `${CLIENT4.admin} 50022 ${SRV4} 22` });
    assert.equal(fw.exitCode, 0, `${String(fw.stdout)}\n${String(fw.stderr)}`);
    const { doc, code } = await check();
    for (const id of ['firewall.active', 'firewall.default-deny', 'firewall.parity', 'firewall.open-to-all', 'firewall.ssh-range', 'firewall.replication', 'firewall.lockstep', 'ports.listening', 'ports.docker']) {
      assert.equal(byId(doc, id).status, 'pass', `${id}: ${byId(doc, id).evidence}`);
    }
    // 6984 only for an IPv4 peer: closed to IPv6, which is the same policy.
    assert.match(byId(doc, 'firewall.parity').evidence, /6984:10\.203\.1\.4/);
    assert.equal(code, 0);
    assert.match(byId(doc, 'firewall.ssh-range').evidence, new RegExp(`IPv4 ${CLIENT4.admin.replace(/\./g, '\\.')}; IPv6 ${CLIENT6.admin} `));

    const add = await pair.exec(pair.srv, ['nft', 'add', 'rule', 'inet', 'lockstep', 'input', 'tcp', 'dport', '9000', 'accept']);
    assert.equal(add.exitCode, 0, String(add.stderr));
    const opened = await check();
    assert.equal(byId(opened.doc, 'firewall.open-to-all').status, 'fail');
    assert.match(byId(opened.doc, 'firewall.open-to-all').evidence, /IPv4 80, 443, 9000; IPv6 80, 443, 9000/);
    assert.equal(byId(opened.doc, 'ports.listening').status, 'warn');
    // Opened for IPv4 only: the parity check names the port.
    const v4only = await pair.exec(pair.srv, ['nft', 'add', 'rule', 'inet', 'lockstep', 'input', 'ip', 'daddr', SRV4, 'tcp', 'dport', '8080', 'accept']);
    assert.equal(v4only.exitCode, 0, String(v4only.stderr));
    const uneven = await check();
    assert.equal(byId(uneven.doc, 'firewall.parity').status, 'fail');
    assert.match(byId(uneven.doc, 'firewall.parity').evidence, /open to anyone in one family only: 8080/);
    assert.match(byId(opened.doc, 'ports.listening').evidence, /9000/);
    process.stderr.write(`firewall applied: ${JSON.stringify(doc.summary)}; opened 9000: ${JSON.stringify(opened.doc.summary)}\n`);
  });
});
