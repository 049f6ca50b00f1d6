import { pbkdf2 as pbkdf2Callback, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2 = promisify(pbkdf2Callback);
const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number, options: ScryptOptions) => Promise<Buffer>;

/**
 * Password hashes other systems made, accepted on import so users keep their passwords
 * (the migration Cognito cannot offer): bcrypt, PBKDF2-SHA256 (PHC, passlib and Django forms)
 * and scrypt (PHC). Each is verified once, at the next sign-in, and then replaced by the
 * tenant's argon2id hash. Parameters are bounded so a stored hash cannot make a check run
 * for minutes or allocate without limit.
 */
export type ImportedHash =
  | { readonly algorithm: 'bcrypt'; readonly hash: string }
  | { readonly algorithm: 'pbkdf2-sha256'; readonly iterations: number; readonly salt: Buffer; readonly hash: Buffer }
  | { readonly algorithm: 'scrypt'; readonly cost: number; readonly blockSize: number; readonly parallelism: number; readonly salt: Buffer; readonly hash: Buffer };

const limits = { pbkdf2Iterations: 5_000_000, bcryptCost: 16, scryptLogCost: 20, scryptBlockSize: 16, scryptParallelism: 4 };

const b64 = (text: string) => Buffer.from(text, 'base64');
/** passlib's "adapted base64": `.` for `+`, no padding. */
const ab64 = (text: string) => Buffer.from(text.replace(/\./g, '+'), 'base64');

const inRange = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;

/** The hash, if it is one of the imported forms within bounds; undefined otherwise. */
export function parseImportedHash(stored: string): ImportedHash | undefined {
  if (stored.length > 512) return undefined;
  const bcryptMatch = /^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{53}$/.exec(stored);
  if (bcryptMatch) return inRange(Number(bcryptMatch[1]), 4, limits.bcryptCost) ? { algorithm: 'bcrypt', hash: stored } : undefined;

  const phcPbkdf2 = /^\$pbkdf2-sha256\$i=(\d{1,8}),l=(\d{2})\$([A-Za-z0-9+/]{11,88})\$([A-Za-z0-9+/]{22,88})$/.exec(stored);
  if (phcPbkdf2) return pbkdf2Of(Number(phcPbkdf2[1]), b64(phcPbkdf2[3]!), b64(phcPbkdf2[4]!));
  const passlib = /^\$pbkdf2-sha256\$(\d{1,8})\$([./A-Za-z0-9]{4,88})\$([./A-Za-z0-9]{43})$/.exec(stored);
  if (passlib) return pbkdf2Of(Number(passlib[1]), ab64(passlib[2]!), ab64(passlib[3]!));
  const django = /^pbkdf2_sha256\$(\d{1,8})\$([A-Za-z0-9]{1,64})\$([A-Za-z0-9+/]{43}=)$/.exec(stored);
  if (django) return pbkdf2Of(Number(django[1]), Buffer.from(django[2]!, 'utf8'), b64(django[3]!));

  const phcScrypt = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{11,88})\$([A-Za-z0-9+/]{22,88})$/.exec(stored);
  if (phcScrypt) {
    const [logCost, blockSize, parallelism] = [Number(phcScrypt[1]), Number(phcScrypt[2]), Number(phcScrypt[3])];
    if (!inRange(logCost, 1, limits.scryptLogCost) || !inRange(blockSize, 1, limits.scryptBlockSize) || !inRange(parallelism, 1, limits.scryptParallelism)) return undefined;
    return { algorithm: 'scrypt', cost: 2 ** logCost, blockSize, parallelism, salt: b64(phcScrypt[4]!), hash: b64(phcScrypt[5]!) };
  }
  return undefined;
}

function pbkdf2Of(iterations: number, salt: Buffer, hash: Buffer): ImportedHash | undefined {
  if (!inRange(iterations, 1000, limits.pbkdf2Iterations) || salt.length < 4 || hash.length < 16 || hash.length > 64) return undefined;
  return { algorithm: 'pbkdf2-sha256', iterations, salt, hash };
}

const sameBytes = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

/** Whether the password matches an imported hash, compared in constant time (bcryptjs compares its own). */
export async function verifyImportedHash(password: string, hash: ImportedHash): Promise<boolean> {
  switch (hash.algorithm) {
    case 'bcrypt': {
      // Loaded on first use, not at every function's cold start: only migrated users have such hashes.
      const { default: bcrypt } = await import('bcryptjs');
      return bcrypt.compare(password, hash.hash);
    }
    case 'pbkdf2-sha256':
      return sameBytes(await pbkdf2(password, hash.salt, hash.iterations, hash.hash.length, 'sha256'), hash.hash);
    case 'scrypt': {
      const maxmem = 128 * hash.cost * hash.blockSize * hash.parallelism + 32 * 1024 * 1024;
      return sameBytes(await scrypt(password, hash.salt, hash.hash.length, { N: hash.cost, r: hash.blockSize, p: hash.parallelism, maxmem }), hash.hash);
    }
  }
}
