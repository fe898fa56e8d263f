// The distinguished name of the root: questions, the -subj argument, and the defaults read back
// from an existing organisation config.cnf.
import type { Answers, Question } from '../core/questions.js';

export interface SubjectField {
  readonly id: 'country' | 'state' | 'locality' | 'org' | 'email' | 'cn';
  readonly attr: string;
  /** The seed's config.cnf key under [ req_distinguished_name ]. */
  readonly cnfKey: string;
  readonly label: string;
}

export const SUBJECT_FIELDS: readonly SubjectField[] = [
  { id: 'country', attr: 'C', cnfKey: 'countryName', label: 'Country (two letters, e.g. US)' },
  { id: 'state', attr: 'ST', cnfKey: 'stateOrProvinceName', label: 'State or province' },
  { id: 'locality', attr: 'L', cnfKey: 'localityName', label: 'City' },
  { id: 'org', attr: 'O', cnfKey: '0.organizationName', label: 'Organisation' },
  { id: 'email', attr: 'emailAddress', cnfKey: 'emailAddress', label: 'Contact e-mail' },
  { id: 'cn', attr: 'CN', cnfKey: 'commonName', label: 'Common name of the root certificate' },
];

function checkField(field: SubjectField, value: string): string | undefined {
  if (field.id === 'country') return /^[A-Z]{2}$/.test(value) ? undefined : `"${value}" is not a two-letter country code such as US or DE`;
  if (field.id === 'email') return value === '' || /^[^\s@]+@[^\s@]+$/.test(value) ? undefined : `"${value}" is not an e-mail address`;
  if (value.length > 64) return `is ${value.length} characters; at most 64 fit in a certificate`;
  return undefined;
}

/** `defaults` come from an existing config.cnf (facts), else the answers so far. */
export function subjectQuestions(defaults: (answers: Answers, facts: unknown, id: SubjectField['id']) => string | undefined): Question[] {
  return SUBJECT_FIELDS.map((field) => ({
    kind: 'text' as const,
    id: field.id,
    message: field.label,
    ...(field.id === 'cn'
      ? { default: (a: Answers, f: unknown) => defaults(a, f, 'cn') ?? `${(a.org as string | undefined) ?? 'Private'} Root CA` }
      : { default: (a: Answers, f: unknown) => defaults(a, f, field.id) }),
    ...(field.id === 'state' || field.id === 'locality' || field.id === 'email' ? { optional: true } : {}),
    validate: (value: string) => checkField(field, value),
  }));
}

/** `-subj` text: every `/`, `=` and `\` inside a value is escaped for openssl. */
export function subjectArg(answers: Answers): string {
  return SUBJECT_FIELDS.map((f) => [f.attr, answers[f.id]] as const)
    .filter((pair): pair is readonly [string, string] => typeof pair[1] === 'string' && pair[1] !== '')
    .map(([attr, value]) => `/${attr}=${value.replace(/([\\/=+])/g, '\\$1')}`)
    .join('');
}
