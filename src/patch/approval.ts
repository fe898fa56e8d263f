// The one shape of `lockstep patch pending --json`, which is also the approval file of a staged
// upgrade (`lockstep patch --approved FILE`): made on a staging server or attached to the change
// request, then applied exactly, version for version, on the production server.
import fs from 'node:fs/promises';
import { z } from 'zod';
import { UserError } from '../core/errors.js';

export const pendingPackageSchema = z.object({
  name: z.string().min(1),
  current: z.string(),
  candidate: z.string().min(1),
  security: z.boolean(),
  origin: z.string(),
  /** A security fix below the candidate (what "security only" installs), when there is one. */
  securityCandidate: z.string().min(1).optional(),
});

/** `patch pending --json` (with the result document's fields around it) = the approval file. */
export const pendingDocumentSchema = z.looseObject({
  host: z.string().optional(),
  generated: z.string().optional(),
  packages: z.array(pendingPackageSchema),
});

export type PendingPackage = z.infer<typeof pendingPackageSchema>;
export type PendingDocument = z.infer<typeof pendingDocumentSchema>;

export interface Approval {
  readonly file: string;
  readonly host?: string;
  readonly generated?: string;
  readonly packages: readonly PendingPackage[];
}

/** Reads an approval file (a path on the machine lockstep runs on, as given): exit 2 naming what is wrong. */
export async function loadApproval(file: string): Promise<Approval> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`Cannot read the approval file --approved ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`, 'An approval file is what "lockstep patch pending --json > approved.json" printed (on the staging server).');
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserError(`The approval file ${file} is not JSON: ${(error as Error).message}.`, 'Make it again with "lockstep patch pending --json > approved.json".');
  }
  const parsed = pendingDocumentSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(the document)';
    throw new UserError(`The approval file ${file} is not a "patch pending --json" document: ${where}: ${issue.message}.`, 'It holds {"packages":[{"name","current","candidate","security","origin"}, ...]}.');
  }
  const doc = parsed.data;
  return { file, ...(doc.host !== undefined ? { host: doc.host } : {}), ...(doc.generated !== undefined ? { generated: doc.generated } : {}), packages: doc.packages };
}
