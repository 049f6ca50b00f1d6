import { createHash, randomUUID } from 'node:crypto';
import type { PlatformPorts } from '../../../shared/adapters/platform-ports.ts';
import { applyClaimMappings, conditionHolds, type GroupRule } from '../../../shared/domain/federation/claim-mapping.ts';
import { defaultInboundMappings, type IdentityProvider } from '../../../shared/domain/federation/identity-provider.ts';
import type { Tenant } from '../../../shared/domain/tenants/tenant.ts';
import type { User } from '../../../shared/domain/users/user.ts';
import type { HttpRequest } from '../../../shared/http/request.ts';
import { loginEvent } from '../login/login-common.ts';
import { isSameBrowser } from './browser-binding.ts';

/**
 * Who an upstream identity is here: the user it is linked to, or one provisioned as the provider
 * says (issue: identity broker, JIT provisioning). The provider's claims (ID token claims, or SAML
 * attributes with `nameId`) become the local user's fields through its claim mappings.
 */

type Request = HttpRequest<PlatformPorts>;

export interface UpstreamIdentity {
  /** The upstream's stable identifier: the ID token's `sub`, or the SAML NameID. */
  readonly subject: string;
  readonly claims: Readonly<Record<string, unknown>>;
  /** The upstream's session, for logout both ways: its OIDC `sid`, or its SAML SessionIndex and NameID format. */
  readonly session?: { readonly sid?: string; readonly sessionIndex?: string; readonly nameIdFormat?: string };
}

interface FederatedProfile {
  readonly email?: string;
  readonly emailVerified: boolean;
  readonly givenName?: string;
  readonly familyName?: string;
  readonly name?: string;
  readonly userName?: string;
  readonly phoneNumber?: string;
  readonly locale?: string;
  readonly attributes: Record<string, string>;
}

const text = (value: unknown, max = 256) => {
  const s = Array.isArray(value) ? value[0] : value;
  return (typeof s === 'string' || typeof s === 'number') && String(s).length > 0 && String(s).length <= max ? String(s) : undefined;
};

/** The local fields the provider's mapped claims give; anything malformed is left out, not trusted. */
export async function profileOf(idp: IdentityProvider, identity: UpstreamIdentity): Promise<FederatedProfile> {
  const mapped = await applyClaimMappings(idp.claimMappings ?? defaultInboundMappings[idp.kind], identity.claims);
  const email = text(mapped.email, 254)?.trim();
  const attributes = Object.fromEntries(Object.entries(mapped).flatMap(([target, value]) => (target.startsWith('attributes.') && text(value, 1024) ? [[target.slice('attributes.'.length), text(value, 1024)!]] : [])));
  const optional = (key: string, value: string | undefined) => (value ? { [key]: value } : {});
  return {
    ...(email && /^[^\s@]+@[^\s@]+$/.test(email) ? { email } : {}),
    emailVerified: mapped.email_verified === true || mapped.email_verified === 'true',
    ...optional('givenName', text(mapped.given_name)), ...optional('familyName', text(mapped.family_name)), ...optional('name', text(mapped.name)),
    ...optional('userName', text(mapped.preferred_username)), ...optional('phoneNumber', text(mapped.phone_number, 32)), ...optional('locale', text(mapped.locale, 35)),
    attributes,
  };
}

/** A local account with the upstream's email that its owner must sign in to once before the link is made. */
export interface LinkAfterSignIn {
  readonly confirmLinkTo: User;
  readonly email: string;
}

/** Groups the provider's and the application's rules put this user in, from the upstream's claims (added, never removed). */
export async function joinGroupsByRules(request: Request, tenant: Tenant, idp: IdentityProvider, rules: readonly GroupRule[], user: User, identity: UpstreamIdentity): Promise<void> {
  for (const rule of rules) {
    if (!(await conditionHolds(rule.when, identity.claims))) continue;
    const group = await request.deps.groups.getGroup(tenant.id, rule.group);
    if (group) await request.deps.groups.addMember(tenant.id, group.id, user.id, [loginEvent(request, tenant, 'group.member_added', user.id, 'success', { userId: user.id, group: group.name, via: `federated:${idp.id}` })]);
  }
}

/** Links an upstream identity to a user the person just proved is theirs by signing in to it. */
export async function linkAfterLocalSignIn(request: Request, tenant: Tenant, user: User, pending: { idpId: string; subject: string; email?: string }): Promise<boolean> {
  const outcome = await request.deps.linkedIdentities.link({ tenant: tenant.id, idpId: pending.idpId, subject: pending.subject, userId: user.id, linkedAt: new Date().toISOString(), ...(pending.email ? { email: pending.email } : {}) }, [loginEvent(request, tenant, 'federation.linked', user.id, 'success', { idpId: pending.idpId, how: 'local_sign_in' })]);
  return outcome === 'done';
}

/** The local user for an upstream identity: the one linked, or one provisioned as the provider says; else why not. */
export async function localUserFor(request: Request, tenant: Tenant, idp: IdentityProvider, identity: UpstreamIdentity): Promise<User | LinkAfterSignIn | string> {
  const linked = await request.deps.linkedIdentities.find(tenant.id, idp.id, identity.subject);
  if (linked) {
    const user = await request.deps.users.getUser(tenant.id, linked.userId);
    return user && user.status === 'active' ? user : 'user_not_active';
  }
  if (idp.provisioning === 'existing_only') return 'not_linked';
  const profile = await profileOf(idp, identity);
  const local = profile.email ? (await request.deps.users.findByLogin(tenant.id, profile.email))?.user : undefined;
  const link = async (user: User, how: 'created' | 'verified_email') => {
    const outcome = await request.deps.linkedIdentities.link({ tenant: tenant.id, idpId: idp.id, subject: identity.subject, userId: user.id, linkedAt: new Date().toISOString(), ...(profile.email ? { email: profile.email } : {}) }, [loginEvent(request, tenant, 'federation.linked', user.id, 'success', { idpId: idp.id, how })]);
    return outcome === 'done' ? user : 'link_race';
  };
  if (local) {
    // Only the upstream's word that it verified the address, and the tenant's choice to trust it, links an existing account.
    const verifiedHere = local.emails.some((e) => e.verified && e.value.toLowerCase() === profile.email!.toLowerCase());
    if (idp.provisioning === 'link_verified_email' && profile.emailVerified && verifiedHere && local.status === 'active') return link(local, 'verified_email');
    // Said only to someone whose provider vouches for the address, so nobody learns which emails have accounts here.
    if (!profile.emailVerified) return 'unverified_email_of_local_account';
    if (idp.provisioning === 'link_after_local_sign_in' && local.status === 'active') return { confirmLinkTo: local, email: profile.email! };
    return 'email_belongs_to_local_account';
  }
  const now = new Date().toISOString();
  const user: User = {
    id: randomUUID(), tenant: tenant.id,
    userName: profile.email ?? profile.userName ?? `${idp.id.slice(0, 8)}-${createHash('sha256').update(identity.subject).digest('hex').slice(0, 16)}`,
    emails: profile.email ? [{ value: profile.email, verified: profile.emailVerified, primary: true }] : [],
    name: { ...(profile.givenName ? { givenName: profile.givenName } : {}), ...(profile.familyName ? { familyName: profile.familyName } : {}), ...(profile.name ? { formatted: profile.name } : {}) },
    ...(profile.name ? { displayName: profile.name } : {}),
    ...(profile.phoneNumber ? { phoneNumber: profile.phoneNumber } : {}),
    ...(profile.locale ? { locale: profile.locale } : {}),
    status: 'active', attributes: profile.attributes, createdAt: now, updatedAt: now, version: 1,
  };
  const created = await request.deps.users.createUser(user, {}, [loginEvent(request, tenant, 'user.created', user.id, 'success', { userName: user.userName, via: `federated:${idp.id}` })]);
  if (created === 'taken') return 'email_belongs_to_local_account';
  return link(user, 'created');
}

/** The link a local password sign-in confirms (POST /login with `link`): only for the account it was offered to, in the same browser. */
export async function confirmPendingLink(request: Request, tenant: Tenant, user: User, linkId: string | null): Promise<void> {
  if (!linkId || !/^[A-Za-z0-9_-]{43}$/.test(linkId)) return;
  const ceremony = await request.deps.ceremonies.take(tenant.id, linkId, 'federated-link', Date.now());
  const pending = ceremony?.pendingLink;
  if (!pending) return;
  if (ceremony.userId !== user.id || !isSameBrowser(request, pending.browserBinding)) {
    await request.deps.auditLog.record(loginEvent(request, tenant, 'federation.failure', user.id, 'failure', { idpId: pending.idpId, reason: ceremony.userId !== user.id ? 'link_offered_to_another_account' : 'another_browser' }));
    return;
  }
  await linkAfterLocalSignIn(request, tenant, user, pending);
}
