// Renewal of a purchased certificate: only a person can order from the vendor, so renew makes
// what the order needs — a fresh key and CSR through `cert purchased`'s own step, with the names,
// organisation fields and key type of the certificate in use — and says what to do with them.
// The live files stay in use until `cert install` puts the vendor's answer there. A CSR still
// waiting for its certificate is shown again rather than replaced (the timer runs daily).
import { X509Certificate } from 'node:crypto';
import { PresetAnswers, type FlagValue } from '../core/answers.js';
import { NonInteractivePrompter } from '../core/prompter.js';
import { System } from '../core/system.js';
import { FLOWS } from '../flows/index.js';
import { Session } from '../flows/session.js';
import { eventLines } from '../ui/text/format.js';
import { archivePath, lastArchiveVersion } from './live-layout.js';
import type { ManagedCert } from './managed.js';
import { csrFingerprint } from './purchased.js';
import { keyTypeOf } from './renew-private-ca.js';

export type FreshCsr =
  | { readonly ok: true; readonly csrPath: string; readonly fingerprint: string; readonly waiting: boolean }
  | { readonly ok: false; readonly missing?: string; readonly message: string };

/** The subject's C, ST, L and O of the certificate in use, as cert purchased's answers. */
function subjectAnswers(pem: string | undefined): Record<string, string> {
  if (pem === undefined) return {};
  const out: Record<string, string> = {};
  const keys: Record<string, string> = { C: 'country', ST: 'state', L: 'locality', O: 'org' };
  for (const line of ((new X509Certificate(pem).subject as string | undefined) ?? '').split('\n')) {
    const [k, ...v] = line.split('=');
    const id = keys[k ?? ''];
    if (id !== undefined) out[id] = v.join('=');
  }
  return out;
}

/** A CSR made earlier whose certificate has not come back yet (the newest archive version has no cert). */
export async function waitingCsr(sys: System, name: string): Promise<{ readonly path: string; readonly pem: string } | undefined> {
  const version = await lastArchiveVersion(sys, name);
  if (version === 0 || (await sys.stat(archivePath(name, 'cert', version))) !== undefined) return undefined;
  const pem = await sys.readText(archivePath(name, 'csr', version));
  return pem === undefined ? undefined : { path: archivePath(name, 'csr', version), pem };
}

/** cert purchased's answers for ordering `c` again: the record's, filled in from the certificate in use. */
export async function reorderAnswers(c: ManagedCert, sys: System): Promise<Record<string, unknown>> {
  const livePem = await sys.readText(c.certPath);
  const recorded = c.record.answers as Record<string, unknown>;
  return {
    ...subjectAnswers(livePem),
    ...(livePem !== undefined ? { keyType: keyTypeOf(new X509Certificate(livePem)) } : {}),
    ...recorded,
    domain: (recorded.domain as readonly string[] | undefined) ?? (c.names.length > 0 ? c.names : [c.name]),
  };
}

export async function freshCsr(c: ManagedCert, root: string, json: boolean, out: (line: string) => void): Promise<FreshCsr> {
  const sys = new System(root);
  const waiting = await waitingCsr(sys, c.name);
  if (waiting !== undefined) return { ok: true, csrPath: waiting.path, fingerprint: csrFingerprint(waiting.pem), waiting: true };
  const answers = await reorderAnswers(c, sys);
  for (const id of ['org', 'country'] as const) {
    if (typeof answers[id] !== 'string' || answers[id] === '') return { ok: false, missing: `--${id}`, message: `neither the renewal record nor the certificate names the ${id === 'org' ? 'organisation' : 'country'}` };
  }
  const flags = new Map<string, FlagValue>(
    Object.entries(answers).flatMap(([k, v]): [string, FlagValue][] => (typeof v === 'string' || Array.isArray(v) ? [[k, v as FlagValue]] : [])),
  );
  const flow = FLOWS.find((f) => f.command === 'cert purchased');
  if (flow === undefined) return { ok: false, message: 'this lockstep does not know "cert purchased"' };
  const session = new Session({ root, source: new PresetAnswers(flags), dryRun: false, yes: true });
  if (!json) session.bus.subscribe((e) => out(eventLines(e).map((l) => `  ${l}`).join('\n')));
  try {
    const outcome = await session.run(flow, new NonInteractivePrompter());
    if (!outcome.ok) return { ok: false, message: 'the new CSR did not pass its checks' };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  const n = await lastArchiveVersion(sys, c.name);
  const pem = await sys.readText(archivePath(c.name, 'csr', n));
  if (pem === undefined) return { ok: false, message: `${archivePath(c.name, 'csr', n)} is missing` };
  return { ok: true, csrPath: archivePath(c.name, 'csr', n), fingerprint: csrFingerprint(pem), waiting: false };
}
