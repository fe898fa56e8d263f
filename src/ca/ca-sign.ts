// `lockstep ca sign`: per host a key, a CSR made with the organisation config.cnf, and a
// certificate signed by `openssl ca` with the passphrase on a file descriptor; the root
// certificate is copied beside it for clients. A host that already has its certificate is left
// as it is unless --reissue asks for a new one (when it differs from what is asked).
import { X509Certificate } from 'node:crypto';
import type { Action } from '../core/actions.js';
import { UserError } from '../core/errors.js';
import type { Check } from '../core/events.js';
import type { Answers, Question } from '../core/questions.js';
import type { Step } from '../core/step.js';
import { p12Checks } from '../pki/pkcs12.js';
import { crlUrlOf } from '../pki/x509.js';
import { caConfigUse } from './ca-config.js';
import { caDirQuestion, caNameQuestion, caPassphraseQuestion, hostKeyTypeQuestion } from './ca-questions.js';
import { HOSTS_SIGNED, gencrlAction, newHostActions, p12Action, revokeAction, rootCopyAction, sideBySide } from './ca-sign-plan.js';
import { hostsOf, readCaSignFacts, requestedChecks, sansOf, type CaSignFacts } from './ca-sign-facts.js';
import { repairActions } from './db-repair.js';
import { layoutOf } from './layout.js';
import { HOST_MAX_DAYS } from './org-config.js';
import { verifyAgainstRoot } from './openssl-verify.js';
import { sanByHost } from './san.js';

export type { CaSignFacts } from './ca-sign-facts.js';

const reissuing = (a: Answers, facts: CaSignFacts): string[] => (a.reissue === true ? hostsOf(a).filter((h) => facts.replaceable[h] !== undefined) : []);
/** --sign-again: hosts signed again although their certificate is as asked (renewal); the caller revokes the old one. */
const signingAgain = (a: Answers, facts: CaSignFacts): string[] => (a.signAgain === true ? hostsOf(a).filter((h) => facts.alreadySigned.includes(h)) : []);
const UNIQUE_NO = 'unique_subject = no\n';

/** An http(s) URL (CRLs are fetched over plain HTTP, RFC 5280 §4.2.1.13) with nothing an extension line could break on. */
export function checkCrlUrl(v: string): string | undefined {
  if (v === '') return undefined;
  if (!/^https?:\/\/[\x21-\x7e]+$/.test(v) || /[,;]/.test(v)) return `"${v}" is not an http:// URL (like http://pki.example.org/couch_ca.crl), without spaces, commas or semicolons`;
  try {
    new URL(v);
  } catch {
    return `"${v}" is not a URL (like http://pki.example.org/couch_ca.crl)`;
  }
  return undefined;
}

export const caSignQuestions: readonly Question[] = [
  caDirQuestion,
  caNameQuestion,
  {
    kind: 'hostname',
    id: 'host',
    multiple: true,
    message: 'Host names to sign a certificate for (one certificate each)',
    help: 'Each host gets its own key and certificate in <CA folder>/hosts/<host>/; a wildcard *.example.org in hosts/_wildcard.example.org/ (a * in a path is a glob to every shell)',
  },
  {
    kind: 'text',
    id: 'san',
    repeatable: true,
    message: 'Extra subjectAltNames, per host: HOST=DNS:name,IP:address (empty for none)',
    help: 'Repeat --san for each host (--san couch1.example.org=IP:10.0.0.5 --san couch2.example.org=DNS:couch2); with one --host the HOST= may be left out. The host name itself is always included.',
    optional: true,
    default: '',
    validate: (v, a) => {
      if (v === '') return undefined;
      const r = sanByHost(v, hostsOf(a));
      return r instanceof Map ? undefined : r.error;
    },
  },
  hostKeyTypeQuestion,
  {
    kind: 'integer',
    id: 'days',
    message: 'Host certificates valid for how many days',
    help: `At most ${HOST_MAX_DAYS}: Apple platforms reject TLS certificates valid longer, even from private roots.`,
    default: HOST_MAX_DAYS,
    min: 1,
    max: HOST_MAX_DAYS,
  },
  {
    kind: 'confirm',
    id: 'reissue',
    message: 'Some hosts already have a certificate from this CA that differs from what is asked. Sign them again, revoking the old one (superseded)?',
    help: 'Without it they are left as they are, and checked only against the root. A host whose certificate is as asked is never signed again.',
    default: false,
    when: (_a, facts) => Object.keys((facts as CaSignFacts).replaceable).length > 0,
  },
  {
    kind: 'text',
    id: 'crlUrl',
    flag: '--crl-url',
    // Asked of nobody: without it the certificates are as before (no CRL named in them).
    unasked: true,
    optional: true,
    default: '',
    message: 'Where clients fetch the CRL (an http:// URL written into each host certificate; empty for none)',
    help: 'Publish crl/<CA name>.crl there (lockstep ca crl makes it, lockstep ca revoke too). Clients and scanners (testssl) then find how to check revocation; a URL nobody serves makes some clients fail, so give it only once it is published.',
    validate: checkCrlUrl,
  },
  {
    kind: 'confirm',
    id: 'signAgain',
    flag: '--sign-again',
    // Asked of nobody: what renew does. The old certificate stays valid until the caller has
    // installed the new one and revokes it (lockstep ca revoke --host H --older-only).
    unasked: true,
    message: 'Sign the hosts again even when their certificate is as asked, leaving the old one valid (renewal)?',
    help: 'The old certificate stays valid until the new one is installed; then lockstep ca revoke --host <host> --older-only revokes it (superseded).',
    default: false,
  },
  {
    kind: 'confirm',
    id: 'p12',
    flag: '--p12',
    // Asked of nobody: most hosts want PEM files; whoever needs a .p12 says so.
    unasked: true,
    message: 'Also hand each host its key, certificate and the root as one PKCS#12 file (<host>.p12, mode 0600)?',
    help: 'For tools that want one file (Java keystores, Windows, some appliances). Its password: --p12-password-file, LOCKSTEP_P12_PASSWORD or a masked prompt.',
    default: false,
  },
  {
    kind: 'secret',
    id: 'p12Password',
    flag: '--p12-password-file',
    message: 'Password for the .p12 files',
    help: 'Whoever installs a .p12 needs it; it is not stored by lockstep.',
    repeat: true,
    minLength: 8,
    when: (a) => a.p12 === true,
  },
  caPassphraseQuestion,
];

function refuse(answers: Answers, facts: CaSignFacts): void {
  const ca = layoutOf(answers);
  if (facts.problems.length > 0 || facts.rootPem === undefined) {
    throw new UserError(`The CA in ${ca.dir} cannot sign: ${facts.problems.join('; ')}.`, 'Check --ca-dir, --ca-name and the passphrase.');
  }
  const hosts = hostsOf(answers);
  const twice = hosts.find((h, i) => hosts.indexOf(h) !== i);
  if (twice !== undefined) throw new UserError(`--host ${twice} is given twice.`);
  const sans = sanByHost((answers.san as string | undefined) ?? '', hosts);
  if (!(sans instanceof Map)) throw new UserError(`Invalid --san: ${sans.error}.`);
  const reissue = answers.reissue === true;
  for (const host of hosts) {
    if (facts.interrupted[host] !== undefined || facts.alreadySigned.includes(host) || reissue) continue;
    const dup = facts.valid.find((e) => e.cn === host);
    if (dup !== undefined) {
      throw new UserError(
        `${host} already has a valid certificate from this CA (serial ${dup.serial}, expires ${dup.expires.toISOString().slice(0, 10)}), not the one in ${ca.hostDir(host)}.`,
        `Sign it again with --reissue (the old one is revoked as superseded), or revoke it first: lockstep ca revoke --ca-dir ${ca.dir} --host ${host}`,
      );
    }
  }
  if (facts.existingFiles.length > 0) {
    throw new UserError(
      `Refusing to replace ${facts.existingFiles.join(', ')}: this CA has no record of it, or it is still valid.`,
      'Revoke it first (lockstep ca revoke --host <host>), or move the host folder away.',
    );
  }
}

export const caSignStep: Step<CaSignFacts> = {
  id: 'ca sign',
  title: 'Sign host certificates',
  description: 'Makes a key and a certificate signed by your private CA for each host (CouchDB nodes, internal services), with the root certificate beside it for clients.',
  questions: caSignQuestions,
  // A kill inside `openssl ca` leaves its database updated (or half-renamed) before the journal
  // knows: replaying that command fails, while facts() recognises and finishes both states.
  replanOnResume: true,

  facts: readCaSignFacts,

  plan(answers, facts) {
    refuse(answers, facts);
    const ca = layoutOf(answers);
    const cfg = caConfigUse(ca, facts.config);
    const rootPem = facts.rootPem!;
    const renewed = signingAgain(answers, facts);
    const again = [...reissuing(answers, facts), ...renewed.filter((h) => !reissuing(answers, facts).includes(h))];
    const fresh = hostsOf(answers).filter((h) => facts.interrupted[h] === undefined && (!facts.alreadySigned.includes(h) || again.includes(h)));
    const sans = sansOf(answers);
    // The new certificate first, then the old one revoked: a kill in between leaves the old one
    // valid and in use, and the rerun revokes it (facts.superseded). Two valid certificates with
    // one subject need unique_subject = no in index.txt.attr.
    const revokes = hostsOf(answers).flatMap((h) => {
      if (renewed.includes(h) && !reissuing(answers, facts).includes(h)) return [];
      const serials = [...(again.includes(h) ? [facts.replaceable[h]!.serial] : []), ...(renewed.includes(h) ? [] : (facts.superseded[h] ?? []))];
      return [...new Set(serials)].map((serial) => revokeAction(ca, cfg, serial, 'superseded', `${h}: revoke serial ${serial} as superseded${again.includes(h) ? ' (--reissue)' : ' (left by an interrupted re-issue)'}`));
    });
    const attr: Action[] = again.length > 0 && !facts.subjectsMayRepeat
      ? [{ kind: 'write', title: 'Allow a new certificate beside the one it replaces (index.txt.attr: unique_subject = no)', path: `${ca.index}.attr`, content: UNIQUE_NO, mode: 0o644 }]
      : [];
    const hostSteps = (h: string): Action[] => {
      if (fresh.includes(h)) return [...newHostActions(ca, cfg, h, answers, sans.get(h)), rootCopyAction(ca, h, rootPem)];
      const done = facts.interrupted[h];
      if (done !== undefined) {
        return [
          { kind: 'write', title: `${h}: finish the interrupted signing (serial ${done.serial}, from newcerts/)`, path: ca.hostFile(h, 'crt'), content: done.pem, mode: 0o644, counts: HOSTS_SIGNED },
          rootCopyAction(ca, h, rootPem),
        ];
      }
      return facts.rootCopyMissing.includes(h) ? [rootCopyAction(ca, h, rootPem)] : [];
    };
    const p12 = (h: string, made: boolean): Action[] => (answers.p12 === true && (made || !facts.p12Present.includes(h)) ? [p12Action(ca, h)] : []);
    // Hosts signed now run side by side (sideBySide); the others' few writes come first.
    const chain = (h: string): Action[] => [...hostSteps(h), ...p12(h, fresh.includes(h) || facts.interrupted[h] !== undefined)];
    const others = hostsOf(answers).filter((h) => !fresh.includes(h)).flatMap(chain);
    const signed = sideBySide(new Map(fresh.map((h) => [h, chain(h)])));
    const crl = revokes.length > 0 || facts.revokedOnDisk.some((h) => fresh.includes(h)) ? [gencrlAction(ca, cfg)] : [];
    return [...repairActions(ca, facts.db), ...cfg.actions, ...attr, ...others, ...signed, ...revokes, ...crl];
  },

  notes(answers, facts) {
    const again = reissuing(answers, facts);
    const ca = layoutOf(answers);
    const notes = [...caConfigUse(ca, facts.config).notes];
    const renewed = signingAgain(answers, facts);
    for (const h of facts.alreadySigned) {
      const r = facts.replaceable[h];
      if (renewed.includes(h) && !again.includes(h)) notes.push(`${h}: signed again (--sign-again); serial ${facts.current[h]} stays valid until lockstep ca revoke --host ${h} --older-only revokes it, once the new one is installed.`);
      else if (again.includes(h)) notes.push(`${h}: signed again (--reissue); serial ${r?.serial} is revoked as superseded, its files backed up.`);
      else if (r !== undefined) notes.push(`${h} already has its certificate from this CA, which differs from what is asked (${r.why}): left as it is and checked only against the root; --reissue signs it again.`);
      else notes.push(`${h} already has its certificate from this CA, as asked: left as it is.`);
    }
    return notes;
  },

  async verify(answers, sys, secrets, plan) {
    const ca = layoutOf(answers);
    // Each host on its own (openssl verify and pkcs12 are short processes), all at once; the checks in host order.
    const perHost = await Promise.all(
      hostsOf(answers).map(async (host): Promise<Check[]> => {
        // What the plan did is checked against what was asked; a certificate it left alone only
        // against the root (it was not made for these answers).
        const crt = ca.hostFile(host, 'crt');
        const made = plan === undefined || plan.some((a) => (a.kind === 'run' && a.stdoutTo?.path === crt) || (a.kind === 'write' && a.path === crt));
        const own = await requestedChecks(sys, ca, host, answers, made);
        const checks: Check[] = own.map((c) => ({ ...c, name: `${host}: ${c.name}${made ? '' : ' (left as it was)'}` }));
        const crlUrl = typeof answers.crlUrl === 'string' ? answers.crlUrl : '';
        if (made && crlUrl !== '') {
          const pem = await sys.readText(crt);
          const named = pem === undefined ? undefined : crlUrlOf(new X509Certificate(pem));
          checks.push({ name: `${host}: names the CRL at ${crlUrl}`, ok: named === crlUrl, evidence: named === undefined ? 'no CRL distribution point in the certificate' : `crlDistributionPoints URI:${named}` });
        }
        checks.push(await verifyAgainstRoot(sys, ca, host));
        if (answers.p12 === true && secrets.has('p12Password')) {
          const p12 = await p12Checks(sys, ca.hostFile(host, 'p12'), secrets.get('p12Password'), await sys.readText(crt), 2);
          checks.push(...p12.map((c) => ({ ...c, name: `${host}: ${c.name}` })));
        }
        return checks;
      }),
    );
    return perHost.flat();
  },

  summary(answers) {
    const ca = layoutOf(answers);
    const p12 = (h: string): string => (answers.p12 === true ? `, all in one ${ca.hostFile(h, 'p12')} (0600)` : '');
    return hostsOf(answers).map((h) => `${h}: ${ca.hostFile(h, 'key')} (0600), ${ca.hostFile(h, 'crt')}, root for clients ${ca.hostDir(h)}/${ca.name}.crt${p12(h)}`);
  },
};
