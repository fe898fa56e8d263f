// Several steps in a row (`lockstep onboard`, `lockstep cert` going on to the chosen way, the
// firewall followed by keeping its rules): each stage is a whole step — its own questions,
// preview, confirmation, journal run and verification — and what earlier stages answered can
// fix or propose later answers, so the operator says the site's name once.
import type { AnswerSource } from './answers.js';
import type { Table } from './events.js';
import type { ConfirmQuestion, AnswerValue, Answers, Question } from './questions.js';
import type { Step } from './step.js';
import type { System } from './system.js';

/** `previewed`: a dry run showed its plan; stages that need its result cannot be planned after it. */
export type StageStatus = 'running' | 'done' | 'previewed' | 'skipped' | 'declined' | 'failed' | 'not-run';

export interface StageContext {
  /** What each stage that ran was answered, by stage id (secrets as the mask). */
  readonly answers: ReadonlyMap<string, Answers>;
  /** How each stage seen so far ended. */
  readonly status: ReadonlyMap<string, StageStatus>;
  /** Every stage with its title, status and reason, as the closing list will show them. */
  readonly stages: readonly StageSummary[];
  /** A person answers the prompts (TUI or plain mode), not a script. */
  readonly interactive: boolean;
  /** The run's --yes and --dry-run: what a gate does when nobody is asked. */
  readonly yes: boolean;
  readonly dryRun: boolean;
  readonly sys: System;
}

export interface Stage {
  /** Unique in its sequence; the step's command, also the answers-file section of the stage. */
  readonly id: string;
  readonly step: Step;
  /** What the step is called here, when its own title says less (cert install in the private-CA path). */
  readonly title?: string;
  /** The part of the sequence it belongs to, as the progress bar names it ("Application certificate"). */
  readonly part?: string;
  /**
   * Whether the operator's choices so far still include this stage (the parts picked, the way
   * to the certificate). Asked again after every stage, so the stages left out show as skipped
   * as soon as they are known, not when their turn comes.
   */
  chosen?(ctx: StageContext): true | string;
  /** True to run, or why the stage does not apply (shown as skipped with that reason). */
  when?(ctx: StageContext): true | string | Promise<true | string>;
  /** Answers settled by earlier stages: not asked again, named in a note. */
  given?(ctx: StageContext): Readonly<Record<string, AnswerValue>>;
  /** Where the given answers come from, for that note (default: "the earlier steps"). */
  readonly givenFrom?: string;
  /** Defaults drawn from earlier stages: still asked on a terminal, preselected. */
  proposed?(ctx: StageContext): Readonly<Record<string, AnswerValue>>;
  /**
   * Asked before the stage, only of a person: "no" skips it. Without a person the stage is
   * skipped with `unattended` as the reason (keeping firewall rules is never decided by --yes);
   * as a function, `true` lets it run unasked (renewal under --yes: the timer is the yes).
   */
  readonly gate?: {
    readonly question: ConfirmQuestion | ((ctx: StageContext) => ConfirmQuestion);
    readonly unattended: string | ((ctx: StageContext) => true | string);
    /** What a "no" means, for the summary (default: "you chose not to"). */
    readonly declined?: string;
    /** The yes is also the yes to the stage's plan (shown, not asked again): keeping the firewall rules. */
    readonly confirmsPlan?: boolean;
    /**
     * What a "no" runs at once instead (its plan shown, not asked again): the firewall's rollback,
     * so "do not keep the rules" does not wait for the countdown.
     */
    readonly declinedStep?: Step;
  };
}

export interface Sequence {
  /** The stages, in order; may read the machine (renewal lists the certificates it finds). */
  stages(sys: System): Promise<readonly Stage[]>;
  /**
   * Where a stage's preset answers come from: `flat` shares the command's flags and answers
   * file with every stage (a command grown into a few steps); `sections` gives each stage the
   * answers-file object under its id (`lockstep onboard`, whose steps ask overlapping ids).
   */
  readonly answers: 'flat' | 'sections';
  /** After a stage failed or was stopped: how to go on with what did not run. */
  next?(stages: readonly StageSummary[]): string | undefined;
  /**
   * A failing stage ends only its part: the part's later stages are skipped and the other parts
   * go on (renewal: one certificate's failed order must not keep the others from renewing).
   */
  readonly partsIndependent?: boolean;
  /** After the last stage: the sequence's own verdict, a closing table and the data of --json's result. */
  result?(ctx: StageContext, stages: readonly StageSummary[]): SequenceResult | Promise<SequenceResult>;
}

export interface SequenceResult {
  /** False makes the run's outcome false (exit 1) though every stage passed. */
  readonly ok: boolean;
  readonly table?: Table;
  readonly data: Readonly<Record<string, unknown>>;
  /** When not ok: what a front end says instead of "did not pass verification". */
  readonly failure?: { readonly title: string; readonly lines: readonly string[] };
}

export interface StageSummary {
  readonly id: string;
  readonly title: string;
  readonly part?: string;
  readonly status: StageStatus;
  readonly reason?: string;
  /** Skipped because the machine lacks what the step needs (its reason says what and how to get it). */
  readonly blocked?: boolean;
}

/** The step with earlier stages' proposals as its questions' defaults. */
export function withProposals(step: Step, proposed: Readonly<Record<string, AnswerValue>>): Step {
  if (Object.keys(proposed).length === 0) return step;
  const questions = step.questions.map((q): Question => (q.id in proposed ? ({ ...q, default: proposed[q.id] } as Question) : q));
  return { ...step, questions };
}

/**
 * The step with the operator path questions an earlier stage settled defaulting to what it
 * settled: those files are lockstep's own (the CA's host certificate handed to cert install),
 * on the target under --root (core/paths.ts: an operator question's default is lockstep's).
 */
export function withSettledPaths(step: Step, given: Readonly<Record<string, AnswerValue>>): Step {
  const paths = Object.entries(given).filter(([id, v]) => typeof v === 'string' && v !== '' && step.questions.some((q) => q.id === id && q.kind === 'path' && q.operator === true));
  return withProposals(step, Object.fromEntries(paths));
}

/** Answers fixed by earlier stages first (a secret already given is taken from the store), then the stage's own preset. */
export class GivenAnswers implements AnswerSource {
  constructor(
    private readonly given: Readonly<Record<string, AnswerValue>>,
    private readonly rest: AnswerSource,
    private readonly secret: (id: string) => string | undefined,
  ) {}

  async lookup(q: Question, answers: Answers): Promise<AnswerValue | undefined> {
    if (q.id in this.given) return q.kind === 'secret' ? this.secret(q.id) : this.given[q.id];
    return this.rest.lookup(q, answers);
  }
}

/** "domain = example.org; certDir = /etc/lockstep/live/example.org" for the note naming given answers. */
export function givenText(given: Readonly<Record<string, AnswerValue>>, step: Step): string {
  return Object.entries(given)
    .filter(([id, v]) => step.questions.some((q) => q.id === id) && v !== '')
    .map(([id, v]) => {
      const q = step.questions.find((x) => x.id === id);
      // The question without its trailing "(how to answer)" aside: the note names the answer.
      const what = q?.message.replace(/[?:]\s*$/, '').replace(/\s*\([^()]*\)$/, '') ?? id;
      return `${what}: ${q?.kind === 'secret' ? 'the one given earlier' : Array.isArray(v) ? v.join(', ') : String(v)}`;
    })
    .join('; ');
}
