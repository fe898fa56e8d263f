// `lockstep cert inspect FILE | --domain NAME`: what a certificate says, and whether and when
// lockstep would renew it — for an ACME certificate of --domain also what its CA's renewal
// information (ARI) says, as renew would see it.
import fs from 'node:fs/promises';
import { UserError } from '../core/errors.js';
import { operatorPath } from '../core/paths.js';
import { System } from '../core/system.js';
import { ariFor, ariLine, combine, type AriReport } from './ari-status.js';
import { loadCertificates } from './cert-bundle.js';
import { subjectLine } from '../pki/x509.js';
import { livePath } from './live-layout.js';
import { describeCert } from '../pki/x509.js';
import { renewalRecordOf, type StoredRenewalRecord } from './renewal-record.js';

/** The renewal record of --domain, when it is an ACME one (the directory and its TLS root are in it). */
async function acmeRecord(sys: System, domain: string | undefined): Promise<StoredRenewalRecord | undefined> {
  const record = domain === undefined ? undefined : await renewalRecordOf(sys, domain);
  return record?.method === 'letsencrypt' ? record : undefined;
}

export async function inspect(root: string, file: string | undefined, domain: string | undefined, json: boolean): Promise<string> {
  const sys = new System(root);
  if ((file === undefined) === (domain === undefined)) throw new UserError('cert inspect needs a FILE or --domain NAME (one of them).');
  const target = file ?? livePath(domain ?? '', 'cert');
  let data: Buffer;
  try {
    data = await fs.readFile(file !== undefined ? operatorPath(file) : sys.real(target));
  } catch {
    throw new UserError(file !== undefined ? `Cannot read ${file}.` : `--domain ${domain}: lockstep has no certificate for it (${target} is missing).`);
  }
  let certs;
  try {
    certs = (await loadCertificates(data, file ?? target)).certs;
  } catch (error) {
    throw new UserError(`${(error as Error).message}.`);
  }
  const record = await acmeRecord(sys, domain);
  const leaf = certs[0];
  const ari: AriReport | undefined = record !== undefined && leaf !== undefined ? await ariFor(sys, record.answers, leaf.toString()) : undefined;
  const described = certs.map((c, i) => {
    const d = describeCert(c.toString());
    const withAri = i === 0 && !c.ca ? combine(d.due, ari) : { due: d.due };
    return {
      subject: subjectLine(c), issuer: d.issuer, names: d.names, serial: c.serialNumber, fingerprint256: c.fingerprint256,
      notBefore: d.notBefore, notAfter: d.notAfter, daysLeft: d.daysLeft, lifetimeDays: d.lifetimeDays, renewFrom: d.renewFrom,
      ...withAri, ...(i === 0 && ari !== undefined ? { ari } : {}), ca: c.ca,
    };
  });
  if (json) return JSON.stringify({ file: target, certificates: described });
  return described
    .map((d, i) =>
      [
        `${i === 0 ? 'Certificate' : `Chain ${i}`}: ${d.subject}`,
        `  issuer:   ${d.issuer}`,
        ...(d.names.length ? [`  names:    ${d.names.join(', ')}`] : []),
        `  valid:    ${d.notBefore} → ${d.notAfter} (${d.lifetimeDays} days, ${d.daysLeft} left)`,
        ...(i === 0 && !d.ca ? [`  renewal:  ${d.due ? `due now (${d.dueReason ?? 'lifetime window'})` : `from ${d.renewFrom.slice(0, 10)} (lifetime window: a third of the lifetime left; half under 10 days)`}`] : []),
        ...(i === 0 && d.ari !== undefined ? [`  ${ariLine(d.ari).replace(/^ARI: /, 'ARI:      ')}`] : []),
        `  SHA-256:  ${d.fingerprint256}`,
      ].join('\n'),
    )
    .join('\n');
}
