// The seed's three ways to get the application certificate, explained, and one recommended from
// what the operator says about the site; cert-choose.ts asks the questions (`lockstep cert`).

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

export const CERT_OPTIONS: readonly string[] = [
  "Let's Encrypt — free and automatic, renewed by lockstep renew. Needs a public DNS name: the CA checks a token over HTTP on port 80 (HTTP-01) or a TXT record in your DNS (DNS-01, also for hosts not reachable from the Internet). Command: lockstep cert letsencrypt.",
  'Purchased — a vendor such as DigiCert or Sectigo signs a CSR you make here; for organisations whose policy requires it. Renewal means ordering again. Commands: lockstep cert purchased, then lockstep cert install.',
  'Self-signed / private CA — for internal hosts: no outside party, but every client must trust your root certificate (lockstep ca distribute). Commands: lockstep ca sign, or lockstep cert self-signed.',
];

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
