// Certificates nginx serves that lockstep does not manage (made by hand, by certbot, by a
// vendor's installer): found through the ssl_certificate lines of nginx's configuration, so
// renew can say when one is about to expire, even though it cannot renew it.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { System } from '../core/system.js';
import { describeCert } from '../pki/x509.js';
import type { ManagedCert } from './managed.js';

/** Where nginx's site files are on Debian and Ubuntu (and in lockstep's own conf.d files). */
const PLACES = ['/etc/nginx/nginx.conf', '/etc/nginx/conf.d', '/etc/nginx/sites-enabled'];

/** The ssl_certificate paths of one file's text (not ssl_certificate_key, not commented out). */
export function certificatePaths(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*ssl_certificate\s+("?)([^";\s]+)\1\s*;/.exec(line.replace(/#.*$/, ''));
    if (m !== null) out.push(m[2]!);
  }
  return out;
}

/** The nginx configuration files lockstep reads (nginx.conf, conf.d/, sites-enabled/), as target paths. */
export async function nginxConfigFiles(sys: System): Promise<string[]> {
  const found: string[] = [];
  for (const place of PLACES) {
    const st = await sys.stat(place);
    if (st === undefined) continue;
    if (!st.isDirectory()) {
      found.push(place);
      continue;
    }
    const names = await fs.readdir(sys.real(place)).catch(() => [] as string[]);
    for (const n of names.sort()) if (!n.startsWith('.')) found.push(path.posix.join(place, n));
  }
  return found;
}

/**
 * Each certificate nginx names that is not one of `managed` (compared as files, so lockstep's
 * own sites, which name live/<name>/fullchain.pem under --root, are not listed twice).
 */
export async function findInNginx(sys: System, managed: readonly ManagedCert[], now = Date.now()): Promise<ManagedCert[]> {
  const known = new Set<string>();
  for (const m of managed) {
    const dir = path.posix.dirname(m.certPath);
    for (const f of [m.certPath, path.posix.join(dir, 'fullchain.pem')]) known.add(sys.real(f));
  }
  const out: ManagedCert[] = [];
  const seen = new Set<string>();
  for (const file of await nginxConfigFiles(sys)) {
    const text = await sys.readText(file).catch(() => undefined);
    if (text === undefined) continue;
    for (const named of certificatePaths(text)) {
      // nginx opens what the file says; lockstep's sites under --root already name real paths.
      const real = sys.root !== '/' && named.startsWith(sys.root) ? named : sys.real(named);
      if (known.has(real) || seen.has(real)) continue;
      seen.add(real);
      const shown = sys.root !== '/' && real.startsWith(sys.root) ? real.slice(sys.root.length) || '/' : real;
      const record = { method: 'found' as const, command: '', answers: {} };
      const base = { name: shown, record, certPath: shown, foundIn: file, names: [] as string[] };
      let pem: string | undefined;
      try {
        pem = await fs.readFile(real, 'utf8');
      } catch (error) {
        out.push({ ...base, due: true, problem: `${shown} (named in ${file}) cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
        continue;
      }
      try {
        const d = describeCert(pem, now);
        out.push({ ...base, name: d.names[0] ?? shown, names: d.names, issuer: d.issuer, notBefore: d.notBefore, notAfter: d.notAfter, daysLeft: d.daysLeft, lifetimeDays: d.lifetimeDays, renewFrom: d.renewFrom, due: d.due });
      } catch (error) {
        out.push({ ...base, due: true, problem: `${shown} (named in ${file}) is not a certificate: ${(error as Error).message}` });
      }
    }
  }
  return out;
}

/** How to renew a certificate lockstep found but does not manage. */
export function foundAdvice(c: ManagedCert): string {
  const domain = c.names.length > 0 ? c.names.join(',') : 'NAME';
  if (c.certPath.startsWith('/etc/ssl/lockstep/')) {
    return `it was made by lockstep cert self-signed (nginx serves it from ${c.certPath}): make it again with lockstep cert self-signed --host ${domain} --overwrite, then reload nginx (lockstep web reload)`;
  }
  return `it is not managed by lockstep (nginx serves it from ${c.certPath}, named in ${c.foundIn ?? 'nginx'}): renew it the way it was made, or let lockstep manage it — lockstep cert letsencrypt --domain ${domain} …, or lockstep cert install for a vendor's certificate, then lockstep web https`;
}
