// What the question screen does with a submitted answer. The rules are the engine's
// (parseAnswer, validateAnswer): this module only applies them to what was typed or chosen.
import type { AskContext } from '../../core/prompter.js';
import { parseAnswer, validateAnswer, type AnswerValue, type Question } from '../../core/questions.js';
import { MASK } from '../../core/secrets.js';

export type Decision =
  | { readonly kind: 'answer'; readonly value: AnswerValue }
  | { readonly kind: 'error'; readonly message: string }
  /** A new secret was accepted once; ask for it again to compare. */
  | { readonly kind: 'repeat'; readonly first: string };

export function showValue(value: AnswerValue | undefined): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

/** The answer as the transcript shows it: labels for choices, never a secret. */
export function answerText(q: Question, value: AnswerValue): string {
  switch (q.kind) {
    case 'secret':
      return value === '' ? '(none)' : MASK;
    case 'select':
      return q.choices.find((c) => c.value === value)?.label ?? String(value);
    case 'multiselect': {
      const chosen = value as readonly string[];
      return chosen.length === 0 ? '(none)' : q.choices.filter((c) => chosen.includes(c.value)).map((c) => c.label).join(', ');
    }
    default:
      return showValue(value);
  }
}

/**
 * Several engine messages are fragments meant to follow the name of a flag ("is empty",
 * "needs at least one host name"); on their own under an input they need a subject.
 */
export function readableError(message: string): string {
  return /^(is|are|must|needs|takes|has|contains)\b/.test(message) ? `The answer ${message}.` : message;
}

function checked(q: Question, value: AnswerValue, ctx: AskContext): Decision {
  const error = validateAnswer(q, value, ctx.answers);
  return error === undefined ? { kind: 'answer', value } : { kind: 'error', message: readableError(error) };
}

/** A typed line: empty takes the default, otherwise the kind's parser, then the rules. */
export function decideLine(q: Question, ctx: AskContext, text: string): Decision {
  if (text.trim() === '' && ctx.defaultValue !== undefined) return checked(q, ctx.defaultValue, ctx);
  const parsed = parseAnswer(q, text);
  if ('error' in parsed) return { kind: 'error', message: readableError(parsed.error) };
  return checked(q, parsed.value, ctx);
}

/** A secret: typed twice when the question asks for it; empty is "none" when optional. */
export function decideSecret(q: Question & { kind: 'secret' }, ctx: AskContext, text: string, first: string | undefined): Decision {
  if (first !== undefined) {
    return text === first ? { kind: 'answer', value: first } : { kind: 'error', message: 'The two entries differ; type it again.' };
  }
  if (text === '' && q.optional === true) return { kind: 'answer', value: '' };
  const decision = checked(q, text, ctx);
  return decision.kind === 'answer' && q.repeat === true ? { kind: 'repeat', first: text } : decision;
}

/** y / n / Enter at a yes-or-no question. */
export function decideConfirm(q: Question, ctx: AskContext, input: string, enter: boolean): Decision | undefined {
  const key = input.toLowerCase();
  if (key === 'y') return checked(q, true, ctx);
  if (key === 'n') return checked(q, false, ctx);
  if (!enter) return undefined;
  if (typeof ctx.defaultValue === 'boolean') return checked(q, ctx.defaultValue, ctx);
  return { kind: 'error', message: 'Press y for yes or n for no.' };
}

export function decideChoice(q: Question, ctx: AskContext, value: AnswerValue): Decision {
  return checked(q, value, ctx);
}
