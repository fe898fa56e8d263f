// Questions every `ca` command shares.
import { createPrivateKey } from 'node:crypto';
import type { Question } from '../core/questions.js';
import { KEY_TYPE_CHOICES } from '../pki/key-types.js';
import { DEFAULT_CA_DIR, DEFAULT_CA_NAME, checkCaName, layoutOf } from './layout.js';

export const caDirQuestion: Question = { kind: 'path', id: 'caDir', message: 'Folder of the certificate authority', default: DEFAULT_CA_DIR };

export const caNameQuestion: Question = {
  kind: 'text',
  id: 'caName',
  message: 'Name of the CA (names its key, certificate and config section)',
  default: DEFAULT_CA_NAME,
  validate: checkCaName,
};

export const caPassphraseQuestion: Question = {
  kind: 'secret',
  id: 'passphrase',
  message: 'Passphrase of the root key',
  // Typed wrong, it is asked again here rather than refused by the plan after every question.
  async opens(passphrase, answers, read) {
    const ca = layoutOf(answers);
    const pem = await read(ca.key);
    if (pem === undefined) return undefined; // no CA there: the step's own checks say so
    try {
      createPrivateKey({ key: pem, passphrase });
      return undefined;
    } catch {
      return `that passphrase does not open the root key ${ca.key}`;
    }
  },
};

export const hostKeyTypeQuestion: Question = {
  kind: 'select',
  id: 'keyType',
  message: 'Key type for the host keys',
  help: 'RSA 2048 as in the guide works with every client; ECDSA P-256 is faster.',
  default: 'rsa2048',
  choices: KEY_TYPE_CHOICES,
};
