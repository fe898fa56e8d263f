// A step is a few pure functions around what it reads of the machine (certbot's
// perform/config_test split, np's commands as data): questions, facts, plan, verify.
import type { Action } from './actions.js';
import type { Check, Table } from './events.js';
import type { Answers, Question } from './questions.js';
import type { System } from './system.js';

/** Read access to the secrets answered so far (a passphrase checked against a key, say). */
export interface SecretReader {
  get(name: string): string;
  has(name: string): boolean;
}

/** Something the machine lacks for a step to run at all, and how to get it. */
export interface Need {
  /** What is missing, as a fact ("nginx is not installed here: /etc/nginx/nginx.conf is missing"). */
  readonly missing: string;
  /** How to get it, a sentence ("Install it with apt-get install nginx, or give --nginx-conf"). */
  readonly how: string;
}

export interface Step<F = unknown> {
  /** Stable id, also the command path ("cert self-signed"). */
  readonly id: string;
  readonly title: string;
  /** A few lines for the home menu and --help: what it does and for whom. */
  readonly description: string;
  /** In asking order; `when` skips those that do not apply. Each is a flag and an answers key. */
  readonly questions: readonly Question[];
  /**
   * What the step needs of the machine before its first question (nginx for an HTTPS site, sshd
   * for SSH): read with the answers already given by flags or the answers file, never prompted.
   * Anything missing stops the step before it asks (a sequence skips it and goes on).
   */
  needs?(preset: Answers, sys: System): Promise<readonly Need[]>;
  /** Shown before the first question: what the questions choose between (lockstep cert's three ways). */
  readonly intro?: Table;
  /** Reads the machine (never changes it). Called again as answers arrive. */
  facts(answers: Answers, sys: System, secrets?: SecretReader): Promise<F>;
  /** Pure: the same answers and facts give the same plan. Throws UserError to refuse. */
  plan(answers: Answers, facts: F): readonly Action[];
  /**
   * Checks the result against the real system. `plan` is what was applied (a step verifies what
   * its plan did, not what it left alone: `ca sign` of a host that already had its certificate).
   */
  verify(answers: Answers, sys: System, secrets: SecretReader, plan?: readonly Action[]): Promise<readonly Check[]>;
  /** Lines for the summary: where things are, what to do next. */
  summary(answers: Answers): readonly string[];
  /** Warnings worth showing with the preview (e.g. unsafe seed advice replaced). */
  notes?(answers: Answers, facts: F): readonly string[];
  /** A table shown with the notes (renewal's list of certificates). */
  table?(answers: Answers, facts: F): Table | undefined;
  /**
   * The few lines that matter most, repeated right above "Apply this plan?" once a long plan has
   * scrolled the notes away (the firewall's "port — open to — why").
   */
  recap?(answers: Answers, facts: F): readonly string[];
  /**
   * `lockstep resume` plans again from the disk (with the journaled answers) instead of replaying
   * the journaled plan. For steps whose commands cannot be run twice (`openssl ca` refuses a second
   * certificate for a subject, and fails on a database it left half-renamed) and whose facts
   * already recognise every interrupted state.
   */
  readonly replanOnResume?: boolean;
  /**
   * The step only advises (its plan is always empty and its summary is the answer, like `lockstep
   * cert`'s recommendation): nothing to confirm, nothing journaled.
   */
  readonly advisory?: boolean;
}

export const secretIds = (step: Step): string[] => step.questions.filter((q) => q.kind === 'secret').map((q) => q.id);
