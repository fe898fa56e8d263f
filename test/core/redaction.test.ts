// The pieces that keep a secret in: the store's redaction, the event bus and the journal that go
// through it, and runCommand handing the secret over on a file descriptor only.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { EventBus, type LockstepEvent } from '../../src/core/events.js';
import { Journal } from '../../src/core/journal.js';
import { OutputChunk } from '../../src/core/output-chunk.js';
import { runCommand } from '../../src/core/run-command.js';
import { MASK, SecretStore } from '../../src/core/secrets.js';
import { System } from '../../src/core/system.js';
import { tempRoot } from '../helpers.js';

const SECRET = 'hunter2-but-longer';

test('redact and redactDeep mask every occurrence, in nested values, without touching the original', () => {
  const store = new SecretStore();
  const plain = { a: `x ${SECRET} y ${SECRET}` };
  assert.equal(store.redactDeep(plain), plain, 'nothing to hide yet: same object');
  store.set('keyPassphrase', SECRET);
  assert.equal(store.redact(`pass ${SECRET}!`), `pass ${MASK}!`);
  const deep = { list: [SECRET, { inner: `-pass pass:${SECRET}` }], n: 3, ok: true, none: null };
  assert.deepEqual(store.redactDeep(deep), { list: [MASK, { inner: `-pass pass:${MASK}` }], n: 3, ok: true, none: null });
  assert.equal(deep.list[0], SECRET, 'the original is not modified');
  assert.throws(() => store.get('other'), /Secret "other" was not provided/);
});

test('events and journal records are redacted before they leave', async () => {
  const { root, cleanup } = await tempRoot();
  try {
    const secrets = new SecretStore();
    secrets.set('keyPassphrase', SECRET);
    const bus = new EventBus(secrets);
    const seen: LockstepEvent[] = [];
    bus.subscribe((e) => seen.push(e));
    bus.emit({ type: 'output', index: 1, stream: 'stderr', text: `bad decrypt with ${SECRET}`, lines: 1 });
    assert.equal(seen[0]?.type === 'output' && seen[0].text, `bad decrypt with ${MASK}`);

    const sys = new System(root);
    const journal = await Journal.open(sys, secrets, 'run-1');
    await journal.write({ t: 'action', index: 0, status: 'failed', title: 't', message: `exit 1: ${SECRET}` });
    journal.log(`[0] stderr: ${SECRET}`);
    const chunk = `one\nthe key is ${SECRET}\nthree`;
    journal.logOutput('[1] stdout:', OutputChunk.of(chunk));
    await journal.close();
    const text = await fs.readFile(path.join(root, 'var/log/lockstep/journal.jsonl'), 'utf8');
    const log = await fs.readFile(journal.logFile, 'utf8');
    assert.ok(!text.includes(SECRET) && text.includes(MASK));
    assert.ok(!log.includes(SECRET) && log.includes(MASK));
    assert.match(log, new RegExp(`\\[1\\] stdout:\\none\\nthe key is ${MASK.replace(/\*/g, '\\*')}\\nthree\\n`), 'output chunks are redacted too');
  } finally {
    await cleanup();
  }
});

test('runCommand: the secret arrives on its fd; argv and environment of the child do not hold it', async () => {
  const saved = process.env.LOCKSTEP_KEY_PASSPHRASE;
  process.env.LOCKSTEP_KEY_PASSPHRASE = SECRET;
  try {
    const lines: string[] = [];
    await runCommand(
      {
        argv: ['sh', '-c', 'read -r s <&3; [ "$s" = "$1" ] && echo fd-ok; env; echo "argv: $0 $*"', 'sh', 'expected-on-fd'],
        secretFds: new Map([[3, 'expected-on-fd']]),
      },
      (_stream, { text }) => void lines.push(...text.split('\n')),
    );
    assert.ok(lines.includes('fd-ok'), lines.join('\n'));
    assert.ok(lines.includes('LC_ALL=C'));
    assert.ok(!lines.some((l) => l.includes(SECRET) || l.startsWith('LOCKSTEP_')), 'the child inherited a LOCKSTEP_ variable');
    assert.ok(lines.some((l) => l.startsWith('PATH=')), 'the rest of the environment is inherited');
  } finally {
    if (saved === undefined) delete process.env.LOCKSTEP_KEY_PASSPHRASE;
    else process.env.LOCKSTEP_KEY_PASSPHRASE = saved;
  }
});

test('runCommand: a failing command reports its argv, exit code and the tail of stderr', async () => {
  await assert.rejects(
    runCommand({ argv: ['sh', '-c', 'echo one >&2; echo two >&2; exit 7'] }, () => undefined),
    (e: unknown) => e instanceof Error && e.name === 'CommandFailedError' && /sh exited with code 7: two/.test(e.message),
  );
  await assert.rejects(runCommand({ argv: ['lockstep-no-such-command'] }, () => undefined), /was not found: is it installed and on PATH/);
});
