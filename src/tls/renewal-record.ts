// The renewal record, /etc/lockstep/renewal/<name>.json: how a certificate in live/<name>/ was
// made (the command and its answers, to do it again) and how nginx serves it (to reload and
// check it afterwards). One zod schema for everyone who reads or writes it — the steps that
// make a certificate, web https, cert inspect and renewal — so a hand-edited or truncated record
// is one clear problem, named with its path, never a crash half-way through a renewal.
import { z } from 'zod';
import type { Answers } from '../core/questions.js';
import type { System } from '../core/system.js';
import { renewalFile } from './live-layout.js';

const answerValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);

export const deploySchema = z.object({
  nginxConf: z.string().min(1),
  host: z.string().min(1),
  httpsPort: z.number().int().min(1).max(65535),
  serverName: z.string().min(1),
});

export const renewalRecordSchema = z.object({
  method: z.enum(['letsencrypt', 'purchased', 'private-ca', 'self-signed']),
  /** The command that made it (`cert letsencrypt`), whose step renews it. */
  command: z.string(),
  answers: z.record(z.string(), answerValue),
  deploy: deploySchema.optional(),
});

export type DeployRecord = z.infer<typeof deploySchema>;
/** As parsed; written from a step's answers (whose unset ones JSON leaves out). */
export type StoredRenewalRecord = Omit<z.infer<typeof renewalRecordSchema>, 'answers'> & { readonly answers: Answers };
export type RenewalMethod = StoredRenewalRecord['method'];

/** The record's text, or why it is not one; `file` names it in the reason. */
export function parseRenewalRecord(text: string, file: string): { readonly record: StoredRenewalRecord } | { readonly problem: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { problem: `${file} is not valid JSON: ${(error as Error).message}` };
  }
  const parsed = renewalRecordSchema.safeParse(data);
  if (parsed.success) return { record: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? 'it' : `"${issue.path.join('.')}"`;
  return { problem: `${file} is not a renewal record: ${where}: ${issue?.message ?? 'invalid'}` };
}

export type RecordRead = { readonly record: StoredRenewalRecord; readonly path: string; readonly text: string } | { readonly problem: string; readonly path: string; readonly text: string };

/** The record of live/<name>/, undefined when there is none. */
export async function readRenewalRecord(sys: System, name: string): Promise<RecordRead | undefined> {
  const file = renewalFile(name);
  const text = await sys.readText(file);
  if (text === undefined) return undefined;
  return { ...parseRenewalRecord(text, file), path: file, text };
}

/** Just the record, when there is a good one (a broken one is replaced by the step that writes it). */
export async function renewalRecordOf(sys: System, name: string): Promise<StoredRenewalRecord | undefined> {
  const read = await readRenewalRecord(sys, name);
  return read !== undefined && 'record' in read ? read.record : undefined;
}

/** The file's content, checked against the schema first: a writer cannot store what no reader takes. */
export function renewalRecordText(record: StoredRenewalRecord): string {
  return `${JSON.stringify(renewalRecordSchema.parse(JSON.parse(JSON.stringify(record))), null, 2)}\n`;
}
