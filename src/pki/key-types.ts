// Key types lockstep offers, and the openssl arguments that make each.

export const KEY_TYPES = ['rsa2048', 'rsa3072', 'rsa4096', 'ec-p256', 'ec-p384'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

export const KEY_TYPE_CHOICES = [
  { value: 'ec-p256', label: 'ECDSA P-256', hint: 'fast and small; every current client accepts it' },
  { value: 'ec-p384', label: 'ECDSA P-384', hint: 'a larger curve, for policies that ask for it' },
  { value: 'rsa2048', label: 'RSA 2048', hint: 'for very old clients' },
  { value: 'rsa3072', label: 'RSA 3072', hint: 'RSA past 2030 (NIST)' },
  { value: 'rsa4096', label: 'RSA 4096', hint: 'slow to make (about 1.5 s) and to use' },
] as const;

export function genpkeyArgs(type: KeyType): string[] {
  switch (type) {
    case 'rsa2048':
    case 'rsa3072':
    case 'rsa4096':
      return ['-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${type.slice(3)}`];
    case 'ec-p256':
      return ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-pkeyopt', 'ec_param_enc:named_curve'];
    case 'ec-p384':
      return ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-pkeyopt', 'ec_param_enc:named_curve'];
  }
}

/** What node:crypto reports for a key of this type. */
export function expectedKeyDetails(type: KeyType): { kind: 'rsa' | 'ec'; size: string } {
  return type.startsWith('rsa') ? { kind: 'rsa', size: type.slice(3) } : { kind: 'ec', size: type === 'ec-p256' ? 'prime256v1' : 'secp384r1' };
}
