import { generateSecret, generateURI, verify } from 'otplib';

/** A new TOTP seed: 20 random bytes, base32 (what authenticator apps expect). */
export const newTotpSecret = (): string => generateSecret({ length: 20 });

/** The otpauth:// URI an authenticator app scans (SHA-1, 6 digits, 30 s: what every app supports). */
export const totpUri = (issuer: string, account: string, secret: string): string => generateURI({ issuer, label: account, secret });

/**
 * Checks a code against the seed with one time step either side (±30 s of clock drift); the
 * matching time step is returned so it can be spent once.
 */
export async function checkTotp(secret: string, code: string, now: number): Promise<{ valid: false } | { valid: true; timeStep: number }> {
  if (!/^\d{6}$/.test(code)) return { valid: false };
  const result = await verify({ secret, token: code, epoch: Math.floor(now / 1000), epochTolerance: 30 });
  return result.valid && 'timeStep' in result ? { valid: true, timeStep: result.timeStep } : { valid: false };
}
