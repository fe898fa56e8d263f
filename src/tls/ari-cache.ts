// The ACME server's renewal information kept until its Retry-After (RFC 9773 §4.3): a timer that
// runs twice a day must not ask sooner than the CA asked it to, and the random moment picked in
// the window stays the same from run to run. One file per certificate name under
// /var/lib/lockstep/ari/, keyed by the certificate's ID, so a renewed certificate is asked about
// afresh. Written as an action of renewal's closing stage (previewed, journaled), read as a fact.
import { z } from 'zod';
import type { WriteFileAction } from '../core/actions.js';
import type { System } from '../core/system.js';

export const ARI_CACHE_DIR = '/var/lib/lockstep/ari';
export const ariCachePath = (name: string): string => `${ARI_CACHE_DIR}/${name.replace(/[^A-Za-z0-9.-]/g, '_')}.json`;

export const ariCacheSchema = z.object({
  certId: z.string().min(1),
  start: z.string().min(1),
  end: z.string().min(1),
  explanationUrl: z.string().optional(),
  /** The random moment this machine picked in the window, once. */
  renewAt: z.string().min(1),
  /** Until when the CA asked not to be asked again. */
  retryAfter: z.string().min(1),
  fetchedAt: z.string().min(1),
});
export type AriCache = z.infer<typeof ariCacheSchema>;

/** The kept answer for `certId`, while its Retry-After has not passed; else undefined. */
export async function readAriCache(sys: System, name: string, certId: string, now: number): Promise<AriCache | undefined> {
  const text = await sys.readText(ariCachePath(name));
  if (text === undefined) return undefined;
  let parsed;
  try {
    parsed = ariCacheSchema.safeParse(JSON.parse(text));
  } catch {
    return undefined; // a torn or hand-edited file: ask the CA again, and write it anew
  }
  if (!parsed.success || parsed.data.certId !== certId) return undefined;
  return Date.parse(parsed.data.retryAfter) > now ? parsed.data : undefined;
}

export function ariCacheAction(name: string, entry: AriCache): WriteFileAction {
  return {
    kind: 'write',
    title: `Keep the ACME server's renewal information for ${name} until ${entry.retryAfter} (its Retry-After)`,
    path: ariCachePath(name),
    content: `${JSON.stringify(ariCacheSchema.parse(entry), null, 2)}\n`,
    mode: 0o644,
  };
}
