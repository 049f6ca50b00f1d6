import { argon2 as argon2Callback, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { parseImportedHash, verifyImportedHash } from './imported-hashes.ts';

const argon2 = promisify(argon2Callback);

/** Secrets the platform only ever checks, never reads back. */
export type CheckedSecret = 'client-secret' | 'registration-token' | 'api-key' | 'recovery-code' | 'password' | 'security-answer';

/** OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane); raised here, old hashes upgrade on next use. */
export const argon2Parameters = { memory: 19_456, passes: 2, parallelism: 1 } as const;

/** Secrets we generate with 256 bits of entropy need no slow hash; those people choose or read out do. */
const slow: Readonly<Record<CheckedSecret, boolean>> = { 'client-secret': false, 'registration-token': false, 'api-key': false, 'recovery-code': true, password: true, 'security-answer': true };

const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');
const unb64 = (text: string) => Buffer.from(text, 'base64');

async function argon2id(secret: string, salt: Buffer, params: { memory: number; passes: number; parallelism: number }): Promise<Buffer> {
  return argon2('argon2id', { message: secret, nonce: salt, tagLength: 32, ...params });
}

/** A PHC string: `$argon2id$v=19$m=…,t=…,p=…$salt$hash`, or `$sha256$v=1$salt$hash` for random secrets. */
export async function hashSecret(kind: CheckedSecret, secret: string): Promise<string> {
  const salt = randomBytes(16);
  if (!slow[kind]) return `$sha256$v=1$${b64(salt)}$${b64(createHash('sha256').update(salt).update(secret).digest())}`;
  const { memory, passes, parallelism } = argon2Parameters;
  return `$argon2id$v=19$m=${memory},t=${passes},p=${parallelism}$${b64(salt)}$${b64(await argon2id(secret, salt, argon2Parameters))}`;
}

interface ParsedHash {
  readonly algorithm: 'argon2id' | 'sha256';
  readonly params: { memory: number; passes: number; parallelism: number };
  readonly salt: Buffer;
  readonly hash: Buffer;
}

function parse(stored: string): ParsedHash | undefined {
  const sha = /^\$sha256\$v=1\$([A-Za-z0-9+/]{22})\$([A-Za-z0-9+/]{43})$/.exec(stored);
  if (sha) return { algorithm: 'sha256', params: { memory: 0, passes: 0, parallelism: 0 }, salt: unb64(sha[1]!), hash: unb64(sha[2]!) };
  const a2 = /^\$argon2id\$v=19\$m=(\d{1,7}),t=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{11,64})\$([A-Za-z0-9+/]{43})$/.exec(stored);
  if (!a2) return undefined;
  const params = { memory: Number(a2[1]), passes: Number(a2[2]), parallelism: Number(a2[3]) };
  // A stored hash must not be able to make verification allocate or spin without bound.
  if (params.memory < 1024 || params.memory > 262_144 || params.passes < 1 || params.passes > 10 || params.parallelism < 1 || params.parallelism > 16) return undefined;
  return { algorithm: 'argon2id', params, salt: unb64(a2[4]!), hash: unb64(a2[5]!) };
}

/** Whether the secret matches the stored hash, compared in constant time; false for any malformed hash. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) {
    const imported = parseImportedHash(stored);
    return imported ? verifyImportedHash(secret, imported) : false;
  }
  const candidate =
    parsed.algorithm === 'sha256'
      ? createHash('sha256').update(parsed.salt).update(secret).digest()
      : await argon2id(secret, parsed.salt, parsed.params);
  return candidate.length === parsed.hash.length && timingSafeEqual(candidate, parsed.hash);
}

/** True when a stored hash was made with weaker parameters than today's: rehash it after a successful check. */
export function needsRehash(kind: CheckedSecret, stored: string): boolean {
  const parsed = parse(stored);
  if (!parsed) return true;
  if (!slow[kind]) return parsed.algorithm !== 'sha256';
  const { memory, passes, parallelism } = parsed.params;
  return parsed.algorithm !== 'argon2id' || memory < argon2Parameters.memory || passes < argon2Parameters.passes || parallelism < argon2Parameters.parallelism;
}

/** A password hash an import may bring: ours (argon2id) or one of the imported forms; needsRehash upgrades the latter at the next sign-in. */
export const isAcceptedPasswordHash = (stored: string): boolean => parse(stored)?.algorithm === 'argon2id' || parseImportedHash(stored) !== undefined;

/** A new random secret of 256 bits, base64url: client secrets, API keys, tokens. */
export function generateSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
