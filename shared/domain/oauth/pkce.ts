import { createHash, timingSafeEqual } from 'node:crypto';

const verifierPattern = /^[A-Za-z0-9._~-]{43,128}$/;
export const challengePattern = /^[A-Za-z0-9_-]{43}$/;

/** RFC 7636 §4.6 with S256, the only method offered: BASE64URL(SHA256(verifier)) == challenge. */
export function verifiesChallenge(verifier: string, challenge: string): boolean {
  if (!verifierPattern.test(verifier) || !challengePattern.test(challenge)) return false;
  const computed = Buffer.from(createHash('sha256').update(verifier).digest('base64url'));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}
