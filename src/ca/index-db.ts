// openssl ca's database (index.txt): one certificate a line, tab-separated:
// status (V valid, R revoked, E expired), expiry, revocation[,reason], serial (hex), file, subject.

export interface IndexEntry {
  readonly status: 'valid' | 'revoked' | 'expired';
  readonly expires: Date;
  readonly revoked?: Date;
  readonly reason?: string;
  readonly serial: string;
  readonly subject: string;
  /** The CN, when the subject has one. */
  readonly cn?: string;
}

/** YYMMDDHHMMSSZ (years 1950–2049, RFC 5280) or YYYYMMDDHHMMSSZ. */
export function parseOpensslTime(text: string): Date | undefined {
  const m = /^(\d{2}|\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  let year = Number(m[1]);
  if (m[1]?.length === 2) year += year < 50 ? 2000 : 1900;
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

export function parseIndex(text: string, now = new Date()): IndexEntry[] {
  const entries: IndexEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const [flag, expiry, revocation, serial, , subject] = line.split('\t');
    const expires = parseOpensslTime(expiry ?? '');
    if (expires === undefined || serial === undefined || subject === undefined) continue;
    const [revokedAt, reason] = (revocation ?? '').split(',');
    const revoked = revokedAt ? parseOpensslTime(revokedAt) : undefined;
    const status = flag === 'R' ? 'revoked' : flag === 'E' || expires <= now ? 'expired' : 'valid';
    const cn = /\/CN=([^/]*)/.exec(subject)?.[1];
    entries.push({
      status,
      expires,
      serial,
      subject,
      ...(revoked ? { revoked } : {}),
      ...(reason ? { reason } : {}),
      ...(cn !== undefined ? { cn } : {}),
    });
  }
  return entries;
}

export function daysLeft(entry: IndexEntry, now = new Date()): number {
  return Math.floor((entry.expires.getTime() - now.getTime()) / 86_400_000);
}
