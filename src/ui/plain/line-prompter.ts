// --plain on a dumb terminal (TERM=dumb: serial consoles, screen readers, Emacs shells): line
// prompts only. Each question is printed once with its help and how to answer, then read as one
// line; not one cursor-control code is written, ever. A rejected answer is said, and the
// question is read again on a fresh line (nothing of the rejected one stays to be appended to).
import type { FailureChoice } from '../../core/executor.js';
import type { AskContext, Prompter } from '../../core/prompter.js';
import { helpOf, parseAnswer, validateAnswer, type AnswerValue, type Choice, type Question } from '../../core/questions.js';

type Input = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (on: boolean) => unknown; ref?: () => unknown; unref?: () => unknown };

/** Why a prompt ended without an answer; the CLI says "Stopped at a question: nothing was changed." */
class AbortPromptError extends Error {
  constructor(why: string) {
    super(why);
    this.name = 'AbortPromptError';
  }
}

const show = (v: AnswerValue | undefined): string => (v === undefined ? '' : Array.isArray(v) ? v.join(', ') : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v));

/** "Enter keeps X." / "Enter leaves it empty." / nothing, for a default. */
function keeps(d: AnswerValue | undefined): string {
  if (d === undefined) return '';
  return show(d) === '' ? ' Enter leaves it empty.' : ` Enter keeps ${show(d)}.`;
}

export class LinePrompter implements Prompter {
  readonly interactive = true;
  private buffer = '';

  constructor(private readonly io: { input?: Input; output?: NodeJS.WritableStream } = {}) {}

  private get input(): Input {
    return this.io.input ?? (process.stdin as Input);
  }

  private say(...lines: string[]): void {
    (this.io.output ?? process.stdout).write(lines.map((l) => `${l}\n`).join(''));
  }

  private write(text: string): void {
    (this.io.output ?? process.stdout).write(text);
  }

  /** One line of input (its end: CR, LF or both); `hidden` reads it without echo on a terminal. */
  private readLine(hidden = false): Promise<string> {
    const input = this.input;
    const raw = hidden && input.isTTY === true && typeof input.setRawMode === 'function';
    return new Promise<string>((resolve, reject) => {
      const finish = (settle: () => void): void => {
        input.off('data', onData);
        input.off('end', onEnd);
        process.off('SIGINT', onSigint);
        if (raw) input.setRawMode!(false);
        input.pause();
        // Between questions the input must not keep lockstep running once the run is over.
        input.unref?.();
        settle();
      };
      const take = (): boolean => {
        const m = /\r\n|\r|\n/.exec(this.buffer);
        if (m === null) return false;
        const line = this.buffer.slice(0, m.index);
        this.buffer = this.buffer.slice(m.index + m[0].length);
        finish(() => resolve(line));
        return true;
      };
      const onData = (chunk: Buffer | string): void => {
        for (const ch of chunk.toString()) {
          if (raw && ch === '\u0003') return finish(() => reject(new AbortPromptError('Ctrl+C at a question')));
          if (raw && (ch === '\u007F' || ch === '\b')) this.buffer = this.buffer.slice(0, -1);
          else if (raw && ch === '\u0015') this.buffer = '';
          else this.buffer += ch;
        }
        if (raw && /[\r\n]/.test(this.buffer)) this.write('\n');
        take();
      };
      const onEnd = (): void => finish(() => reject(new AbortPromptError('the input ended')));
      const onSigint = (): void => finish(() => reject(new AbortPromptError('Ctrl+C at a question')));
      if (take()) return;
      if (raw) input.setRawMode!(true);
      input.on('data', onData);
      input.once('end', onEnd);
      process.once('SIGINT', onSigint);
      input.ref?.();
      input.resume();
    });
  }

  /** Prints the question once, then reads lines until `decide` accepts one. */
  private async loop<T>(head: readonly string[], decide: (line: string) => { value: T } | { error: string }, hidden = false): Promise<T> {
    this.say(...head);
    for (;;) {
      this.write('> ');
      const line = await this.readLine(hidden);
      // Typed into a pipe, nothing echoed the line's end: the transcript still reads line by line.
      if (this.input.isTTY !== true) this.write('\n');
      const d = decide(line.trim());
      if ('value' in d) return d.value;
      this.say(`  Not taken: ${d.error}. Type it again.`);
    }
  }

  private heading(q: Question, ctx: AskContext, how: string): string[] {
    const help = helpOf(q, ctx.answers);
    return ['', `? ${q.message}`, ...(help !== undefined ? [`  ${help}`] : []), ...(ctx.error !== undefined ? [`  Not taken: ${ctx.error}`] : []), `  ${how}`];
  }

  async ask(q: Question, ctx: AskContext): Promise<AnswerValue> {
    const check = (value: AnswerValue): { value: AnswerValue } | { error: string } => {
      const error = validateAnswer(q, value, ctx.answers);
      return error === undefined ? { value } : { error };
    };
    switch (q.kind) {
      case 'confirm': {
        const d: boolean = (ctx.defaultValue as boolean | undefined) ?? false;
        return this.loop<boolean>(this.heading(q, ctx, `y or n.${keeps(d)}`), (l) =>
          l === '' ? { value: d } : /^y(es)?$/i.test(l) ? { value: true } : /^no?$/i.test(l) ? { value: false } : { error: `"${l}" is neither y nor n` },
        );
      }
      case 'select':
        return this.loop([...this.heading(q, ctx, this.choiceHow(q.choices, ctx.defaultValue, false)), ...this.choiceLines(q.choices)], (l) => {
          if (l === '' && typeof ctx.defaultValue === 'string') return { value: ctx.defaultValue };
          const c = this.pick(q.choices, l);
          return c === undefined ? { error: `"${l}" is not one of the numbers 1 to ${q.choices.length}` } : check(c.value);
        });
      case 'multiselect':
        return this.loop([...this.heading(q, ctx, this.choiceHow(q.choices, ctx.defaultValue, true)), ...this.choiceLines(q.choices)], (l) => {
          if (l === '' && Array.isArray(ctx.defaultValue)) return check(ctx.defaultValue);
          if (/^none$/i.test(l)) return check([]);
          const picked: string[] = [];
          for (const part of l.split(/[\s,]+/).filter((x) => x !== '')) {
            const c = this.pick(q.choices, part);
            if (c === undefined) return { error: `"${part}" is not one of the numbers 1 to ${q.choices.length}` };
            if (!picked.includes(c.value)) picked.push(c.value);
          }
          return check(picked);
        });
      case 'secret': {
        const how = `What you type is not shown.${q.optional === true ? ' Enter alone for none.' : ''}`;
        for (;;) {
          const first = await this.loop(this.heading(q, ctx, how), (l) => (l === '' && q.optional === true ? { value: '' } : check(l)) as { value: string } | { error: string }, true);
          if (q.repeat !== true || first === '') return first;
          const again = await this.loop(['  The same again, to rule out a typing mistake.'], (l) => ({ value: l }), true);
          if (again === first) return first;
          this.say('  The two entries differ; please type it again.');
        }
      }
      default: {
        const d = ctx.defaultValue;
        return this.loop(this.heading(q, ctx, `${this.lineHow(q)}${keeps(d)}`.trim()), (l) => {
          if (l === '' && d !== undefined) return { value: d };
          const parsed = parseAnswer(q, l);
          return 'error' in parsed ? { error: parsed.error } : check(parsed.value);
        });
      }
    }
  }

  private lineHow(q: Question): string {
    switch (q.kind) {
      case 'path':
        return 'A full path, starting with /.';
      case 'hostname':
        return q.multiple === true ? 'One or more DNS names, separated by commas.' : 'A DNS name, like www.example.org.';
      case 'cidrs':
        return 'Addresses or ranges like 192.0.2.0/24, separated by commas.';
      case 'integer':
        return `A whole number from ${q.min} to ${q.max}${q.unit !== undefined ? ` ${q.unit}` : ''}.`;
      default:
        return '';
    }
  }

  private choiceLines(choices: readonly Choice[]): string[] {
    return choices.map((c, i) => `  ${i + 1}) ${c.label}${c.hint !== undefined ? ` — ${c.hint}` : ''}`);
  }

  private choiceHow(choices: readonly Choice[], d: AnswerValue | undefined, many: boolean): string {
    const number = (v: string): string => `${choices.findIndex((c) => c.value === v) + 1}`;
    const kept = many
      ? Array.isArray(d) ? ` Enter keeps ${d.length === 0 ? 'none' : d.map(number).join(',')}.` : ''
      : typeof d === 'string' ? ` Enter keeps ${number(d)} (${choices.find((c) => c.value === d)?.label ?? d}).` : '';
    return many ? `The numbers of those you want, separated by commas (none for none).${kept}` : `The number of your choice.${kept}`;
  }

  private pick(choices: readonly Choice[], text: string): Choice | undefined {
    const n = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
    if (Number.isInteger(n)) return choices[n - 1];
    return choices.find((c) => c.value.toLowerCase() === text.toLowerCase() || c.label.toLowerCase() === text.toLowerCase());
  }

  async confirmApply(stepTitle: string): Promise<boolean> {
    return this.ask({ kind: 'confirm', id: 'apply', message: `Apply this plan (${stepTitle})?` }, { answers: {}, defaultValue: false }) as Promise<boolean>;
  }

  async onFailure(_index: number, error: Error): Promise<FailureChoice> {
    const choices: Choice[] = [
      { value: 'retry', label: 'Retry it' },
      { value: 'skip', label: 'Skip it and go on' },
      { value: 'abort', label: 'Abort (what is done stays done; the journal lists it)' },
    ];
    const q: Question = { kind: 'select', id: 'failure', message: `That action failed (${error.message.split('\n')[0]}). What now?`, choices };
    return (await this.ask(q, { answers: {}, defaultValue: 'abort' })) as FailureChoice;
  }
}
