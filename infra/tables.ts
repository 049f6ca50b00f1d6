/**
 * The four tables of ARCHITECTURE §5, defined once. The CDK data construct and the
 * local runtime both build their tables from these definitions, and functions find
 * each table's name in the environment variable named here.
 */
export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

export interface TableDefinition {
  readonly id: 'Directory' | 'Sessions' | 'SessionIndex' | 'Audit';
  readonly description: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly globalIndexes: readonly IndexDefinition[];
  readonly timeToLiveAttribute?: string;
  readonly stream?: 'NEW_IMAGE';
  readonly pointInTimeRecovery: boolean;
  readonly deletionProtection: boolean;
  readonly environmentVariable: string;
}

const keys = { partitionKey: 'pk', sortKey: 'sk' } as const;
const byGsi = (n: number): IndexDefinition => ({ indexName: `gsi${n}`, partitionKey: `gsi${n}pk`, sortKey: `gsi${n}sk` });

export const directoryTable: TableDefinition = {
  id: 'Directory',
  description: 'Tenants and everything a tenant owns; uniqueness markers',
  ...keys,
  // gsi1: alternate keys inside a tenant (email, client_id, entityID); gsi2: listings in a chosen order
  globalIndexes: [byGsi(1), byGsi(2)],
  pointInTimeRecovery: true,
  deletionProtection: true,
  environmentVariable: 'DIRECTORY_TABLE',
};

export const sessionsTable: TableDefinition = {
  id: 'Sessions',
  description: 'SSO sessions, authentication transactions, codes, refresh-token families, OTP challenges, rate-limit buckets',
  ...keys,
  // gsi1: everything held for one user (list and revoke sessions)
  globalIndexes: [byGsi(1)],
  timeToLiveAttribute: 'expiresAt',
  pointInTimeRecovery: false,
  deletionProtection: false,
  environmentVariable: 'SESSIONS_TABLE',
};

export const sessionIndexTable: TableDefinition = {
  id: 'SessionIndex',
  description: 'SAML SessionIndex and OIDC sid to the SSO session and its participants',
  ...keys,
  // gsi1: from a participant's own handle (SessionIndex, sid) back to the SSO session
  globalIndexes: [byGsi(1)],
  timeToLiveAttribute: 'expiresAt',
  pointInTimeRecovery: false,
  deletionProtection: false,
  environmentVariable: 'SESSION_INDEX_TABLE',
};

export const auditTable: TableDefinition = {
  id: 'Audit',
  description: 'One item per security event; the outbox the audit pipeline streams from',
  ...keys,
  // gsi1: events of one type in time order; gsi2: events about one subject in time order
  globalIndexes: [byGsi(1), byGsi(2)],
  timeToLiveAttribute: 'expiresAt',
  stream: 'NEW_IMAGE',
  pointInTimeRecovery: true,
  deletionProtection: false,
  environmentVariable: 'AUDIT_TABLE',
};

export const tables: readonly TableDefinition[] = [directoryTable, sessionsTable, sessionIndexTable, auditTable];
