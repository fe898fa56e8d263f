// `lockstep ca revoke` and `lockstep ca crl`: revoke a host's certificate (by host or serial)
// and publish a fresh CRL. An expired CRL makes some clients (OpenVPN, for one) reject every
// certificate, so the summary says when it must be re-issued.
import { p, type Action } from '../core/actions.js';
import { UserError } from '../core/errors.js';
import type { Check } from '../core/events.js';
import type { Answers, Question } from '../core/questions.js';
import type { SecretReader, Step } from '../core/step.js';
import type { System } from '../core/system.js';
import { caChecks } from './ca-checks.js';
import { caDirQuestion, caNameQuestion, caPassphraseQuestion } from './ca-questions.js';
import { readDbState, repairActions, type DbState } from './db-repair.js';
import { parseIndex, type IndexEntry } from './index-db.js';
import { layoutOf, type CaLayout } from './layout.js';
import { crlChecks } from './crl.js';

export const REVOKE_REASONS = ['unspecified', 'keyCompromise', 'CACompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation'] as const;

interface CaFacts {
  readonly problems: readonly string[];
  readonly db: DbState;
  readonly entries: readonly IndexEntry[];
}

async function caFacts(answers: Answers, sys: System, secrets?: SecretReader): Promise<CaFacts> {
  const ca = layoutOf(answers);
  const problems: string[] = [];
  if ((await sys.stat(ca.orgConfig)) === undefined) problems.push(`${ca.orgConfig} is missing: run "lockstep ca init" first`);
  if (secrets?.has('passphrase')) {
    for (const c of await caChecks(sys, ca, secrets.get('passphrase'))) if (!c.ok) problems.push(`${c.name}: ${c.evidence}`);
  }
  const db = await readDbState(sys, ca);
  return { problems, db, entries: parseIndex(db.index ?? '') };
}

function refuseIfBroken(ca: CaLayout, facts: CaFacts): void {
  if (facts.problems.length > 0) throw new UserError(`The CA in ${ca.dir} cannot be used: ${facts.problems.join('; ')}.`, 'Check --ca-dir, --ca-name and the passphrase.');
}

function gencrlAction(ca: CaLayout): Action {
  return {
    kind: 'run',
    title: 'Publish a new certificate revocation list',
    argv: ['openssl', 'ca', '-gencrl', '-config', p(ca.orgConfig), '-passin', 'fd:3'],
    secretFds: [{ fd: 3, secret: 'passphrase' }],
    stdoutTo: { path: ca.crl, mode: 0o644 },
  };
}

const revokeQuestions: readonly Question[] = [
  caDirQuestion,
  caNameQuestion,
  { kind: 'text', id: 'host', message: 'Host whose certificate to revoke (empty to give a serial instead)', optional: true, default: '' },
  {
    kind: 'text',
    id: 'serial',
    message: 'Serial number to revoke (hex, as "lockstep ca list" shows it)',
    when: (a) => (a.host ?? '') === '',
    validate: (v) => (/^[0-9A-Fa-f]+$/.test(v) ? undefined : `"${v}" is not a hexadecimal serial number`),
  },
  {
    kind: 'select',
    id: 'reason',
    message: 'Reason',
    default: 'unspecified',
    choices: REVOKE_REASONS.map((r) => ({ value: r, label: r })),
  },
  caPassphraseQuestion,
];

function target(answers: Answers, entries: readonly IndexEntry[]): IndexEntry {
  const host = (answers.host as string | undefined) ?? '';
  const serial = ((answers.serial as string | undefined) ?? '').toUpperCase();
  const found = entries.find((e) => e.status === 'valid' && (host !== '' ? e.cn === host : e.serial.toUpperCase() === serial));
  if (found === undefined) {
    throw new UserError(`No valid certificate ${host !== '' ? `for ${host}` : `with serial ${serial}`} in this CA.`, 'See "lockstep ca list".');
  }
  return found;
}

export const caRevokeStep: Step<CaFacts> = {
  id: 'ca revoke',
  title: 'Revoke a host certificate',
  description: 'Marks a certificate of your private CA as revoked (by host or serial) and publishes a new CRL.',
  questions: revokeQuestions,
  facts: caFacts,
  plan(answers, facts) {
    const ca = layoutOf(answers);
    refuseIfBroken(ca, facts);
    const entry = target(answers, facts.entries);
    return [
      ...repairActions(ca, facts.db),
      {
        kind: 'run',
        title: `Revoke serial ${entry.serial} (${entry.subject}) — ${answers.reason}`,
        argv: ['openssl', 'ca', '-config', p(ca.orgConfig), '-revoke', p(`${ca.dir}/newcerts/${entry.serial}.pem`), '-crl_reason', String(answers.reason), '-passin', 'fd:3'],
        secretFds: [{ fd: 3, secret: 'passphrase' }],
      },
      gencrlAction(ca),
    ];
  },
  async verify(answers, sys) {
    const ca = layoutOf(answers);
    const { db } = await caFacts(answers, sys);
    const entries = parseIndex(db.index ?? '');
    const host = (answers.host as string | undefined) ?? '';
    const serial = ((answers.serial as string | undefined) ?? '').toUpperCase();
    const revoked = entries.find((e) => e.status === 'revoked' && (host !== '' ? e.cn === host : e.serial.toUpperCase() === serial));
    const checks: Check[] = [{ name: 'recorded as revoked in index.txt', ok: revoked !== undefined, evidence: revoked ? `serial ${revoked.serial}` : 'not found' }];
    if (revoked) checks.push(...(await crlChecks(sys, ca, revoked.serial)));
    return checks;
  },
  summary(answers) {
    const ca = layoutOf(answers);
    return [`CRL: ${ca.crl} — publish it to every client that checks revocation; re-issue it before its next update (lockstep ca crl).`];
  },
};

export const caCrlStep: Step<CaFacts> = {
  id: 'ca crl',
  title: 'Publish the revocation list',
  description: 'Issues a fresh CRL for your private CA into crl/. Clients that check CRLs reject everything once it expires, so re-issue it in time.',
  questions: [caDirQuestion, caNameQuestion, caPassphraseQuestion],
  facts: caFacts,
  plan(answers, facts) {
    const ca = layoutOf(answers);
    refuseIfBroken(ca, facts);
    return [...repairActions(ca, facts.db), gencrlAction(ca)];
  },
  async verify(answers, sys) {
    return crlChecks(sys, layoutOf(answers));
  },
  summary(answers) {
    return [`CRL: ${layoutOf(answers).crl}. "lockstep ca list" shows when it must be re-issued.`];
  },
};
