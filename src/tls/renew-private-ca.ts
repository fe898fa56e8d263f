// Renewal of a private-CA host certificate: what `ca sign` needs to sign it again (its other
// names, key type and lifetime) and what `cert install` needs to put the new one into live/.
// The renewal sequence (flows/renew-stages.ts) runs those steps; the root key's passphrase is
// asked there, or comes from --passphrase-file / LOCKSTEP_PASSPHRASE, and is never stored.
import type { X509Certificate } from 'node:crypto';
import type { CaLayout } from '../ca/layout.js';
import { HOST_MAX_DAYS } from '../ca/org-config.js';
import type { KeyType } from '../pki/key-types.js';
import { crlUrlOf, extraSans, keyTypeOf, lifetimeDays } from '../pki/x509.js';
import type { ManagedCert } from './managed.js';

/** What `ca sign` needs to sign `old` again: its other subjectAltNames, key type, lifetime (at most 825 days) and CRL URL. */
export function resignAnswers(old: X509Certificate, host: string): { san: string; keyType: KeyType; days: number; crlUrl: string } {
  // The CRL it names, named again (none when it named none).
  return { san: extraSans(old, host), keyType: keyTypeOf(old), days: Math.min(HOST_MAX_DAYS, Math.max(1, lifetimeDays(old))), crlUrl: crlUrlOf(old) ?? '' };
}

/** What `cert install` needs to put the CA's new certificate for `c` into live/<liveName>/. */
export function installAnswers(c: ManagedCert, layout: CaLayout, liveName: string): { domain: string[]; cert: string; key: string; trustStore: string; caDir: string; caName: string } {
  const domains = (c.record.answers.domain as readonly string[] | undefined) ?? [liveName];
  return { domain: [...domains], cert: layout.hostFile(c.name, 'crt'), key: layout.hostFile(c.name, 'key'), trustStore: layout.cert, caDir: layout.dir, caName: layout.name };
}
