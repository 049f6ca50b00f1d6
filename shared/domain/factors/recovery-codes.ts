import { randomInt } from 'node:crypto';
import { hashSecret, verifySecret } from '../secrets/secret-hashing.ts';

/** Crockford's base32: no I, L, O or U, so codes read out loud or written down survive. */
const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const recoveryCodeCount = 10;

const randomChars = (n: number) => Array.from({ length: n }, () => alphabet[randomInt(alphabet.length)]).join('');

/** A code as typed: upper case, without spaces or dashes, with the usual look-alikes read as digits. */
export const normalizeRecoveryCode = (input: string) => input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');

/**
 * Ten single-use codes `XXXX-XXXX-XXXX` (60 bits each). The first four characters are a lookup
 * id, so a code is checked against one hash, not ten; the other eight (40 bits) are kept only
 * as an argon2id hash.
 */
export async function newRecoveryCodes(): Promise<{ codes: string[]; hashes: Record<string, string> }> {
  const codes: string[] = [];
  const hashes: Record<string, string> = {};
  while (codes.length < recoveryCodeCount) {
    const lookup = randomChars(4);
    if (hashes[lookup]) continue;
    const secret = randomChars(8);
    hashes[lookup] = await hashSecret('recovery-code', secret);
    codes.push(`${lookup}-${secret.slice(0, 4)}-${secret.slice(4)}`);
  }
  return { codes, hashes };
}

/** The lookup id of a typed code whose secret part matches its stored hash; undefined otherwise. */
export async function matchRecoveryCode(input: string, hashes: Readonly<Record<string, string>>): Promise<string | undefined> {
  const code = normalizeRecoveryCode(input);
  if (!/^[0-9A-Z]{12}$/.test(code)) return undefined;
  const [lookup, secret] = [code.slice(0, 4), code.slice(4)];
  const hash = Object.hasOwn(hashes, lookup) ? hashes[lookup] : undefined;
  return hash && (await verifySecret(secret, hash)) ? lookup : undefined;
}
