// A real terminal for the built CLI's Ink TUI: tmux gives it a TTY of 120x40; keys go in with
// send-keys (one special key per call: tmux delivers the keys of one call as one input) and the
// screen comes back with capture-pane, as a person at the keyboard would see it.
import { execa, execaSync } from 'execa';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { shellQuote } from '../../src/core/describe.js';
import { loadFlows } from '../../src/flows/index.js';
import { BIN, REPO } from '../helpers.js';

const FLOWS = await loadFlows();

export const tmuxMissing = ((): string | false => {
  try {
    execaSync('tmux', ['-V']);
    return false;
  } catch {
    return 'tmux is not installed';
  }
})();

const notBuilt = !existsSync(path.join(REPO, 'dist', 'cli.js'));

/**
 * A tmux server and session of the test's own (its own socket), running `lockstep ARGS`;
 * `wrap` goes before it (`ip netns exec NS` runs the whole terminal in a test namespace).
 */
export async function startInTmux(args: readonly string[], env: Readonly<Record<string, string>> = {}, wrap: readonly string[] = [], program: readonly string[] = ['node', BIN]) {
  assert.ok(program[1] !== BIN || !notBuilt, 'the built CLI is missing: run "npm run build" first');
  const id = `lockstep-e2e-${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmux = (...a: string[]) => execa('tmux', ['-L', id, ...a]);
  // CI must be unset, not empty: Ink (is-in-ci) takes CI= as "in CI" and then draws nothing.
  const envArgs = Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`);
  const command = [...wrap.map(shellQuote), 'env', '-u', 'CI', '-u', 'NO_COLOR', ...envArgs, ...[...program, ...args].map(shellQuote)];
  await tmux('new-session', '-d', '-s', id, '-x', '120', '-y', '40', `${command.join(' ')}; echo lockstep-exit=$?; sleep 600`);
  const socket = (await tmux('display-message', '-p', '#{socket_path}')).stdout.trim();
  const screen = async (colours = false): Promise<string> =>
    (await tmux('capture-pane', '-p', ...(colours ? ['-e'] : []), '-t', id)).stdout;
  return {
    /** The tmux server's socket name (tmux -L ID) and session name. */
    id,
    screen,
    /** Everything the terminal showed, the scrollback included (what went by above the last screen). */
    history: async (): Promise<string> => (await tmux('capture-pane', '-p', '-S', '-', '-t', id)).stdout,
    /** Polls the visible screen until it shows `text`. */
    async waitFor(text: string, timeoutMs = 20_000): Promise<string> {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const s = await screen();
        if (s.includes(text)) return s;
        if (Date.now() > until) throw new Error(`timed out waiting for "${text}"; the screen shows:\n${s}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    /** One key by its tmux name (Enter, Down, C-c, ...). */
    key: (name: string) => tmux('send-keys', '-t', id, name),
    /** Moves the home menu's focus to a flow: Down as many times as flows come before it. */
    async focus(stepId: string): Promise<void> {
      const at = FLOWS.findIndex((f) => f.step.id === stepId);
      assert.ok(at >= 0, `no flow ${stepId}`);
      for (let i = 0; i < at; i++) await tmux('send-keys', '-t', id, 'Down');
    },
    /** From now on, every byte the program writes to its terminal is appended to `file` (raw, escape codes and all). */
    record: (file: string) => tmux('pipe-pane', '-t', id, '-o', `cat >> ${shellQuote(file)}`),
    /** Text, typed literally. */
    type: (text: string) => tmux('send-keys', '-t', id, '-l', text),
    /** Ends the server (and the program in it) and removes its socket, which tmux leaves behind. */
    async kill(): Promise<void> {
      await tmux('kill-server').catch(() => undefined);
      if (socket.endsWith(id)) await fs.rm(socket, { force: true });
    },
  };
}

