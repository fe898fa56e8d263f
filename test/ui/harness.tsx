// Shared by the TUI tests: the real App on a real Session under a temporary root, driven
// through ink-testing-library's stdin, read back with colour stripped.
import { cleanup, render } from 'ink-testing-library';
import { afterEach } from 'node:test';
import { tempRoot } from '../helpers.js';
import type { Action } from '../../src/core/actions.js';
import { PresetAnswers, type FlagValue } from '../../src/core/answers.js';
import type { Check } from '../../src/core/events.js';
import type { Question } from '../../src/core/questions.js';
import type { Step } from '../../src/core/step.js';
import { loadFlows, stepIn, type Flow } from '../../src/flows/index.js';
import { Session } from '../../src/core/session.js';
import { App } from '../../src/ui/ink/run-tui.js';

const stepById = stepIn(await loadFlows());

export const KEY = {
  up: '\u001B[A',
  down: '\u001B[B',
  enter: '\r',
  space: ' ',
  backspace: '\u007F',
  ctrlC: '\u0003',
  ctrlU: '\u0015',
} as const;

export const strip = (s: string): string => s.replace(/\u001B\[[0-9;?]*[A-Za-z]/g, '');

/** Polls the last frame (colour stripped) until it contains `text`; no fixed sleeps. */
export async function waitForContent(lastFrame: () => string | undefined, text: string | RegExp, timeoutMs = 15_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    // Always yield first: Ink attaches its input listener in an effect after the first frame.
    await new Promise((r) => setTimeout(r, 15));
    const frame = strip(lastFrame() ?? '');
    if (typeof text === 'string' ? frame.includes(text) : text.test(frame)) return frame;
    if (Date.now() > until) throw new Error(`timed out waiting for ${String(text)} in the frame:\n${frame}`);
  }
}

/** A Flow around a test-only Step: fixed questions and plan, no checks unless given. */
export function testFlow(
  id: string,
  plan: readonly Action[],
  options: { questions?: readonly Question[]; checks?: readonly Check[]; summary?: readonly string[] } = {},
): Flow {
  const title = `Test: ${id}`;
  const step: Step = {
    id,
    title,
    description: `A test-only step (${id}).`,
    questions: options.questions ?? [],
    facts: async () => ({}),
    plan: () => plan,
    verify: async () => options.checks ?? [],
    summary: () => options.summary ?? [`${id} finished`],
  };
  return { command: id, title, description: step.description, step };
}

export function startApp(options: {
  root: string;
  flows: readonly Flow[];
  start?: Flow;
  resume?: string | true;
  flags?: ReadonlyMap<string, FlagValue>;
  dryRun?: boolean;
}) {
  const source = new PresetAnswers(options.flags ?? new Map(), {}, {});
  const session = new Session({ root: options.root, source, dryRun: options.dryRun === true, yes: false, stepById });
  let resolveExit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));
  const ui = render(
    <App
      session={session}
      flows={options.flows}
      color={false}
      onExit={resolveExit}
      {...(options.start ? { start: options.start } : {})}
      {...(options.resume ? { resume: options.resume } : {})}
    />,
  );
  return {
    ...ui,
    session,
    exited,
    frame: (): string => strip(ui.lastFrame() ?? ''),
    waitFor: (text: string | RegExp) => waitForContent(ui.lastFrame, text),
    /** Each key as its own write, as a person types them. */
    press: (...keys: string[]): void => {
      for (const k of keys) ui.stdin.write(k);
    },
  };
}

/** Moves the home menu's focus down to the flow titled `title` (the menu grows as lockstep does). */
export async function focusOn(app: ReturnType<typeof startApp>, flows: readonly Flow[], title: string): Promise<void> {
  await app.waitFor('lockstep: what would you like to do?');
  const at = flows.findIndex((f) => f.title === title);
  if (at < 0) throw new Error(`no flow "${title}"`);
  for (let i = 0; i < at; i++) app.press(KEY.down);
  await app.waitFor(`❯ ${title}`);
}

export { cleanup };

/** Fresh temporary roots for a test file's tests; after each test the app is unmounted and they are removed. */
export function tempRootsPerTest(): () => Promise<string> {
  const roots: Array<() => Promise<void>> = [];
  afterEach(async () => {
    cleanup();
    for (const c of roots.splice(0)) await c();
  });
  return async () => {
    const t = await tempRoot('lockstep-ui-');
    roots.push(t.cleanup);
    return t.root;
  };
}

/** "Internal site, no vendor": answers the certificate choice's questions; returns the frame at the way to choose. */
export async function answerInternalSite(app: ReturnType<typeof startApp>): Promise<string> {
  await app.waitFor('Does the site have a public DNS name');
  app.press('n');
  await app.waitFor('require a certificate from a commercial CA?');
  app.press('n');
  return app.waitFor('How will you get the certificate?');
}

/** The self-signed step for one host, every other answer its default, the plan applied. */
export async function makeSelfSigned(app: ReturnType<typeof startApp>, host: string): Promise<void> {
  await app.waitFor('Host names the certificate is for');
  app.press(...host, KEY.enter);
  for (const q of ['Key type', 'Valid for how many days', 'Folder for privkey.pem', 'Passphrase for the private key']) {
    await app.waitFor(q);
    app.press(KEY.enter);
  }
  await app.waitFor('Apply this plan?');
  app.press('y');
}
