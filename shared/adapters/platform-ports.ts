import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createKeyService, type KeyService } from '../domain/keys/key-service.ts';
import type { AuditLog } from '../domain/ports/audit-log.ts';
import type { ClientRegistry } from '../domain/ports/client-registry.ts';
import type { ConsentStore } from '../domain/ports/consent-store.ts';
import type { GrantStore } from '../domain/ports/grant-store.ts';
import type { DataStore } from '../domain/ports/data-store.ts';
import type { GroupDirectory } from '../domain/ports/group-directory.ts';
import type { KeyVault } from '../domain/ports/key-vault.ts';
import type { Mailer } from '../domain/ports/mailer.ts';
import type { PlatformSecrets } from '../domain/ports/platform-secrets.ts';
import type { SessionParticipants } from '../domain/ports/session-participants.ts';
import type { ServiceProviderRegistry } from '../domain/ports/service-provider-registry.ts';
import type { SamlExchanges } from '../domain/ports/saml-exchanges.ts';
import type { AuthTransactions, RateLimiter, SessionStore } from '../domain/ports/session-store.ts';
import type { SigningKeyStore } from '../domain/ports/signing-key-store.ts';
import type { TenantRegistry } from '../domain/ports/tenant-registry.ts';
import type { UserDirectory } from '../domain/ports/user-directory.ts';
import type { TenantCatalogue } from '../domain/ports/tenant-catalogue.ts';
import type { TenantLookup } from '../domain/ports/tenant-lookup.ts';
import { createAuditLog } from './dynamodb/audit-log.ts';
import { createClientRegistry } from './dynamodb/client-registry.ts';
import { createServiceProviderRegistry } from './dynamodb/service-provider-registry.ts';
import { createSamlExchanges } from './dynamodb/saml-exchanges.ts';
import { createConsentStore } from './dynamodb/consent-store.ts';
import { createGrantStore } from './dynamodb/grant-store.ts';
import { createDocumentClient } from './dynamodb/client.ts';
import { createDataStore } from './dynamodb/data-store.ts';
import { createGroupDirectory } from './dynamodb/group-directory.ts';
import { tableNamesFromEnvironment, type TableNames } from './dynamodb/table-names.ts';
import { createPlatformSecrets } from './dynamodb/platform-secrets.ts';
import { createSessionParticipants } from './dynamodb/session-participants.ts';
import { createRateLimiter } from './dynamodb/rate-limiter.ts';
import { createAuthTransactions, createSessionStore } from './dynamodb/session-store.ts';
import { createSigningKeyStore } from './dynamodb/signing-key-store.ts';
import { createTenantRegistry } from './dynamodb/tenant-registry.ts';
import { createUserDirectory } from './dynamodb/user-directory.ts';
import { createTenantDirectory, createTenantSettingsStore } from './dynamodb/tenant-directory.ts';
import { createIdempotencyStore } from './dynamodb/idempotency-store.ts';
import { createFactorStore } from './dynamodb/factor-store.ts';
import { createLoginStates } from './dynamodb/login-states.ts';
import { createFlowStore } from './dynamodb/flow-store.ts';
import { createActionTokens } from './dynamodb/action-tokens.ts';
import type { ActionTokens } from '../domain/ports/action-tokens.ts';
import type { FlowStore } from '../domain/ports/flow-store.ts';
import type { FactorStore } from '../domain/ports/factor-store.ts';
import type { LoginStates } from '../domain/ports/login-state.ts';
import type { TenantSettingsStore } from '../domain/ports/tenant-settings-store.ts';
import type { IdempotencyStore } from '../domain/ports/idempotency-store.ts';
import { createKmsDataKeySource } from './kms/aws-kms.ts';
import { createEnvelopeVault } from './kms/envelope-vault.ts';
import { createLocalKeystore } from './kms/local-keystore.ts';
import type { SiemRequest } from '../domain/audit/siem-sink.ts';
import type { ConsentPurposeRegistry } from '../domain/ports/consent-purposes.ts';
import { createConsentPurposeRegistry } from './dynamodb/consent-purposes.ts';
import type { Ceremonies } from '../domain/ports/ceremonies.ts';
import type { PersonalData } from '../domain/ports/personal-data.ts';
import type { IdentityProviderRegistry, LinkedIdentities } from '../domain/ports/identity-providers.ts';
import { createIdentityProviderRegistry, createLinkedIdentities } from './dynamodb/identity-providers.ts';
import { createPersonalData } from './dynamodb/personal-data.ts';
import { createCeremonies } from './dynamodb/ceremonies.ts';
import type { ConsoleSessions } from '../domain/ports/console-sessions.ts';
import { createConsoleSessions } from './dynamodb/console-sessions.ts';
import type { AuditCounters, AuditDigests, AuditTrail } from '../domain/ports/audit-log.ts';
import { createAuditCounters, createAuditDigests, createAuditTrail } from './dynamodb/audit-trail.ts';
import type { SiemDeliveries, SiemSinkRegistry } from '../domain/ports/siem-sinks.ts';
import { createSiemDeliveries, createSiemSinkRegistry } from './dynamodb/siem-sinks.ts';
import { guardedPost } from './outbound/guarded-post.ts';
import { createSesMailer } from './ses/ses-mailer.ts';

/** The ports a function is built from, wired to AWS (or the local stand-ins) from the environment. */
export interface PlatformPorts {
  readonly db: DynamoDBDocumentClient;
  readonly tables: TableNames;
  readonly dataStore: DataStore;
  readonly tenants: TenantLookup & TenantCatalogue;
  readonly tenantSettings: TenantSettingsStore;
  readonly idempotency: IdempotencyStore;
  readonly factors: FactorStore;
  readonly loginStates: LoginStates;
  readonly ceremonies: Ceremonies;
  readonly consoleSessions: ConsoleSessions;
  readonly personalData: PersonalData;
  readonly identityProviders: IdentityProviderRegistry;
  readonly linkedIdentities: LinkedIdentities;
  readonly flows: FlowStore;
  readonly actionTokens: ActionTokens;
  readonly signingKeys: SigningKeyStore;
  /** The signing API over the tenant's keys (cached per tenant; no KMS call per token). */
  readonly keys: KeyService;
  readonly registry: TenantRegistry;
  readonly users: UserDirectory;
  readonly groups: GroupDirectory;
  readonly sessions: SessionStore;
  readonly rateLimiter: RateLimiter;
  readonly authTransactions: AuthTransactions;
  readonly clients: ClientRegistry;
  readonly serviceProviders: ServiceProviderRegistry;
  readonly samlExchanges: SamlExchanges;
  readonly grants: GrantStore;
  readonly participants: SessionParticipants;
  readonly consents: ConsentStore;
  readonly consentPurposes: ConsentPurposeRegistry;
  readonly auditTrail: AuditTrail;
  readonly auditDigests: AuditDigests;
  readonly auditCounters: AuditCounters;
  readonly siemSinks: SiemSinkRegistry;
  readonly siemDeliveries: SiemDeliveries;
  /** POSTs to a tenant-configured URL, never to an internal address (loopback only in the local runtime). */
  readonly siemPost: (request: SiemRequest) => Promise<number>;
  /** Any server-to-server POST to a URL a tenant configured (SAML SOAP logout): the same guard, the answer's status and body. */
  readonly outboundPost: (url: string, headers: Record<string, string>, body: string) => Promise<{ status: number; body: string }>;
  readonly platformSecrets: PlatformSecrets;
  readonly auditLog: AuditLog;
  readonly keyVault: KeyVault;
  readonly mailer: Mailer;
  readonly publicUrl: string;
}

function keyVaultFromEnvironment(): KeyVault {
  const kmsKey = process.env.KEYSTORE_KEY_ARN;
  if (kmsKey) return createEnvelopeVault(createKmsDataKeySource(kmsKey));
  const localFile = process.env.LOCAL_KEYSTORE_FILE;
  if (localFile) return createEnvelopeVault(createLocalKeystore(localFile));
  throw new Error('neither KEYSTORE_KEY_ARN nor LOCAL_KEYSTORE_FILE is set');
}

/** `db` may be given, e.g. a client that counts consumed capacity in a benchmark. */
export function portsFromEnvironment(options: { db?: DynamoDBDocumentClient } = {}): PlatformPorts {
  const db = options.db ?? createDocumentClient();
  const tables = tableNamesFromEnvironment();
  const retentionDays = Number(process.env.AUDIT_RETENTION_DAYS ?? 365);
  const keyVault = keyVaultFromEnvironment();
  const signingKeys = createSigningKeyStore(db, tables, retentionDays);
  const outboundPost = (url: string, headers: Record<string, string>, body: string) => guardedPost(url, headers, body, { allowLoopback: process.env.OUTBOUND_ALLOW_LOOPBACK === 'true' });
  return {
    db,
    tables,
    dataStore: createDataStore(db, tables),
    tenants: createTenantDirectory(db, tables.directory),
    tenantSettings: createTenantSettingsStore(db, tables, retentionDays),
    idempotency: createIdempotencyStore(db, tables),
    factors: createFactorStore(db, tables, retentionDays),
    loginStates: createLoginStates(db, tables),
    ceremonies: createCeremonies(db, tables),
    consoleSessions: createConsoleSessions(db, tables),
    personalData: createPersonalData(db, tables, retentionDays),
    identityProviders: createIdentityProviderRegistry(db, tables, retentionDays),
    linkedIdentities: createLinkedIdentities(db, tables, retentionDays),
    flows: createFlowStore(db, tables, retentionDays),
    actionTokens: createActionTokens(db, tables),
    signingKeys,
    keys: createKeyService({ store: signingKeys, vault: keyVault }),
    registry: createTenantRegistry(db, tables, retentionDays),
    users: createUserDirectory(db, tables, retentionDays),
    groups: createGroupDirectory(db, tables, retentionDays),
    sessions: createSessionStore(db, tables, retentionDays),
    rateLimiter: createRateLimiter(db, tables),
    authTransactions: createAuthTransactions(db, tables),
    clients: createClientRegistry(db, tables, retentionDays),
    serviceProviders: createServiceProviderRegistry(db, tables, retentionDays),
    samlExchanges: createSamlExchanges(db, tables),
    grants: createGrantStore(db, tables, retentionDays),
    participants: createSessionParticipants(db, tables),
    consents: createConsentStore(db, tables, retentionDays),
    consentPurposes: createConsentPurposeRegistry(db, tables, retentionDays),
    auditTrail: createAuditTrail(db, tables.audit),
    auditDigests: createAuditDigests(db, tables.audit),
    auditCounters: createAuditCounters(db, tables.audit, retentionDays),
    siemSinks: createSiemSinkRegistry(db, tables, retentionDays),
    siemDeliveries: createSiemDeliveries(db, tables),
    siemPost: async (request) => (await outboundPost(request.url, request.headers, request.body)).status,
    outboundPost,
    platformSecrets: createPlatformSecrets(db, tables.directory, keyVault),
    auditLog: createAuditLog(db, tables.audit, retentionDays),
    keyVault,
    mailer: createSesMailer(process.env.MAIL_FROM ?? 'no-reply@localhost'),
    publicUrl: (process.env.PUBLIC_URL ?? '').replace(/\/$/, ''),
  };
}
