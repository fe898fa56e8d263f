// The sequence runner with test-made steps whose plans make folders under a temporary root: what
// earlier stages settle is not asked again, proposals become defaults, stages the choices leave
// out are skipped as soon as they are known, gates are asked only of a person, a declined plan
// goes on, a failing check stops the rest, and a dry run shows every plan it can.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { PresetAnswers } from '../../src/core/answers.js';
import { UserError } from '../../src/core/errors.js';
import { EventBus, type LockstepEvent } from '../../src/core/events.js';
import type { Prompter } from '../../src/core/prompter.js';
import type { Question } from '../../src/core/questions.js';
import type { Sequence, Stage } from '../../src/core/sequence.js';
import { runSequence } from '../../src/core/sequence-runner.js';
import { SecretStore } from '../../src/core/secrets.js';
import type { Step } from '../../src/core/step.js';
import { System } from '../../src/core/system.js';
import { ONBOARD_HELP, onboardSequence } from '../../src/flows/onboard.js';
import { tempRoot } from '../helpers.js';

/** A step asking `questions`, whose plan makes /made/<id>; its check passes unless `failing`. */
function folderStep(id: string, questions: readonly Question[] = [], options: { failing?: boolean; refuse?: boolean } = {}): Step {
  return {
    id,
    title: `Step ${id}`,
    description: id,
    questions,
    facts: async () => ({}),
    plan: () => {
      if (options.refuse === true) throw new UserError(`${id} refuses`);
      return [{ kind: 'mkdir', title: `make ${id}`, path: `/made/${id}`, mode: 0o755 }];
    },
    verify: async () => [{ name: `${id} checked`, ok: options.failing !== true, evidence: 'test' }],
    summary: () => [],
  };
}

/** A person who answers from a script: questions by id, plans by step title. */
function person(answers: Record<string, unknown>, plans: Record<string, boolean> = {}): Prompter & { asked: string[]; defaults: Record<string, unknown> } {
  const asked: string[] = [];
  const defaults: Record<string, unknown> = {};
  return {
    interactive: true,
    asked,
    defaults,
    ask: async (q, ctx) => {
      asked.push(q.id);
      defaults[q.id] = ctx.defaultValue;
      if (!(q.id in answers)) throw new Error(`unexpected question ${q.id}`);
      return answers[q.id] as never;
    },
    confirmApply: async (title) => plans[title] ?? true,
    onFailure: async () => 'abort',
  };
}

const script: Prompter = { interactive: false, ask: async (q) => Promise.reject(new Error(`asked ${q.id}`)), confirmApply: async () => false, onFailure: async () => 'abort' };

async function run(seq: Sequence, prompter: Prompter, options: { dryRun?: boolean; root: string }) {
  const secrets = new SecretStore();
  const bus = new EventBus(secrets);
  const events: LockstepEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const none = new PresetAnswers(new Map(), {}, {});
  let error: Error | undefined;
  try {
    await runSequence(seq, 'Test sequence', { sys: new System(options.root), bus, secrets, prompter, source: none, dryRun: options.dryRun === true, yes: !prompter.interactive }, { flat: none, section: () => none });
  } catch (e) {
    error = e as Error;
  }
  const done = events.find((e) => e.type === 'sequence-done');
  const stages = done?.type === 'sequence-done' ? Object.fromEntries(done.stages.map((s) => [s.id, s.reason !== undefined ? `${s.status}: ${s.reason}` : s.status])) : {};
  return { events, stages, error };
}

const nameQ: Question = { kind: 'text', id: 'name', message: 'Name' };
const sizeQ: Question = { kind: 'integer', id: 'size', message: 'Size', min: 1, max: 9, default: 1 };

test('given answers are not asked and are named in a note; proposals are asked with the proposal as default', async () => {
  const { root, cleanup } = await tempRoot();
  try {
    const seq: Sequence = {
      answers: 'flat',
      stages: async () => [
        { id: 'first', step: folderStep('first', [nameQ]) },
        { id: 'second', step: folderStep('second', [nameQ, sizeQ]), given: (ctx) => ({ name: ctx.answers.get('first')?.name as string }), proposed: () => ({ size: 7 }) },
      ],
    };
    const p = person({ name: 'alpha', size: 7 });
    const { stages, events, error } = await run(seq, p, { root });
    assert.equal(error, undefined);
    assert.deepEqual(stages, { first: 'done', second: 'done' });
    assert.deepEqual(p.asked, ['name', 'size'], 'the second stage asked only the size');
    assert.equal(p.defaults.size, 7);
    assert.ok(events.some((e) => e.type === 'info' && e.message === 'From the earlier steps: Name: alpha.'));
    await fs.access(path.join(root, 'made/second'));
  } finally {
    await cleanup();
  }
});

test('stages left out by a choice are skipped as soon as it is made; a declined plan changes nothing and the next stage goes on', async () => {
  const { root, cleanup } = await tempRoot();
  try {
    const pick: Question = { kind: 'select', id: 'way', message: 'Which way', choices: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] };
    const chosen = (way: string) => (ctx: Parameters<NonNullable<Stage['chosen']>>[0]) =>
      ctx.status.get('pick') !== 'done' || ctx.answers.get('pick')?.way === way ? true : `you chose ${String(ctx.answers.get('pick')?.way)}`;
    const seq: Sequence = {
      answers: 'flat',
      stages: async () => [
        { id: 'pick', step: folderStep('pick', [pick]) },
        { id: 'way a', step: folderStep('a'), chosen: chosen('a') },
        { id: 'way b', step: folderStep('b'), chosen: chosen('b') },
        { id: 'last', step: folderStep('last') },
      ],
    };
    const { stages, events } = await run(seq, person({ way: 'b' }, { 'Step b': false }), { root });
    assert.deepEqual(stages, { pick: 'done', 'way a': 'skipped: you chose b', 'way b': 'declined: its plan was not confirmed; nothing was changed', last: 'done' });
    const order = events.filter((e) => e.type === 'stage' || e.type === 'step-start').map((e) => (e.type === 'stage' ? `${e.id}:${e.status}` : `start:${e.step}`));
    assert.ok(order.indexOf('way a:skipped') < order.indexOf('start:b'), `"way a" is skipped before "way b" starts: ${order.join(' ')}`);
    await assert.rejects(fs.access(path.join(root, 'made/b')));
    await fs.access(path.join(root, 'made/last'));
  } finally {
    await cleanup();
  }
});

test('a gate is asked only of a person; its no is the stage\'s reason; a failing check stops the stages after it', async () => {
  const { root, cleanup } = await tempRoot();
  try {
    const seq: Sequence = {
      answers: 'flat',
      stages: async () => [
        { id: 'gated', step: folderStep('gated'), gate: { question: { kind: 'confirm', id: 'go', message: 'Go?', default: true }, unattended: 'nobody to ask', declined: 'kept as it was' } },
        { id: 'broken', step: folderStep('broken', [], { failing: true }) },
        { id: 'after', step: folderStep('after') },
      ],
    };
    const unattended = await run(seq, script, { root });
    assert.equal(unattended.stages.gated, 'skipped: nobody to ask');
    assert.equal(unattended.stages.broken, 'failed: its result did not pass verification');
    assert.equal(unattended.stages.after, 'not-run');
    const declined = await run(seq, person({ go: false }), { root });
    assert.equal(declined.stages.gated, 'declined: kept as it was');
    await assert.rejects(fs.access(path.join(root, 'made/gated')));
    await assert.rejects(fs.access(path.join(root, 'made/after')));
  } finally {
    await cleanup();
  }
});

test('a refused plan stops a real run; a dry run shows the plans after it and reports the refusal at the end', async () => {
  const { root, cleanup } = await tempRoot();
  try {
    const seq: Sequence = { answers: 'flat', stages: async () => [{ id: 'no', step: folderStep('no', [], { refuse: true }) }, { id: 'yes', step: folderStep('yes') }] };
    const real = await run(seq, script, { root });
    assert.match(real.error?.message ?? '', /no refuses/);
    assert.equal(real.stages.yes, 'not-run');
    const dry = await run(seq, script, { root, dryRun: true });
    assert.match(dry.error?.message ?? '', /no refuses/);
    assert.equal(dry.stages.yes, 'previewed');
    assert.ok(dry.events.some((e) => e.type === 'plan' && e.step === 'yes'));
    await assert.rejects(fs.access(path.join(root, 'made')), 'nothing was made');
  } finally {
    await cleanup();
  }
});

test('onboard --help names every step an answers file may have a section for', async () => {
  const ids = (await onboardSequence.stages(new System('/'))).slice(1).map((s) => s.id).filter((id) => id !== 'firewall confirm' && id !== 'check'); // the closing checklist asks nothing
  for (const id of ids) assert.ok(ONBOARD_HELP.replace(/\s+/g, ' ').includes(` ${id},`) || ONBOARD_HELP.replace(/\s+/g, ' ').includes(` ${id}.`), `--help lists ${id}`);
});
