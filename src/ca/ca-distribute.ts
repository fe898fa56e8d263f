// `lockstep ca distribute`: the seed's last step. Copy the root certificate into a deployment's
// files (a Chef cookbook's files/couch_ca.crt), point the node attribute
// primero.couchdb.root_ca_cert_source at it when the name differs, and optionally add it to
// this machine's trust store.
import fs from 'node:fs/promises';
import path from 'node:path';
import { p, type Action } from '../core/actions.js';
import { UserError } from '../core/errors.js';
import { OPERATOR_FILE, operatorPath, readOperatorFile } from '../core/paths.js';
import type { Check } from '../core/events.js';
import type { Answers, Question } from '../core/questions.js';
import type { Step } from '../core/step.js';
import type { System } from '../core/system.js';
import { caDirQuestion, caNameQuestion } from './ca-questions.js';
import { layoutOf } from './layout.js';

export const COOKBOOK_DEFAULT_NAME = 'couch_ca.crt';
const ATTRIBUTE = ['primero', 'couchdb', 'root_ca_cert_source'] as const;
const LOCAL_CERTS = '/usr/local/share/ca-certificates';

export interface DistributeFacts {
  readonly rootPem?: string;
  /** The file --to names (a folder gets <CA name>.crt inside). */
  readonly target?: string;
  readonly nodeJson?: string;
}

const distributeQuestions: readonly Question[] = [
  caDirQuestion,
  caNameQuestion,
  {
    kind: 'path',
    id: 'to',
    message: 'Copy the root certificate to (a file, e.g. <cookbook>/files/couch_ca.crt; empty to skip)',
    optional: true,
    operator: true,
    help: `Deployments such as Primero's Chef cookbook provision this file onto every server so they trust each other. ${OPERATOR_FILE}`,
  },
  {
    kind: 'path',
    id: 'nodeJson',
    message: 'Chef node JSON file to point at it (empty to skip)',
    optional: true,
    when: (a) => typeof a.to === 'string' && path.basename(a.to) !== COOKBOOK_DEFAULT_NAME,
    operator: true,
    help: `Needed only when the file is not named ${COOKBOOK_DEFAULT_NAME}: lockstep sets ${ATTRIBUTE.join('.')} and keeps the rest of the file. ${OPERATOR_FILE}`,
  },
  {
    kind: 'confirm',
    id: 'systemTrust',
    flags: { yes: 'also trust the root on this machine (system CA store)', no: 'leave this machine\'s CA store as it is' },
    message: 'Also trust it on this machine (system CA store)?',
    default: false,
  },
];

function withAttribute(text: string, value: string): string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserError(`--node-json is not valid JSON: ${(error as Error).message}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new UserError('--node-json must hold a JSON object.');
  let node = data as Record<string, unknown>;
  for (const key of ATTRIBUTE.slice(0, -1)) {
    const next = node[key];
    if (next === undefined) node[key] = {};
    else if (next === null || typeof next !== 'object' || Array.isArray(next)) throw new UserError(`--node-json: "${key}" is not an object.`);
    node = node[key] as Record<string, unknown>;
  }
  node[ATTRIBUTE[ATTRIBUTE.length - 1] as string] = value;
  const indent = /^[ \t]+(?=")/m.exec(text)?.[0] ?? '  ';
  return `${JSON.stringify(data, null, indent)}${text.endsWith('\n') ? '\n' : ''}`;
}

const trustPath = (a: Answers): string => `${LOCAL_CERTS}/${layoutOf(a).name}.crt`;

export const caDistributeStep: Step<DistributeFacts> = {
  id: 'ca distribute',
  title: 'Distribute the root certificate',
  description: 'Copies the CA\'s root certificate where clients and deployments pick it up (a cookbook\'s files/, a node attribute, the system trust store).',
  questions: distributeQuestions,

  async facts(answers, sys) {
    const ca = layoutOf(answers);
    const rootPem = await sys.readText(ca.cert);
    // The cookbook's files are the operator's: read and written as given, not under --root.
    let target = typeof answers.to === 'string' && answers.to !== '' ? operatorPath(answers.to) : undefined;
    if (target !== undefined && (await fs.stat(target).catch(() => undefined))?.isDirectory()) target = path.posix.join(target, `${ca.name}.crt`);
    const nodeJson = typeof answers.nodeJson === 'string' && answers.nodeJson !== '' ? await readOperatorFile(answers.nodeJson).then((b) => b.toString('utf8'), () => undefined) : undefined;
    return { ...(rootPem ? { rootPem } : {}), ...(target ? { target } : {}), ...(nodeJson !== undefined ? { nodeJson } : {}) };
  },

  plan(answers, facts) {
    const ca = layoutOf(answers);
    if (facts.rootPem === undefined) throw new UserError(`No root certificate at ${ca.cert}.`, 'Set up the CA first: lockstep ca init.');
    if (facts.target === undefined && answers.systemTrust !== true) {
      throw new UserError('Nothing to do: give --to FILE and/or --system-trust.');
    }
    const actions: Action[] = [];
    if (facts.target !== undefined) {
      actions.push({ kind: 'write', title: `Copy the root certificate to ${facts.target}`, path: facts.target, content: facts.rootPem, mode: 0o644, operator: true });
      if (typeof answers.nodeJson === 'string') {
        if (facts.nodeJson === undefined) throw new UserError(`--node-json ${answers.nodeJson} does not exist.`);
        const after = withAttribute(facts.nodeJson, path.basename(facts.target));
        actions.push({
          kind: 'edit',
          title: `Point ${ATTRIBUTE.join('.')} at ${path.basename(facts.target)}`,
          path: operatorPath(answers.nodeJson),
          operator: true,
          before: facts.nodeJson,
          after,
          changes: [`${ATTRIBUTE.join('.')} = "${path.basename(facts.target)}"; everything else in the file is kept`],
        });
      }
    }
    if (answers.systemTrust === true) {
      actions.push(
        { kind: 'mkdir', title: `Create ${LOCAL_CERTS}`, path: LOCAL_CERTS, mode: 0o755 },
        { kind: 'write', title: 'Add the root to the local trust anchors', path: trustPath(answers), content: facts.rootPem, mode: 0o644 },
        {
          kind: 'run',
          title: 'Rebuild the system trust store',
          argv: [
            'update-ca-certificates', '--certsconf', p('/etc/ca-certificates.conf'), '--certsdir', p('/usr/share/ca-certificates'),
            '--localcertsdir', p(LOCAL_CERTS), '--etccertsdir', p('/etc/ssl/certs'), '--hooksdir', p('/etc/ca-certificates/update.d'),
          ],
        },
      );
    }
    return actions;
  },

  async verify(answers, sys) {
    const ca = layoutOf(answers);
    const root = ((await sys.readText(ca.cert)) ?? '').trim();
    const facts = await caDistributeStep.facts(answers, sys);
    const checks: Check[] = [];
    if (facts.target !== undefined) {
      const copy = (await fs.readFile(facts.target, 'utf8').catch(() => undefined))?.trim();
      checks.push({ name: 'root certificate copied', ok: copy === root, evidence: facts.target });
    }
    if (facts.nodeJson !== undefined && facts.target !== undefined) {
      const node = JSON.parse(facts.nodeJson) as { primero?: { couchdb?: { root_ca_cert_source?: string } } };
      const value = node.primero?.couchdb?.root_ca_cert_source;
      checks.push({ name: `${ATTRIBUTE.join('.')} set`, ok: value === path.basename(facts.target), evidence: String(value) });
    }
    if (answers.systemTrust === true) {
      const bundle = (await sys.readText('/etc/ssl/certs/ca-certificates.crt')) ?? '';
      checks.push({ name: 'root in the system bundle /etc/ssl/certs/ca-certificates.crt', ok: bundle.includes(root), evidence: `${bundle.length} bytes` });
    }
    return checks;
  },

  summary(answers) {
    return [`Root certificate distributed from ${layoutOf(answers).cert}.`];
  },
};
