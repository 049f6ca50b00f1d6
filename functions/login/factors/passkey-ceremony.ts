import { randomBytes } from 'node:crypto';
import type { PlatformPorts } from '../../../shared/adapters/platform-ports.ts';
import type { PasskeyFactor } from '../../../shared/domain/factors/factor.ts';
import { authenticationOptions, ceremonyTimeoutMs, registrationOptions, relyingParty } from '../../../shared/domain/factors/passkeys.ts';
import type { Ceremony } from '../../../shared/domain/ports/ceremonies.ts';
import { settingsOf, type Tenant } from '../../../shared/domain/tenants/tenant.ts';
import { primaryEmail, type User } from '../../../shared/domain/users/user.ts';
import type { HttpRequest } from '../../../shared/http/request.ts';

type Request = HttpRequest<PlatformPorts>;

/** This tenant's relying party: the platform's host, the tenant's name shown by the authenticator. */
export const relyingPartyOf = (request: Request, tenant: Tenant) => relyingParty(request.deps.publicUrl, settingsOf(tenant).branding.displayName);

/** What a page needs to run a ceremony in the browser: the server-side ceremony's id and the options. */
export interface BrowserCeremony {
  readonly ceremony: string;
  readonly options: unknown;
  readonly mode: 'create' | 'get';
}

async function start(request: Request, tenant: Tenant, purpose: Ceremony['purpose'], challenge: string, userId?: string): Promise<string> {
  const id = randomBytes(32).toString('base64url');
  await request.deps.ceremonies.start({ id, tenant: tenant.id, purpose, challenge, ...(userId ? { userId } : {}), expiresAt: Date.now() + ceremonyTimeoutMs });
  return id;
}

/**
 * A sign-in challenge: for a known user (a second step) their passkeys, user verification
 * preferred; for a username-less first step none, user verification required.
 */
export async function signInCeremony(request: Request, tenant: Tenant, user?: { id: string; passkeys: readonly PasskeyFactor[] }): Promise<BrowserCeremony> {
  const options = await authenticationOptions(relyingPartyOf(request, tenant), user?.passkeys ?? [], user ? 'preferred' : 'required');
  return { ceremony: await start(request, tenant, 'passkey-sign-in', options.challenge, user?.id), options, mode: 'get' };
}

/** A registration for this user, their existing passkeys excluded. */
export async function registrationCeremony(request: Request, tenant: Tenant, user: User, existing: readonly PasskeyFactor[]): Promise<BrowserCeremony> {
  const name = primaryEmail(user) ?? user.userName;
  const displayName = user.displayName ?? ([user.name.givenName, user.name.familyName].filter(Boolean).join(' ') || name);
  const options = await registrationOptions(relyingPartyOf(request, tenant), { id: user.id, name, displayName }, existing);
  return { ceremony: await start(request, tenant, 'passkey-registration', options.challenge, user.id), options, mode: 'create' };
}

/** Ends a ceremony the browser names, once; nothing for a malformed id, another tenant's, or the wrong kind. */
export async function takeCeremony(request: Request, tenant: Tenant, id: string | null | undefined, purpose: Ceremony['purpose']): Promise<Ceremony | undefined> {
  if (!id || !/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
  return request.deps.ceremonies.take(tenant.id, id, purpose, Date.now());
}
