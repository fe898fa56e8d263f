// Whether an ACME certificate is due, by what its CA says (ARI, RFC 9773) as well as by its
// lifetime. ARI can only advance or confirm a renewal: a window later than the lifetime's
// does not hold a certificate back, and when ARI cannot be had the lifetime window decides,
// said in one line.
import { X509Certificate } from 'node:crypto';
import { readOperatorFile } from '../core/paths.js';
import type { Answers } from '../core/questions.js';
import type { System } from '../core/system.js';
import { ariCertId, decideAri, fetchRenewalInfo, iso, type DirectoryAnswer, type RenewalInfo } from './ari.js';
import { readAriCache, type AriCache } from './ari-cache.js';
import { directoryOf } from './letsencrypt.js';
import type { ManagedCert } from './managed.js';

export interface AriReport {
  readonly certId?: string;
  /** The suggested window, ISO 8601. */
  readonly window?: { readonly start: string; readonly end: string };
  readonly explanationUrl?: string;
  /** The random moment inside the window this run picked. */
  readonly renewAt?: string;
  /** When the CA wants to be asked again (Retry-After). */
  readonly retryAfter?: string;
  readonly due: boolean;
  /** Why ARI says due or not due; with `fallback`, why ARI was not used. */
  readonly reason: string;
  readonly fallback?: true;
  /** The ACME server knows the certificate: a renewal may name it in `replaces`. */
  readonly replaceable: boolean;
  /** Answered from the answer kept until its Retry-After: the CA was not asked this run. */
  readonly keptUntil?: string;
  /** A fresh answer with a Retry-After: kept until then by renewal's closing stage. */
  readonly toKeep?: AriCache;
}

export interface AriOptions {
  readonly random?: () => number;
  readonly now?: () => number;
  readonly timeoutMs?: number;
  readonly directories?: Map<string, Promise<DirectoryAnswer>>;
  /** The certificate's name, to look for the kept answer (renew); inspect asks afresh. */
  readonly cacheName?: string;
  /** When the renewal timer runs next at the latest (RFC 9773 §4.2). */
  readonly nextRun?: { readonly ms: number; readonly by: string };
}

const fallback = (reason: string, certId?: string): AriReport => ({ ...(certId !== undefined ? { certId } : {}), due: false, reason, fallback: true, replaceable: false });

/** Asks the ACME server of a Let's Encrypt (ACME) renewal record about the certificate `pem`. */
export async function ariFor(sys: System, answers: Answers, pem: string, o: AriOptions = {}): Promise<AriReport> {
  let certId: string;
  try {
    certId = ariCertId(new X509Certificate(pem).raw);
  } catch (error) {
    return fallback((error as Error).message);
  }
  const caFile = answers.acmeCaFile;
  let ca: Buffer | undefined;
  if (typeof caFile === 'string' && caFile !== '') {
    try {
      ca = await readOperatorFile(caFile);
    } catch (error) {
      return fallback(`the ACME server's TLS root ${caFile} cannot be read: ${(error as Error).message}`, certId);
    }
  }
  const now = o.now ?? Date.now;
  const nextRun = o.nextRun !== undefined ? { at: now() + o.nextRun.ms, by: o.nextRun.by } : undefined;
  const kept = o.cacheName !== undefined ? await readAriCache(sys, o.cacheName, certId, now()) : undefined;
  if (kept !== undefined) {
    const info = { start: Date.parse(kept.start), end: Date.parse(kept.end) };
    // The moment picked when the answer came, not a new one each run (it would drift towards the start).
    const decision = decideAri(info, (Date.parse(kept.renewAt) - info.start) / Math.max(1, info.end - info.start), now(), nextRun);
    return { ...report(certId, { ...info, ...(kept.explanationUrl !== undefined ? { explanationUrl: kept.explanationUrl } : {}), retryAfter: Date.parse(kept.retryAfter) }, decision), keptUntil: kept.retryAfter };
  }
  const got = await fetchRenewalInfo(directoryOf(answers), certId, { ...(ca !== undefined ? { ca } : {}), timeoutMs: o.timeoutMs ?? 10_000, now, ...(o.directories !== undefined ? { directories: o.directories } : {}) });
  if (!got.ok) return fallback(got.reason, certId);
  const decision = decideAri(got.info, (o.random ?? Math.random)(), now(), nextRun);
  const fresh = report(certId, got.info, decision);
  if (got.info.retryAfter === undefined || fresh.window === undefined) return fresh;
  const toKeep: AriCache = {
    certId, ...fresh.window, ...(fresh.explanationUrl !== undefined ? { explanationUrl: fresh.explanationUrl } : {}),
    renewAt: fresh.renewAt ?? iso(decision.renewAt),
    retryAfter: iso(got.info.retryAfter), fetchedAt: iso(now()),
  };
  return { ...fresh, toKeep };
}

function report(certId: string, info: RenewalInfo, decision: ReturnType<typeof decideAri>): AriReport {
  return {
    certId,
    window: { start: iso(info.start), end: iso(info.end) },
    ...(info.explanationUrl !== undefined ? { explanationUrl: info.explanationUrl } : {}),
    renewAt: iso(decision.renewAt),
    ...(info.retryAfter !== undefined ? { retryAfter: iso(info.retryAfter) } : {}),
    due: decision.due,
    reason: decision.reason,
    replaceable: true,
  };
}

/** The one line renew and cert inspect print about ARI. */
export function ariLine(a: AriReport): string {
  if (a.fallback === true) return `ARI: not used (${a.reason}); the lifetime window decides`;
  const explanation = a.explanationUrl !== undefined ? `; explanation: ${a.explanationUrl}` : '';
  const kept = a.keptUntil !== undefined ? ` (the CA's answer kept until ${a.keptUntil}, as its Retry-After asks)` : '';
  return `ARI: suggested window ${a.window?.start} – ${a.window?.end}${explanation}; ${a.due ? 'due' : 'not due'}: ${a.reason}${kept}`;
}

/** Due by lifetime or by ARI, and why, in words: ARI's reason first when it says due. */
export function combine(lifetimeDue: boolean, ari: AriReport | undefined): { due: boolean; dueReason?: string } {
  if (ari?.due === true) return { due: true, dueReason: ari.reason };
  if (lifetimeDue) return { due: true, dueReason: 'lifetime window: a third of the lifetime left (half under 10 days)' };
  return { due: false };
}

/** The certificate with its ARI report (ACME certificates only) and the reason it is due. */
export async function withAri(c: ManagedCert, sys: System, o: AriOptions = {}): Promise<ManagedCert> {
  // Missing or unreadable: the problem is the reason, and there is nothing to ask ARI about.
  if (c.daysLeft === undefined) return c;
  const pem = c.record.method === 'letsencrypt' ? await sys.readText(c.certPath) : undefined;
  const ari = pem === undefined ? undefined : await ariFor(sys, c.record.answers, pem, { ...o, cacheName: c.name });
  return { ...c, ...(ari !== undefined ? { ari } : {}), ...combine(c.due, ari) };
}
