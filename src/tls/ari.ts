// ACME Renewal Information (RFC 9773): a CA that advertises `renewalInfo` in its directory
// suggests, per certificate, a window in which to renew it — and moves that window into the
// past when the certificate must go early (revoked, a mis-issuance, a CA incident). The pure
// parts (the certificate's ID, the decision) take the random number and the clock as
// arguments so they can be tested as data; the fetch is at the end, with a short deadline,
// because a renewal timer must never hang on an unreachable CA.
import https from 'node:https';

/** One DER element: its tag byte and where its contents are in the buffer. */
interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
}

function readTlv(der: Uint8Array, at: number): Tlv {
  const tag = der[at];
  const first = der[at + 1];
  if (tag === undefined || first === undefined) throw new Error('truncated DER');
  let length = first;
  let start = at + 2;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n === 0 || n > 4) throw new Error('unsupported DER length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + (der[start + i] ?? 0);
    start += n;
  }
  if (start + length > der.length) throw new Error('truncated DER');
  return { tag, start, end: start + length };
}

function children(der: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.start; at < parent.end; at = out[out.length - 1]?.end ?? parent.end) out.push(readTlv(der, at));
  return out;
}

const AKI_OID = Buffer.from([0x55, 0x1d, 0x23]); // 2.5.29.35 authorityKeyIdentifier

/**
 * RFC 9773 §4.1: base64url of the Authority Key Identifier's keyIdentifier, ".", base64url of
 * the serial number's DER INTEGER contents (with its leading zero, if any). Read from the DER
 * itself, so the serial's bytes are exactly the ones the CA signed.
 */
export function ariCertId(der: Uint8Array): string {
  const bytes = Buffer.from(der);
  const outer = readTlv(bytes, 0);
  const tbs = outer.tag === 0x30 ? children(bytes, outer)[0] : undefined;
  if (tbs?.tag !== 0x30) throw new Error('not a certificate');
  const fields = children(bytes, tbs);
  const serial = fields[fields[0]?.tag === 0xa0 ? 1 : 0];
  if (serial?.tag !== 0x02) throw new Error('not a certificate: no serial number');
  const extensions = fields.find((f) => f.tag === 0xa3);
  let keyId: Buffer | undefined;
  for (const ext of extensions === undefined ? [] : children(bytes, children(bytes, extensions)[0] ?? extensions)) {
    const parts = children(bytes, ext);
    const oid = parts[0];
    const value = parts[parts.length - 1];
    if (oid === undefined || value === undefined || !bytes.subarray(oid.start, oid.end).equals(AKI_OID)) continue;
    const id = children(bytes, readTlv(bytes, value.start)).find((t) => t.tag === 0x80); // keyIdentifier [0] IMPLICIT
    if (id !== undefined) keyId = bytes.subarray(id.start, id.end);
  }
  if (keyId === undefined) throw new Error('the certificate has no Authority Key Identifier, so ARI cannot name it');
  return `${keyId.toString('base64url')}.${bytes.subarray(serial.start, serial.end).toString('base64url')}`;
}

export interface RenewalInfo {
  readonly start: number;
  readonly end: number;
  readonly explanationUrl?: string;
  /** When the CA asks to be asked again (its Retry-After). */
  readonly retryAfter?: number;
}

/** The JSON of a renewalInfo response and its Retry-After header; throws on anything malformed. */
export function parseRenewalInfo(body: string, retryAfter: string | undefined, now: number): RenewalInfo {
  const data = JSON.parse(body) as { suggestedWindow?: { start?: unknown; end?: unknown }; explanationURL?: unknown };
  const start = typeof data.suggestedWindow?.start === 'string' ? Date.parse(data.suggestedWindow.start) : NaN;
  const end = typeof data.suggestedWindow?.end === 'string' ? Date.parse(data.suggestedWindow.end) : NaN;
  if (Number.isNaN(start) || Number.isNaN(end)) throw new Error('no suggestedWindow with a start and an end');
  // §4.2: a window whose end is not after its start is invalid.
  if (end <= start) throw new Error('the suggestedWindow ends before it starts');
  const explanationUrl = typeof data.explanationURL === 'string' ? data.explanationURL : undefined;
  const retry = retryAfter === undefined ? NaN : /^[0-9]+$/.test(retryAfter.trim()) ? now + Number(retryAfter) * 1000 : Date.parse(retryAfter);
  return { start, end, ...(explanationUrl !== undefined ? { explanationUrl } : {}), ...(Number.isNaN(retry) ? {} : { retryAfter: retry }) };
}

export interface AriDecision {
  readonly due: boolean;
  /** The moment picked at random inside the window. */
  readonly renewAt: number;
  readonly reason: string;
}

export const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The moment picked uniformly at random inside the window (`random` in [0, 1)). */
export const momentIn = (info: Pick<RenewalInfo, 'start' | 'end'>, random: number): number => info.start + Math.min(Math.max(random, 0), 1) * (info.end - info.start);

/**
 * §4.2: renew once the window's random moment has passed, at once when the whole window lies in
 * the past, and now when the moment comes before the next scheduled run (`nextRun`, epoch ms:
 * waiting for that run would renew after the moment the CA suggested).
 */
export function decideAri(info: Pick<RenewalInfo, 'start' | 'end'>, random: number, now: number, nextRun?: { readonly at: number; readonly by: string }): AriDecision {
  const renewAt = momentIn(info, random);
  if (now >= info.end) return { due: true, renewAt, reason: `ARI window opened ${iso(info.start)} and ended ${iso(info.end)}: renew now` };
  if (now >= renewAt) return { due: true, renewAt, reason: `ARI window opened ${iso(info.start)}, its random moment ${iso(renewAt)} has passed` };
  if (nextRun !== undefined && renewAt < nextRun.at) {
    const when = now < info.start ? `opens ${iso(info.start)}` : `opened ${iso(info.start)}`;
    return { due: true, renewAt, reason: `ARI window ${when}, its random moment ${iso(renewAt)} comes before the next scheduled run (${nextRun.by}, by ${iso(nextRun.at)}): renew now` };
  }
  const when = now < info.start ? `opens ${iso(info.start)}` : `opened ${iso(info.start)}`;
  return { due: false, renewAt, reason: `ARI window ${when}, renew at ${iso(renewAt)}` };
}

/** A GET with one deadline for the whole exchange; JSON bodies only, at most 64 KiB. */
function get(url: string, ca: Buffer | undefined, signal: AbortSignal): Promise<{ status: number; body: string; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ...(ca !== undefined ? { ca } : {}), signal, headers: { accept: 'application/json' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('error', (e) => reject(signal.aborted ? new Error(`no answer within the time limit (${url})`) : e));
      res.on('data', (d: string) => {
        body += d;
        if (body.length > 65_536) req.destroy(new Error('the answer is larger than 64 KiB'));
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ...(typeof res.headers['retry-after'] === 'string' ? { retryAfter: res.headers['retry-after'] } : {}) }));
    });
    req.on('error', (e) => reject(signal.aborted ? new Error(`no answer within the time limit (${url})`) : e));
  });
}

export type AriFetch = { readonly ok: true; readonly info: RenewalInfo; readonly url: string } | { readonly ok: false; readonly reason: string };

/** The directory's renewalInfo URL, or why there is none. */
export type DirectoryAnswer = { readonly renewalInfo: string } | { readonly reason: string };

async function renewalInfoBase(directoryUrl: string, ca: Buffer | undefined, signal: AbortSignal): Promise<DirectoryAnswer> {
  try {
    const dir = await get(directoryUrl, ca, signal);
    if (dir.status !== 200) return { reason: `the ACME directory answered HTTP ${dir.status}` };
    const base = (JSON.parse(dir.body) as { renewalInfo?: unknown }).renewalInfo;
    return typeof base === 'string' && base !== '' ? { renewalInfo: base } : { reason: 'the ACME server offers no renewalInfo' };
  } catch (error) {
    return { reason: `renewalInfo could not be read: ${(error as Error).message}` };
  }
}

export interface FetchOptions {
  readonly ca?: Buffer;
  readonly timeoutMs?: number;
  readonly now?: () => number;
  /**
   * Directory answers already had in this run, by URL: several certificates of one CA ask it
   * once, and an unreachable CA costs one timeout, not one per certificate.
   */
  readonly directories?: Map<string, Promise<DirectoryAnswer>>;
}

/**
 * Asks the ACME server for the certificate's renewal information. Never throws: whatever goes
 * wrong (no renewalInfo, the network, a 404, bad JSON) comes back as a reason, and the caller
 * falls back to the lifetime window.
 */
export async function fetchRenewalInfo(directoryUrl: string, certId: string, o: FetchOptions = {}): Promise<AriFetch> {
  const signal = AbortSignal.timeout(o.timeoutMs ?? 10_000);
  let dir = o.directories?.get(directoryUrl);
  if (dir === undefined) {
    dir = renewalInfoBase(directoryUrl, o.ca, signal);
    o.directories?.set(directoryUrl, dir);
  }
  const base = await dir;
  if (!('renewalInfo' in base)) return { ok: false, reason: base.reason };
  // RFC 9773 appends "/<certID>"; a trailing slash in the directory's URL would make two (and
  // Pebble answers those with a redirect).
  const url = `${base.renewalInfo.replace(/\/+$/, '')}/${certId}`;
  try {
    const r = await get(url, o.ca, signal);
    if (r.status !== 200) {
      let detail: string | undefined;
      try {
        detail = (JSON.parse(r.body) as { detail?: string }).detail;
      } catch {
        detail = undefined;
      }
      return { ok: false, reason: `renewalInfo answered HTTP ${r.status}${detail !== undefined ? ` (${detail.trim()})` : ''}` };
    }
    return { ok: true, url, info: parseRenewalInfo(r.body, r.retryAfter, (o.now ?? Date.now)()) };
  } catch (error) {
    return { ok: false, reason: `renewalInfo could not be read: ${(error as Error).message}` };
  }
}
