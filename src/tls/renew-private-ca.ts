// Renewal of a private-CA host certificate when the operator hands `renew` the root key's
// passphrase (never stored): the CA's own steps revoke the old certificate (superseded) and sign
// a new one with the same names, key type and lifetime; when the certificate was installed into
// /etc/lockstep/live/ (cert install), `cert install` copies the new one there, so nginx can be
// reloaded and checked.
import { X509Certificate } from 'node:crypto';
import { PresetAnswers, type FlagValue } from '../core/answers.js';
import { NonInteractivePrompter } from '../core/prompter.js';
import { caLayout, type CaLayout } from '../ca/layout.js';
import { HOST_MAX_DAYS } from '../ca/org-config.js';
import { FLOWS } from '../flows/index.js';
import { Session } from '../flows/session.js';
import { eventLines } from '../ui/text/format.js';
import type { KeyType } from './key-types.js';
import type { ManagedCert } from './managed.js';

export interface PrivateCaRenewal {
  readonly root: string;
  readonly caDir: string;
  readonly caName: string;
  /** --passphrase-file; without it the CA's steps read LOCKSTEP_PASSPHRASE. */
  readonly passphraseFile?: string;
  readonly json: boolean;
}

/** The key type of a certificate's public key, in `ca sign`'s terms (rsa2048 when unsure). */
export function keyTypeOf(cert: X509Certificate): KeyType {
  const d = cert.publicKey.asymmetricKeyDetails ?? {};
  if (cert.publicKey.asymmetricKeyType === 'ec') return d.namedCurve === 'secp384r1' ? 'ec-p384' : 'ec-p256';
  const bits = d.modulusLength ?? 2048;
  return bits >= 4096 ? 'rsa4096' : bits >= 3072 ? 'rsa3072' : 'rsa2048';
}

/** The subjectAltNames besides the host itself, as `ca sign --san` takes them. */
export function extraSans(cert: X509Certificate, host: string): string {
  return (cert.subjectAltName ?? '')
    .split(/,\s*/)
    .map((e) => e.replace(/^IP Address:/, 'IP:'))
    .filter((e) => (e.startsWith('DNS:') || e.startsWith('IP:')) && e !== `DNS:${host}`)
    .join(',');
}

/** What `ca sign` needs to sign `old` again: its other subjectAltNames, key type and lifetime (at most 825 days). */
export function resignAnswers(old: X509Certificate, host: string): { san: string; keyType: KeyType; days: number } {
  const days = Math.min(HOST_MAX_DAYS, Math.max(1, Math.round((Date.parse(old.validTo) - Date.parse(old.validFrom)) / 86_400_000)));
  return { san: extraSans(old, host), keyType: keyTypeOf(old), days };
}

/** What `cert install` needs to put the CA's new certificate for `c` into live/<liveName>/. */
export function installAnswers(c: ManagedCert, layout: CaLayout, liveName: string): { domain: string[]; cert: string; key: string; trustStore: string } {
  const domains = (c.record.answers.domain as readonly string[] | undefined) ?? [liveName];
  return { domain: [...domains], cert: layout.hostFile(c.name, 'crt'), key: layout.hostFile(c.name, 'key'), trustStore: layout.cert };
}

/** The same certificate again, from the CA's steps; returns what went wrong, if anything. */
export async function resignHost(c: ManagedCert, o: PrivateCaRenewal, out: (line: string) => void): Promise<string | undefined> {
  const layout = caLayout(o.caDir, o.caName);
  const host = c.name;
  const session0 = new Session({ root: o.root, source: new PresetAnswers(new Map()), dryRun: true, yes: true });
  const pem = await session0.sys.readText(layout.hostFile(host, 'crt'));
  if (pem === undefined) return `${layout.hostFile(host, 'crt')} is missing`;
  const again = resignAnswers(new X509Certificate(pem), host);
  const common: [string, FlagValue][] = [['caDir', o.caDir], ['caName', o.caName], ...(o.passphraseFile !== undefined ? [['passphrase', o.passphraseFile] as [string, FlagValue]] : [])];
  const steps: { command: string; flags: [string, FlagValue][] }[] = [
    { command: 'ca revoke', flags: [...common, ['host', host], ['reason', 'superseded']] },
    { command: 'ca sign', flags: [...common, ['host', host], ['san', again.san], ['keyType', again.keyType], ['days', String(again.days)]] },
  ];
  if (c.liveName !== undefined) steps.push({ command: 'cert install', flags: Object.entries(installAnswers(c, layout, c.liveName)) });
  for (const s of steps) {
    const flow = FLOWS.find((f) => f.command === s.command);
    if (flow === undefined) return `this lockstep does not know "${s.command}"`;
    const session = new Session({ root: o.root, source: new PresetAnswers(new Map(s.flags)), dryRun: false, yes: true });
    if (!o.json) session.bus.subscribe((e) => out(eventLines(e).map((l) => `  ${l}`).join('\n')));
    try {
      const outcome = await session.run(flow, new NonInteractivePrompter());
      if (!outcome.ok) return `lockstep ${s.command} did not pass verification`;
    } catch (error) {
      return `lockstep ${s.command}: ${(error as Error).message}`;
    }
  }
  return undefined;
}
