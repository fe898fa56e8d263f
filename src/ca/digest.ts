// Signature digests: sha256 by default; md5 (the seed's example) and sha1 refused, with why.
import type { Question } from '../core/questions.js';

const REFUSED: Readonly<Record<string, string>> = {
  md5: 'md5 is broken: certificates with colliding signatures can be forged (the guide\'s example config.cnf used it; do not)',
  sha1: 'sha1 is broken for signatures (a collision was shown in 2017) and clients reject sha1-signed certificates',
  md4: 'md4 is broken',
};
export const DIGESTS = ['sha256', 'sha384', 'sha512'] as const;

export function checkDigest(value: string): string | undefined {
  const d = value.toLowerCase();
  if (REFUSED[d] !== undefined) return `${REFUSED[d]}; use sha256 (the default), sha384 or sha512`;
  return (DIGESTS as readonly string[]).includes(d) ? undefined : `"${value}" is not one of ${DIGESTS.join(', ')}`;
}

export const digestQuestion: Question = {
  kind: 'text',
  id: 'digest',
  message: 'Signature digest',
  help: 'sha256 suits nearly everyone; md5 and sha1 are refused because they are broken.',
  default: 'sha256',
  validate: checkDigest,
};
