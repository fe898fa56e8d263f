// Drives `lockstep --plain …` through its standard input as a person would: wait until a
// prompt's text is on the screen (after the last one answered), then type the answer.
import { execa } from 'execa';
import { BIN, waitFor } from '../helpers.js';

const strip = (s: string): string => s.replace(/\u001B\[[0-9;?]*[A-Za-z]/g, '');

export function drivePlain(args: readonly string[], env: NodeJS.ProcessEnv) {
  // TERM set here: on TERM=dumb (some CI runners) --plain reads line prompts (line-prompter.ts).
  const child = execa('node', [BIN, '--plain', ...args], { reject: false, stdin: 'pipe', all: true, env: { CI: 'true', NO_COLOR: '1', TERM: 'xterm-256color', ...env } });
  let screen = '';
  child.all?.on('data', (d: Buffer) => (screen += d.toString()));
  let at = 0;
  return {
    child,
    /** Everything printed so far, colour stripped. */
    screen: (): string => strip(screen),
    async answer(text: string, keys: string): Promise<void> {
      await waitFor(() => strip(screen).indexOf(text, at) >= 0, `"${text}" on screen`, 15_000);
      at = strip(screen).indexOf(text, at) + text.length;
      child.stdin?.write(keys);
    },
  };
}
