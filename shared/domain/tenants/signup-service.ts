import type { AuditEventType } from '../audit/catalogue.ts';
import { randomUUID } from 'node:crypto';
import { createAuditEvent, type AuditEvent } from '../audit/event.ts';
import { hashToken } from '../auth/sso-session.ts';
import { rotateTenantKeys } from '../keys/rotate-keys.ts';
import { clientDefaults } from '../oauth/client.ts';
import type { KeyVault } from '../ports/key-vault.ts';
import type { Mailer } from '../ports/mailer.ts';
import type { SigningKeyStore } from '../ports/signing-key-store.ts';
import type { TenantRegistry } from '../ports/tenant-registry.ts';
import { generateSecret, hashSecret } from '../secrets/secret-hashing.ts';
import { passwordProblems } from '../users/password-policy.ts';
import type { User } from '../users/user.ts';
import { defaultTenantSettings } from './settings.ts';
import { issuerOf } from './tenant.ts';
import type { SignupRequest } from './signup.ts';
import { administratorPermission, administratorsGroupName } from '../groups/group.ts';

export interface SignupDeps {
  readonly registry: TenantRegistry;
  readonly mailer: Mailer;
  readonly signingKeys: SigningKeyStore;
  readonly keyVault: KeyVault;
  readonly publicUrl: string;
}

export interface RequestContext {
  readonly clientIp: string;
  readonly userAgent: string;
  readonly correlationId: string;
  readonly now: number;
}

export const confirmationLifetimeMs = 24 * 3600_000;

export type SignupOutcome =
  | { readonly status: 'pending' }
  | { readonly status: 'taken' }
  | { readonly status: 'invalid'; readonly problems: Readonly<Record<string, string>> };

const event = (tenant: string, type: AuditEventType, context: RequestContext, details: Record<string, unknown>, actor: AuditEvent['actor'] = { kind: 'anonymous' }, subject?: string) =>
  createAuditEvent({ tenant, type, actor, ...(subject ? { subject } : {}), clientIp: context.clientIp, userAgent: context.userAgent, correlationId: context.correlationId, outcome: 'success', time: new Date(context.now), details });

export const confirmationUrl = (publicUrl: string, token: string) => `${publicUrl}/signup/confirm?token=${token}`;

/**
 * Step one of a signup: hold the slug as a pending tenant and mail a single-use link that
 * expires in a day. Nothing else exists until the address is confirmed.
 */
export async function requestSignup(deps: SignupDeps, request: SignupRequest, context: RequestContext): Promise<SignupOutcome> {
  const problems = passwordProblems(request.adminPassword, defaultTenantSettings(request.organizationName).passwordPolicy, {
    personal: [request.adminEmail, request.adminName, request.tenant, request.organizationName],
  });
  if (problems.length > 0) return { status: 'invalid', problems: { adminPassword: problems.join(' ') } };

  const token = generateSecret();
  const registered = await deps.registry.registerPending(
    {
      tenant: request.tenant,
      organizationName: request.organizationName,
      adminName: request.adminName,
      adminEmail: request.adminEmail,
      adminPasswordHash: await hashSecret('password', request.adminPassword),
      expiresAt: context.now + confirmationLifetimeMs,
    },
    hashToken(token),
    [event(request.tenant, 'tenant.signup_requested', context, { organizationName: request.organizationName })],
    context.now,
  );
  if (registered === 'taken') return { status: 'taken' };

  const link = confirmationUrl(deps.publicUrl, token);
  await deps.mailer.send({
    to: request.adminEmail,
    subject: `Confirm your email to create ${request.organizationName}`,
    text: `Hello ${request.adminName},\n\nConfirm your email address to create the tenant "${request.tenant}":\n\n${link}\n\nThe link works once and expires in 24 hours. If you did not sign up, ignore this message.\n`,
  });
  return { status: 'pending' };
}

export interface ConfirmedTenant {
  readonly tenant: string;
  readonly issuer: string;
  readonly consoleUrl: string;
  readonly loginUrl: string;
  readonly managementClient: { readonly client_id: string; readonly client_secret: string };
}

/**
 * Step two: the confirmation link. Creates the tenant's signing keys, first administrator,
 * administrators group, default settings and management client, and consumes the link,
 * in one transaction. The client secret is returned here once and stored only hashed.
 */
export async function confirmSignup(deps: SignupDeps, token: string, context: RequestContext): Promise<ConfirmedTenant | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  const confirmationHash = hashToken(token);
  const signup = await deps.registry.pendingSignupFor(confirmationHash, context.now);
  if (!signup) return undefined;

  await rotateTenantKeys({ store: deps.signingKeys, vault: deps.keyVault, now: () => context.now }, signup.tenant);

  const createdAt = new Date(context.now).toISOString();
  const admin: User = {
    id: randomUUID(),
    tenant: signup.tenant,
    userName: signup.adminEmail,
    emails: [{ value: signup.adminEmail, verified: true, primary: true }],
    name: { formatted: signup.adminName },
    status: 'active',
    attributes: {},
    createdAt,
    updatedAt: createdAt,
    version: 1,
  };
  const clientSecret = generateSecret();
  const clientId = `mgmt_${generateSecret(12)}`;
  const group = { id: randomUUID(), name: administratorsGroupName, permissions: [administratorPermission] };
  const actor = { kind: 'user' as const, id: admin.id };
  const result = await deps.registry.activate({
    tenant: signup.tenant,
    confirmationHash,
    displayName: signup.organizationName,
    settings: defaultTenantSettings(signup.organizationName),
    admin,
    adminPasswordHash: signup.adminPasswordHash,
    administratorsGroup: group,
    managementClient: {
      ...clientDefaults,
      tenant: signup.tenant,
      clientId,
      name: 'Management client',
      secretHash: await hashSecret('client-secret', clientSecret),
      tokenEndpointAuthMethod: 'client_secret_basic',
      grantTypes: ['client_credentials'],
      redirectUris: [],
      postLogoutRedirectUris: [],
      scopes: ['admin', 'admin:read', 'scim'],
      requirePushedAuthorizationRequests: false,
      firstParty: true,
      createdAt,
    },
    events: [
      event(signup.tenant, 'tenant.activated', context, { organizationName: signup.organizationName }, actor),
      event(signup.tenant, 'user.created', context, { userName: admin.userName, by: 'signup' }, actor, admin.id),
      event(signup.tenant, 'group.created', context, { name: group.name, members: [admin.id] }, actor, `group:${group.id}`),
      event(signup.tenant, 'client.created', context, { clientId, grantTypes: ['client_credentials'], scopes: ['admin', 'admin:read', 'scim'] }, actor, `client:${clientId}`),
    ],
  });
  if (result === 'already-used') return undefined;
  const issuer = issuerOf(deps.publicUrl, { slug: signup.tenant });
  return { tenant: signup.tenant, issuer, consoleUrl: `${issuer}/console`, loginUrl: `${issuer}/login`, managementClient: { client_id: clientId, client_secret: clientSecret } };
}
