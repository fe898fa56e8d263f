// Previews that read well: a file's content shown once, then named ("the same N lines as 3.
// above"); a wrapped diff line keeps its +/- marker on every piece (the TUI, and --plain on a
// terminal); a long plan lists one line per action first. Through the front ends: the real ca
// sign plan as text, and the TUI's plan rendered by Ink.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { render } from 'ink-testing-library';
import { createElement } from 'react';
import type { ActionPreview } from '../../src/core/describe.js';
import { PlanPreview } from '../../src/ui/ink/PlanPreview.js';
import { previewLines, thousands, wrapDiffLine } from '../../src/ui/text/format.js';
import { lockstep, REPO, tempRoot } from '../helpers.js';
import { strip } from './harness.js';

test('ca sign for two hosts: the root certificate for clients is shown once, the second time named; the long plan is listed one line per action first', async () => {
  const { root, cleanup } = await tempRoot('lockstep-preview-');
  const pass = `${root}.pass`;
  try {
    await fs.mkdir(path.join(root, 'etc/ssl'), { recursive: true });
    await fs.copyFile(path.join(REPO, 'fixtures/openssl-cnf/debian-12.cnf'), path.join(root, 'etc/ssl/openssl.cnf'));
    await fs.writeFile(pass, 'correct horse battery staple\n', { mode: 0o600 });
    const init = await lockstep(['--root', root, '--yes', 'ca', 'init', '--passphrase-file', pass, '--country', 'US', '--org', 'Quoin, Inc.', '--key-type', 'ec-p384']);
    assert.equal(init.exitCode, 0, init.stderr);
    const run = await lockstep(['--root', root, '--dry-run', 'ca', 'sign', '--passphrase-file', pass, '--host', 'a.internal.example', '--host', 'b.internal.example']);
    assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
    const out = run.stdout;
    const rootLines = (await fs.readFile(path.join(root, 'etc/pki/CA/certs/couch_ca.cert'), 'utf8')).trimEnd().split('\n').length;
    assert.equal(out.split('-----BEGIN CERTIFICATE-----').length - 1, 1, `the root certificate's PEM is shown once:\n${out}`);
    const first = /^ {2}(\d+)\. a\.internal\.example: root certificate for clients$/m.exec(out.slice(out.indexOf('Each action in full:')));
    assert.ok(first !== null, out);
    assert.match(out, new RegExp(`b\\.internal\\.example: root certificate for clients\\n.*\\n +content: the same ${rootLines} lines as ${first[1]}\\. above`));
    // A long plan (12 actions, 13 under --root with its lockstep-root.cnf): the outline first, one line each, then each in full.
    const count = Number(/The plan \((\d+) actions/.exec(out)?.[1]);
    assert.ok(count >= 12, out);
    const outline = out.slice(out.indexOf(`The plan (${count} actions`), out.indexOf('Each action in full:'));
    assert.equal(outline.split('\n').filter((l) => /^ {2}\d+\. /.test(l)).length, count, outline);
    assert.doesNotMatch(outline, /\$ openssl/, 'the outline has no commands');
  } finally {
    await fs.rm(pass, { force: true });
    await cleanup();
  }
});

const longRule = `+\t\tip saddr { 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 10.0.0.0/8, 172.16.0.0/12 } tcp dport 22 ct state new accept comment "ssh from the ranges given"`;
const plan: ActionPreview[] = [
  { index: 0, kind: 'write', title: 'Write the ruleset', details: ['new file, mode 0644'], diff: ['--- /dev/null', '+++ /etc/nftables.conf', '@@ -0,0 +1,2 @@', '+table inet lockstep {', longRule].join('\n') },
];

test('a diff line too long for the screen is cut with its + on every piece: TUI and text alike', () => {
  const pieces = wrapDiffLine(longRule, 60);
  assert.ok(pieces.length >= 3);
  assert.ok(pieces.every((p) => p.startsWith('+') && p.length <= 60), pieces.join('\n'));
  assert.equal(pieces.map((p) => p.slice(1)).join(''), wrapDiffLine(longRule, undefined)[0]!.slice(1), 'nothing lost, tabs expanded');

  const text = previewLines(plan, undefined, 70);
  const added = text.filter((l) => l.startsWith('     +') && !l.startsWith('     +++'));
  assert.ok(added.length >= 3 && added.every((l) => l.length <= 70), text.join('\n'));

  // ink-testing-library's screen is 100 columns.
  const { lastFrame, unmount } = render(createElement(PlanPreview, { actions: plan }));
  const frame = strip(lastFrame() ?? '');
  unmount();
  const rule = frame.split('\n').filter((l) => l.includes('ip saddr') || /^ {3}\+ /.test(l) || /^ {3}\+[^+t]/.test(l));
  assert.ok(rule.length >= 2, frame);
  assert.ok(rule.every((l) => /^ {3}\+/.test(l)), `every piece of the wrapped rule starts with +:\n${frame}`);
});

test('the line count of a running action reads as en-US would write it, without loading ICU', () => {
  for (const n of [0, 1, 12, 999, 1000, 12_345, 999_999, 1_000_000, 1_234_567_890, -4_321]) {
    assert.equal(thousands(n), n.toLocaleString('en-US'), String(n));
  }
});
