import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importPKCS8 } from 'jose';
import { templateSettings } from '../../../shared/domain/federation/social-templates.ts';
import { z } from 'zod';
import { destinationProblem } from '../../../shared/adapters/outbound/destination.ts';
import { patternProblems, type ClaimMapping } from '../../../shared/domain/federation/claim-mapping.ts';
import { identityProviderInputSchema, identityProviderView, samlIdpSettingsSchema, type IdentityProvider, type IdentityProviderInput, type OidcIdentityProvider } from '../../../shared/domain/federation/identity-provider.ts';
import { identityProviderFromMetadata } from '../../../shared/domain/saml/idp-metadata.ts';
import { SamlMessageRejected } from '../../../shared/domain/saml/inbound-message.ts';
import { createSecureVault } from '../../../shared/domain/secrets/secure-vault.ts';
import { HttpError } from '../../../shared/http/errors.ts';
import { operation, type AdminCall } from '../api/operation.ts';
import { existingResource, expectWritten } from '../api/outcomes.ts';
import { pageOf } from '../api/schemas.ts';

const commonFields = { registration: z.record(z.string(), z.string()).describe('What to register at the upstream: the broker’s redirect, back-channel and post-logout URIs (OIDC) or its SP metadata URL (SAML)'), id: z.string(), name: z.string(), provisioning: z.string(), claimMappings: z.array(z.object({ target: z.string(), value: z.unknown() })).optional(), enabled: z.boolean(), createdAt: z.string(), updatedAt: z.string(), version: z.number().int() };
const identityProviderSchema = z.union([
  z.object({ ...commonFields, kind: z.literal('oidc'), issuer: z.string(), clientId: z.string(), scopes: z.array(z.string()), clientAuthentication: z.string(), hasClientSecret: z.boolean(), clientJwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).optional().describe('For private_key_jwt: the public key to register at the upstream') }),
  z.object({ ...commonFields, kind: z.literal('saml'), entityId: z.string(), ssoUrl: z.string(), ssoBinding: z.string(), sloUrl: z.string().optional(), signingCertificates: z.array(z.string()), signAuthnRequests: z.boolean(), nameIdFormat: z.string() }),
]);

const invalid = (path: string, message: string) => new HttpError(400, 'validation_failed', `The identity provider is invalid: ${path}: ${message}`, { details: { errors: [{ path, message }] } });

type OidcInput = Extract<IdentityProviderInput, { kind: 'oidc' }>;
type OidcSettings = Omit<OidcInput, 'clientSecret' | 'directory' | 'appleKey' | 'issuer' | 'scopes' | 'claimMappings'> & { issuer: string; scopes: readonly string[]; claimMappings?: readonly ClaimMapping[]; appleKey?: { teamId: string; keyId: string } };
type SamlSettings = Omit<Extract<IdentityProviderInput, { kind: 'saml' }>, 'metadata'> & z.output<typeof samlIdpSettingsSchema>;
type StoredSettings = OidcSettings | SamlSettings;

/**
 * The body (already validated against the schema) as stored settings: an OIDC issuer checked as a
 * destination the platform may call; a SAML IdP's metadata read into its entityID, SSO endpoint and
 * certificates; every claim mapping's pattern compiled by RE2.
 */
async function parseInput(call: AdminCall<unknown>): Promise<{ settings: StoredSettings; clientSecret?: string; applePrivateKey?: string }> {
  const input = call.body as IdentityProviderInput;
  const problems = [...(await patternProblems(input.claimMappings ?? [])).map((p) => ({ ...p, path: `claimMappings.${p.path}` })), ...(await patternProblems(input.groupRules ?? [])).map((p) => ({ ...p, path: `groupRules.${p.path}` }))];
  if (problems.length) throw invalid(problems[0]!.path, problems[0]!.message);
  for (const [i, rule] of (input.groupRules ?? []).entries()) if (!(await call.req.deps.groups.getGroup(call.tenant.id, rule.group))) throw invalid(`groupRules.${i}.group`, `there is no group ${rule.group}`);
  if (input.kind === 'oidc') return oidcSettings(input);
  const { metadata, ...settings } = input;
  let read;
  try {
    read = identityProviderFromMetadata(metadata);
  } catch (error) {
    if (error instanceof SamlMessageRejected) throw invalid('metadata', error.reason);
    throw error;
  }
  const checked = samlIdpSettingsSchema.safeParse(read);
  if (!checked.success) throw invalid(`metadata.${checked.error.issues[0]!.path.join('.')}`, checked.error.issues[0]!.message);
  if (read.wantsSignedRequests && !settings.signAuthnRequests) throw invalid('signAuthnRequests', 'the identity provider’s metadata asks for signed AuthnRequests');
  return { settings: { ...settings, ...checked.data } };
}

/** An OIDC provider's settings: its template's (if it names one) under what the administrator gave; the issuer checked as a destination. */
function oidcSettings(input: OidcInput): { settings: OidcSettings; clientSecret?: string; applePrivateKey?: string } {
  const { clientSecret, directory, appleKey, template, ...given } = input;
  const base = template ? templateSettings(template, directory) : undefined;
  if (typeof base === 'string') throw invalid('directory', base.replace(/^directory: /, ''));
  const issuer = given.issuer ?? base!.issuer;
  const problem = destinationProblem(issuer);
  if (problem) throw invalid('issuer', problem);
  const clientAuthentication = given.clientAuthentication ?? base?.clientAuthentication;
  if (clientAuthentication === 'apple_client_secret' && !appleKey) throw invalid('appleKey', 'is required for apple_client_secret (team id, key id and the key)');
  const claimMappings = given.claimMappings ?? base?.claimMappings;
  const responseMode = given.responseMode ?? base?.responseMode;
  const settings: OidcSettings = {
    ...given, issuer, scopes: given.scopes ?? base?.scopes ?? ['openid', 'email', 'profile'],
    ...(template ? { template } : {}), ...(clientAuthentication ? { clientAuthentication } : {}), ...(claimMappings ? { claimMappings } : {}), ...(responseMode ? { responseMode } : {}),
    ...(appleKey ? { appleKey: { teamId: appleKey.teamId, keyId: appleKey.keyId } } : {}),
  };
  return { settings, ...(clientSecret ? { clientSecret } : {}), ...(appleKey?.privateKey ? { applePrivateKey: appleKey.privateKey } : {}) };
}

type OidcCredentials = Pick<OidcIdentityProvider, 'clientAuthentication' | 'sealedClientSecret' | 'sealedClientKey' | 'clientJwks'>;

/**
 * How the platform will authenticate at an OpenID Provider's token endpoint: a secret (sealed,
 * kept across replaces unless a new one is given), or a key pair of its own for private_key_jwt
 * (ES256, made once per provider; the private half sealed, the public half shown to register).
 */
async function oidcCredentials(call: AdminCall<unknown>, id: string, settings: OidcSettings, clientSecret: string | undefined, previous?: OidcIdentityProvider, applePrivateKey?: string): Promise<OidcCredentials> {
  const vault = createSecureVault(call.req.deps.keyVault);
  const storedSecret = previous?.sealedClientSecret;
  const method = settings.clientAuthentication ?? (clientSecret || storedSecret ? 'client_secret_basic' : 'none');
  if (method === 'client_secret_basic' || method === 'client_secret_post') {
    const sealedClientSecret = clientSecret ? await vault.seal('idp-client-secret', call.tenant.id, id, clientSecret) : storedSecret;
    if (!sealedClientSecret) throw invalid('clientSecret', `is required for ${method}`);
    return { clientAuthentication: method, sealedClientSecret };
  }
  if (method === 'apple_client_secret') {
    if (!applePrivateKey) {
      if (previous?.clientAuthentication === method && previous.sealedClientKey) return { clientAuthentication: method, sealedClientKey: previous.sealedClientKey };
      throw invalid('appleKey.privateKey', 'is required (the .p8 key Apple gave, PEM)');
    }
    try {
      await importPKCS8(applePrivateKey, 'ES256');
    } catch {
      throw invalid('appleKey.privateKey', 'is not a PKCS#8 P-256 private key (PEM)');
    }
    return { clientAuthentication: method, sealedClientKey: await vault.seal('idp-client-key', call.tenant.id, id, applePrivateKey) };
  }
  if (method === 'private_key_jwt') {
    if (previous?.clientAuthentication === method && previous.sealedClientKey && previous.clientJwks) return { clientAuthentication: method, sealedClientKey: previous.sealedClientKey, clientJwks: previous.clientJwks };
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = randomUUID();
    const sealedClientKey = await vault.seal('idp-client-key', call.tenant.id, id, JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg: 'ES256' }));
    return { clientAuthentication: method, sealedClientKey, clientJwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] } };
  }
  return { clientAuthentication: 'none' };
}

const audited = (idp: IdentityProvider) => {
  const { createdAt: _c, updatedAt: _u, version: _v, ...rest } = identityProviderView(idp);
  return rest;
};

/** The provider as the API shows it, with what to register at the upstream: the broker's URLs for it there. */
function viewOf(call: AdminCall<unknown>, idp: IdentityProvider) {
  const base = `${call.req.deps.publicUrl}/t/${call.tenant.slug}/login/federated`;
  const registration = idp.kind === 'oidc'
    ? { redirectUri: `${base}/callback`, backchannelLogoutUri: `${base}/${idp.id}/backchannel-logout`, postLogoutRedirectUri: `${base}/logged-out` }
    : { spMetadataUrl: `${base}/saml/metadata` };
  return { ...identityProviderView(idp), registration };
}

const existing = (call: AdminCall<unknown>) => existingResource(call, 'idpId', 'identity provider', (tenant, id) => call.req.deps.identityProviders.get(tenant, id));

export const identityProviderOperations = [
  operation({
    route: 'GET /t/{tenant}/api/v1/identity-providers', summary: 'List the upstream identity providers users may sign in with', tag: 'Federation', access: 'read', status: 200, paginated: true, response: pageOf(identityProviderSchema),
    handle: async (call) => {
      const result = await call.req.deps.identityProviders.list(call.tenant.id, call.page);
      return { body: { items: result.items.map((idp) => viewOf(call, idp)), ...(result.cursor ? { next_cursor: result.cursor } : {}) } };
    },
  }),
  operation({
    route: 'POST /t/{tenant}/api/v1/identity-providers', summary: 'Add an upstream OpenID Connect provider (its client secret is sealed and never shown again) or SAML 2.0 identity provider (from its metadata); name it in a flow’s first step as `federated:{id}`', tag: 'Federation', access: 'write', status: 201, body: identityProviderInputSchema, response: identityProviderSchema, idempotent: true,
    handle: async (call) => {
      const { settings, clientSecret, applePrivateKey } = await parseInput(call);
      const id = randomUUID();
      const now = new Date().toISOString();
      const credentials = settings.kind === 'oidc' ? await oidcCredentials(call, id, settings, clientSecret, undefined, applePrivateKey) : {};
      const idp = { ...settings, ...credentials, tenant: call.tenant.id, id, createdAt: now, updatedAt: now, version: 1 } as IdentityProvider;
      await call.req.deps.identityProviders.create(idp, [call.event('idp.created', `idp:${id}`, { after: audited(idp) })]);
      return { body: viewOf(call, idp), version: 1, headers: { location: `/t/${call.tenant.slug}/api/v1/identity-providers/${id}` } };
    },
  }),
  operation({
    route: 'GET /t/{tenant}/api/v1/identity-providers/{idpId}', summary: 'Read an identity provider (never its client secret)', tag: 'Federation', access: 'read', status: 200, response: identityProviderSchema,
    handle: async (call) => {
      const idp = await existing(call);
      return { body: viewOf(call, idp), version: idp.version };
    },
  }),
  operation({
    route: 'PUT /t/{tenant}/api/v1/identity-providers/{idpId}', summary: 'Replace an identity provider’s settings; the client secret is replaced only when given', tag: 'Federation', access: 'write', status: 200, body: identityProviderInputSchema, response: identityProviderSchema, conditional: true,
    handle: async (call) => {
      const idp = await existing(call);
      const { settings, clientSecret, applePrivateKey } = await parseInput(call);
      if (settings.kind !== idp.kind) throw invalid('kind', `is ${idp.kind} and cannot change (its users are linked by ${idp.kind} subjects); add another provider instead`);
      // A replace sets every setting: optional ones left out are removed, except stored credentials.
      const credentials = settings.kind === 'oidc' ? await oidcCredentials(call, idp.id, settings, clientSecret, idp as OidcIdentityProvider, applePrivateKey) : {};
      const next = { ...settings, ...credentials, tenant: idp.tenant, id: idp.id, createdAt: idp.createdAt, updatedAt: new Date().toISOString(), version: idp.version + 1 } as IdentityProvider;
      expectWritten(await call.req.deps.identityProviders.replace(idp, next, [call.event('idp.updated', `idp:${idp.id}`, { before: audited(idp), after: audited(next), secretReplaced: clientSecret !== undefined })]), 'identity provider');
      return { body: viewOf(call, next), version: next.version };
    },
  }),
  operation({
    route: 'DELETE /t/{tenant}/api/v1/identity-providers/{idpId}', summary: 'Remove an identity provider (its users can no longer sign in through it)', tag: 'Federation', access: 'write', status: 204, conditional: true,
    handle: async (call) => {
      const idp = await existing(call);
      expectWritten(await call.req.deps.identityProviders.remove(idp, [call.event('idp.deleted', `idp:${idp.id}`, { before: audited(idp) })]), 'identity provider');
      return {};
    },
  }),
];
