// --plain: one question at a time with @inquirer/prompts, for dumb terminals, serial consoles
// and screen readers. No layout, no redraws beyond the prompt line itself.
import { checkbox, confirm, input, password, select } from '@inquirer/prompts';
import type { FailureChoice } from '../../core/executor.js';
import type { AskContext, Prompter } from '../../core/prompter.js';
import { helpOf, parseAnswer, validateAnswer, type AnswerValue, type Question } from '../../core/questions.js';

const asText = (v: AnswerValue | undefined): string | undefined =>
  v === undefined ? undefined : Array.isArray(v) ? v.join(', ') : String(v);

export class PlainPrompter implements Prompter {
  readonly interactive = true;

  constructor(private readonly io: { input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream } = {}) {}

  private get context() {
    return { input: this.io.input ?? process.stdin, output: this.io.output ?? process.stdout, clearPromptOnDone: false };
  }

  async ask(q: Question, ctx: AskContext): Promise<AnswerValue> {
    const message = q.message;
    const help = helpOf(q, ctx.answers);
    if (ctx.error !== undefined) this.say(`  Not taken: ${ctx.error}`);
    // The help goes with its question (under it while it is asked), not above it, where it
    // read as a comment on the answer before; a rejected answer is cleared, not kept to append to.
    const lined = q.kind !== 'select' && q.kind !== 'multiselect';
    const theme = {
      validationFailureMode: 'clear' as const,
      style: { message: (text: string, status: string) => (status === 'done' || help === undefined ? text : `${text}\n  ${help}${lined ? '\n ›' : ''}`) },
    };
    const check = (value: AnswerValue): string | true => validateAnswer(q, value, ctx.answers) ?? true;
    switch (q.kind) {
      case 'confirm':
        return confirm({ message, theme, default: (ctx.defaultValue as boolean | undefined) ?? false }, this.context);
      case 'select':
        return select(
          {
            message,
            theme,
            choices: q.choices.map((c) => ({ value: c.value, name: c.label, ...(c.hint ? { description: c.hint } : {}) })),
            ...(ctx.defaultValue !== undefined ? { default: ctx.defaultValue } : {}),
          },
          this.context,
        );
      case 'multiselect': {
        const chosen = new Set((ctx.defaultValue as readonly string[] | undefined) ?? []);
        return checkbox(
          { message, theme, choices: q.choices.map((c) => ({ value: c.value, name: c.label, checked: chosen.has(c.value) })), validate: (v) => check(v.map((x) => x.value)) },
          this.context,
        );
      }
      case 'secret': {
        for (;;) {
          const first = await password({ message, theme, mask: '*', validate: (v) => (v === '' && q.optional ? true : check(v)) }, this.context);
          if (!q.repeat || first === '') return first;
          const again = await password({ message: 'The same again, to be sure', mask: '*' }, this.context);
          if (again === first) return first;
          this.say('The two entries differ; please type it again.');
        }
      }
      default: {
        const text = await input(
          {
            message,
            theme,
            ...(ctx.defaultValue !== undefined ? { default: asText(ctx.defaultValue) } : {}),
            validate: (v) => {
              const parsed = parseAnswer(q, v);
              return 'error' in parsed ? parsed.error : check(parsed.value);
            },
          },
          this.context,
        );
        const parsed = parseAnswer(q, text);
        if ('error' in parsed) throw new Error(parsed.error); // validate above already refused it
        return parsed.value;
      }
    }
  }

  async confirmApply(stepTitle: string): Promise<boolean> {
    return confirm({ message: `Apply this plan (${stepTitle})?`, default: false }, this.context);
  }

  async onFailure(_index: number, error: Error): Promise<FailureChoice> {
    return select<FailureChoice>(
      {
        message: `That action failed (${error.message.split('\n')[0]}). What now?`,
        choices: [
          { value: 'retry', name: 'Retry it' },
          { value: 'skip', name: 'Skip it and go on' },
          { value: 'abort', name: 'Abort (what is done stays done; the journal lists it)' },
        ],
      },
      this.context,
    );
  }

  private say(line: string): void {
    (this.io.output ?? process.stdout).write(`${line}\n`);
  }
}
