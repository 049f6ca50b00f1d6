import type { AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { PasskeyFactor } from './factor.ts';

/**
 * Passkeys (WebAuthn Level 3) through @simplewebauthn/server, which does the CBOR, COSE and
 * signature work. Every tenant shares the platform's host, so the relying party id is that
 * host; what keeps tenants apart is that credentials are stored, looked up and verified only
 * under the tenant whose page started the ceremony, and user handles are our opaque user ids.
 */
export interface RelyingParty {
  readonly id: string;
  readonly origin: string;
  readonly name: string;
}

export const relyingParty = (publicUrl: string, name: string): RelyingParty => {
  const url = new URL(publicUrl);
  return { id: url.hostname, origin: url.origin, name };
};

/** Ceremonies time out in the browser after this; the server keeps the challenge as long. */
export const ceremonyTimeoutMs = 5 * 60_000;

/** The library is loaded at the first ceremony, not at every cold start of the login function. */
const library = () => import('@simplewebauthn/server');

/** Why a passkey answer was refused (the user is told only that it did not work). */
export class PasskeyRejected extends Error {
  override name = 'PasskeyRejected';
}

const verified = async <T>(work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    throw new PasskeyRejected(error instanceof Error ? error.message : 'unverifiable');
  }
};

const userHandleOf = (userId: string) => new TextEncoder().encode(userId);

/** The user id a discoverable credential carries (its user handle), if it looks like one of ours. */
export function userIdOf(response: AuthenticationResponseJSON): string | undefined {
  const handle = response.response.userHandle;
  if (!handle || !/^[A-Za-z0-9_-]{1,128}$/.test(handle)) return undefined;
  const id = Buffer.from(handle, 'base64url').toString('utf8');
  return /^[A-Za-z0-9-]{1,64}$/.test(id) ? id : undefined;
}

/**
 * Options to create a passkey: discoverable (so it can sign in without a username), user
 * verification required, no attestation (we trust no vendor list; a passkey is a key pair),
 * the user's existing passkeys excluded so one authenticator is not registered twice.
 */
export async function registrationOptions(rp: RelyingParty, user: { id: string; name: string; displayName: string }, existing: readonly PasskeyFactor[]): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const { generateRegistrationOptions } = await library();
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userID: userHandleOf(user.id),
    userName: user.name,
    userDisplayName: user.displayName,
    timeout: ceremonyTimeoutMs,
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: [...p.transports] })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    // ES256, EdDSA and RS256: what platform authenticators and security keys produce.
    supportedAlgorithmIDs: [-7, -8, -257],
  });
}

/** Checks a new credential against the challenge, origin and RP id; the factor to store, without id and owner. */
export async function verifyRegistration(rp: RelyingParty, response: RegistrationResponseJSON, challenge: string) {
  const { verifyRegistrationResponse } = await library();
  const result = await verified(() => verifyRegistrationResponse({ response, expectedChallenge: challenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: true, supportedAlgorithmIDs: [-7, -8, -257] }));
  if (!result.verified) throw new PasskeyRejected('registration not verified');
  const info = result.registrationInfo;
  return {
    kind: 'webauthn' as const,
    credentialId: info.credential.id,
    publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
    counter: info.credential.counter,
    transports: (response.response.transports ?? []).filter((t) => /^[a-z-]{1,20}$/.test(t)).slice(0, 6),
    deviceType: info.credentialDeviceType,
    backedUp: info.credentialBackedUp,
    aaguid: info.aaguid,
  };
}

/**
 * Options to sign in with a passkey: for a known user, their credentials; for a username-less
 * sign-in, none (the authenticator offers its discoverable credentials).
 */
export async function authenticationOptions(rp: RelyingParty, allowed: readonly PasskeyFactor[], userVerification: 'required' | 'preferred'): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const { generateAuthenticationOptions } = await library();
  return generateAuthenticationOptions({ rpID: rp.id, timeout: ceremonyTimeoutMs, userVerification, allowCredentials: allowed.map((p) => ({ id: p.credentialId, transports: [...p.transports] as never })) });
}

/**
 * Checks an assertion made with a stored passkey; the new counter is written back by the
 * caller (with a condition, so two uses of a cloned key cannot both pass).
 */
export async function verifyAssertion(rp: RelyingParty, response: AuthenticationResponseJSON, challenge: string, passkey: PasskeyFactor, requireUserVerification: boolean) {
  const { verifyAuthenticationResponse } = await library();
  const result = await verified(() =>
    verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification,
      credential: { id: passkey.credentialId, publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')), counter: passkey.counter, transports: [...passkey.transports] as never },
    }),
  );
  if (!result.verified) throw new PasskeyRejected('assertion not verified');
  return { newCounter: result.authenticationInfo.newCounter, userVerified: result.authenticationInfo.userVerified, backedUp: result.authenticationInfo.credentialBackedUp };
}

/** RFC 8176 methods of a passkey sign-in: a hardware-bound key, and with user verification a second factor in one gesture. */
export const passkeyAmr = (userVerified: boolean): string[] => (userVerified ? ['hwk', 'mfa'] : ['hwk']);

/** The JSON a browser posts back, shaped enough to hand to the library (which checks the rest). */
export function parseCredential<T extends RegistrationResponseJSON | AuthenticationResponseJSON>(text: string | null | undefined, kind: 'registration' | 'authentication'): T | undefined {
  if (!text || text.length > 16_384) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const candidate = value as { id?: unknown; rawId?: unknown; type?: unknown; response?: Record<string, unknown> };
  const b64url = (v: unknown) => typeof v === 'string' && /^[A-Za-z0-9_-]*$/.test(v);
  if (!b64url(candidate.id) || candidate.id !== candidate.rawId || candidate.type !== 'public-key' || typeof candidate.response !== 'object' || candidate.response === null) return undefined;
  const fields = kind === 'registration' ? ['clientDataJSON', 'attestationObject'] : ['clientDataJSON', 'authenticatorData', 'signature'];
  if (!fields.every((f) => b64url(candidate.response![f]))) return undefined;
  if (kind === 'authentication' && candidate.response.userHandle !== undefined && candidate.response.userHandle !== null && !b64url(candidate.response.userHandle)) return undefined;
  return value as T;
}
