// The seed's three ways to get the application certificate, explained, and one recommended from
// what the operator says about the site; cert-choose.ts asks the questions (`lockstep cert`).
import type { Table } from '../core/events.js';

export interface ChoiceInput {
  /** Reachable from the Internet under a public DNS name. */
  readonly public?: boolean;
  /** The CA can reach this server on port 80. */
  readonly port80?: boolean;
  /** TXT records can be created in the name's DNS zone (by hand or an API). */
  readonly dns?: boolean;
  /** Policy requires a commercial CA (OV/EV, a contract, a warranty). */
  readonly vendorRequired?: boolean;
}

export interface Recommendation {
  readonly choice: 'letsencrypt' | 'purchased' | 'private-ca';
  readonly why: string;
  readonly command: string;
}

/** The three ways side by side, shown before the first question: what each needs, costs and how it renews. */
export const CERT_WAYS: Table = {
  title: 'Three ways to get the certificate (the site is served over HTTPS only)',
  columns: ['', "Let's Encrypt", 'Purchased from a vendor', 'Your private CA (or self-signed)'],
  rows: [
    ['needs', 'a public DNS name, and port 80 open to the CA (HTTP-01) or TXT records in its DNS zone (DNS-01)', 'a vendor (DigiCert, Sectigo…): lockstep makes the key and the CSR you send them', 'your own CA (lockstep ca init makes one); every client must trust its root (lockstep ca distribute)'],
    ['costs', 'nothing', 'a yearly fee; validation can take days', 'nothing; the work is putting the root on the clients'],
    ['renews', 'by itself: lockstep renew, twice a day from the timer', 'by ordering again: lockstep renew makes a fresh CSR and reminds you', 'lockstep renew signs it again (asks the CA\'s passphrase); self-signed: made again by hand'],
    ['for', 'public sites', 'a policy that requires a commercial CA', 'internal hosts, CouchDB replication'],
  ],
  wrapAll: true,
};

export function recommend(i: ChoiceInput): Recommendation | undefined {
  if (i.vendorRequired === true) {
    return { choice: 'purchased', why: 'your policy requires a certificate from a commercial CA', command: 'lockstep cert purchased --domain NAME --org ORG --country CC' };
  }
  if (i.public === false) {
    return { choice: 'private-ca', why: 'the site is internal: no public CA can check the name, and your own CA keeps it off public logs', command: 'lockstep ca sign --host NAME (after lockstep ca init)' };
  }
  if (i.public !== true) return undefined;
  if (i.port80 !== false) {
    return { choice: 'letsencrypt', why: 'a public name reachable on port 80 is all HTTP-01 needs', command: 'lockstep cert letsencrypt --domain NAME --email ADDRESS --agree-tos' };
  }
  if (i.dns === true) {
    return { choice: 'letsencrypt', why: 'port 80 is closed but you control the DNS: DNS-01 proves the name with a TXT record', command: 'lockstep cert letsencrypt --challenge dns-01 --domain NAME --email ADDRESS --agree-tos [--dns-hook CMD]' };
  }
  return { choice: 'purchased', why: 'neither port 80 nor the DNS zone is open to an automatic check (opening either makes Let\'s Encrypt possible)', command: 'lockstep cert purchased --domain NAME --org ORG --country CC' };
}
