// `lockstep ca revoke` and `lockstep ca crl`: revoke a host's certificate (by host or serial)
// and publish a fresh CRL. An expired CRL makes some clients (OpenVPN, for one) reject every
// certificate, so the summary says when it must be re-issued.
import type { Action } from '../core/actions.js';
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
import { caConfigUse, readCaConfig, type CaConfigFacts } from './ca-config.js';
import { gencrlAction, revokeAction } from './ca-sign-plan.js';
import { serialOf } from './ca-sign-facts.js';

export const REVOKE_REASONS = ['unspecified', 'keyCompromise', 'CACompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation'] as const;

interface CaFacts {
  readonly problems: readonly string[];
  readonly db: DbState;
  readonly entries: readonly IndexEntry[];
  readonly config: CaConfigFacts;
  /** With --older-only: the serial of the certificate in the host's folder (kept). */
  readonly keep?: string;
}

async function caFacts(answers: Answers, sys: System, secrets?: SecretReader): Promise<CaFacts> {
  const ca = layoutOf(answers);
  const problems: string[] = [];
  if ((await sys.stat(ca.orgConfig)) === undefined) problems.push(`${ca.orgConfig} is missing: run "lockstep ca init" first`);
  if (secrets?.has('passphrase')) {
    for (const c of await caChecks(sys, ca, secrets.get('passphrase'))) if (!c.ok) problems.push(`${c.name}: ${c.evidence}`);
  }
  const db = await readDbState(sys, ca);
  const host = (answers.host as string | undefined) ?? '';
  const crt = answers.olderOnly === true && host !== '' ? await sys.readText(ca.hostFile(host, 'crt')) : undefined;
  const keep = crt !== undefined ? serialOf(crt) : undefined;
  if (answers.olderOnly === true && keep === undefined) problems.push(`${ca.hostFile(host, 'crt')} is missing or not a certificate: --older-only keeps the one there`);
  return { problems, db, entries: parseIndex(db.index ?? ''), config: await readCaConfig(sys, ca), ...(keep !== undefined ? { keep } : {}) };
}

function refuseIfBroken(ca: CaLayout, facts: CaFacts): void {
  if (facts.problems.length > 0) throw new UserError(`The CA in ${ca.dir} cannot be used: ${facts.problems.join('; ')}.`, 'Check --ca-dir, --ca-name and the passphrase.');
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
    kind: 'confirm',
    id: 'olderOnly',
    flag: '--older-only',
    // Asked of nobody: what renew does once the new certificate is installed.
    unasked: true,
    message: 'Revoke only the certificates of the host older than the one in its folder (superseded by it)?',
    help: 'With --host: every valid certificate of the host older than the one in <CA folder>/hosts/<host>/ is revoked; none left is not an error.',
    default: false,
    when: (a) => (a.host ?? '') !== '',
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

/** --older-only: the host's valid certificates older than the one in its folder (a newer one is not superseded by it). */
function olderOf(answers: Answers, facts: CaFacts): IndexEntry[] {
  const keep = facts.keep === undefined ? undefined : BigInt(`0x${facts.keep}`);
  return facts.entries.filter((e) => e.status === 'valid' && e.cn === answers.host && keep !== undefined && BigInt(`0x${e.serial}`) < keep);
}

/** The valid certificate to revoke, or the one revoked already (a rerun, or resume after a kill). */
function target(answers: Answers, entries: readonly IndexEntry[]): IndexEntry {
  const host = (answers.host as string | undefined) ?? '';
  const serial = ((answers.serial as string | undefined) ?? '').toUpperCase();
  const mine = (e: IndexEntry): boolean => (host !== '' ? e.cn === host : e.serial.toUpperCase() === serial);
  const found = entries.find((e) => e.status === 'valid' && mine(e)) ?? entries.findLast((e) => e.status === 'revoked' && mine(e));
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
  // `openssl ca -revoke` of a revoked certificate fails ("Already revoked"): a resumed run plans
  // again from index.txt, where a revocation the killed run made is done, not to be repeated.
  replanOnResume: true,
  facts: caFacts,
  plan(answers, facts) {
    const ca = layoutOf(answers);
    refuseIfBroken(ca, facts);
    const cfg = caConfigUse(ca, facts.config);
    const reason = String(answers.reason);
    if (answers.olderOnly === true) {
      const older = olderOf(answers, facts);
      return [...repairActions(ca, facts.db), ...cfg.actions, ...older.map((e) => revokeAction(ca, cfg, e.serial, reason, `Revoke serial ${e.serial} (${e.subject}) — ${reason}: replaced by serial ${facts.keep}`)), gencrlAction(ca, cfg)];
    }
    const entry = target(answers, facts.entries);
    const revoke = entry.status === 'valid' ? [revokeAction(ca, cfg, entry.serial, reason, `Revoke serial ${entry.serial} (${entry.subject}) — ${reason}`)] : [];
    return [...repairActions(ca, facts.db), ...cfg.actions, ...revoke, gencrlAction(ca, cfg)];
  },
  notes(answers, facts) {
    if (answers.olderOnly === true) {
      const n = olderOf(answers, facts).length;
      return n > 0 ? [] : [`${String(answers.host)} has no valid certificate older than serial ${facts.keep}: nothing to revoke; the CRL is published again.`];
    }
    // plan() has run: the CA is usable and the target exists.
    const found = target(answers, facts.entries);
    const said = caConfigUse(layoutOf(answers), facts.config).notes;
    if (found.status !== 'revoked') return said;
    return [...said, `Serial ${found.serial} (${found.subject}) is already revoked (${found.revoked?.toISOString().slice(0, 10) ?? 'date unknown'}${found.reason ? `, ${found.reason}` : ''}): nothing to revoke; the CRL is published again.`];
  },
  async verify(answers, sys) {
    const ca = layoutOf(answers);
    const { db } = await caFacts(answers, sys);
    const entries = parseIndex(db.index ?? '');
    const host = (answers.host as string | undefined) ?? '';
    const serial = ((answers.serial as string | undefined) ?? '').toUpperCase();
    if (answers.olderOnly === true) {
      const now = await caFacts(answers, sys);
      const keep = now.keep;
      const left = olderOf(answers, now);
      const kept = entries.find((e) => e.status === 'valid' && e.serial.replace(/^0+/, '') === keep);
      return [
        { name: 'no certificate of the host older than the one in its folder is valid', ok: left.length === 0 && kept !== undefined, evidence: left.length > 0 ? `still valid: ${left.map((e) => e.serial).join(', ')}` : kept ? `serial ${kept.serial}` : `serial ${keep} is not valid` },
        ...(await crlChecks(sys, ca)),
      ];
    }
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
    const cfg = caConfigUse(ca, facts.config);
    return [...repairActions(ca, facts.db), ...cfg.actions, gencrlAction(ca, cfg)];
  },
  async verify(answers, sys) {
    return crlChecks(sys, layoutOf(answers));
  },
  summary(answers) {
    return [`CRL: ${layoutOf(answers).crl}. "lockstep ca list" shows when it must be re-issued.`];
  },
};
