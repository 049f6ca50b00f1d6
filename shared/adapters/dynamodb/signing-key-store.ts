import { QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Keyring, SigningAlgorithm, StoredSigningKey } from '../../domain/keys/signing-key.ts';
import type { KeyringChange, SigningKeyStore, TenantKeys } from '../../domain/ports/signing-key-store.ts';
import { auditPuts } from './audit-item.ts';
import { isConditionFailure, isTransactionConflict } from './keys.ts';
import type { TableNames } from './table-names.ts';

const tenantPk = (tenant: string) => `TENANT#${tenant}`;
const keyringSk = (alg: SigningAlgorithm) => `KEYRING#${alg}`;
const keySk = (kid: string) => `KEY#${kid}`;

/**
 * Signing keys in the Directory table under their tenant: one KEYRING#{alg} item holds the
 * states and a version; one KEY#{kid} item per key holds its (sealed) material. A rotation
 * is one transaction guarded by the keyring's version, so concurrent runs cannot both win.
 */
export function createSigningKeyStore(client: DynamoDBDocumentClient, tables: TableNames, auditRetentionDays: number): SigningKeyStore {
  return {
    async load(tenant): Promise<TenantKeys> {
      const keyrings: Partial<Record<SigningAlgorithm, Keyring>> = {};
      const keys = new Map<string, StoredSigningKey>();
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: tables.directory,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': tenantPk(tenant), ':prefix': 'KEY' },
            ConsistentRead: true,
            ExclusiveStartKey,
          }),
        );
        for (const item of page.Items ?? []) {
          if (item.sk.startsWith('KEYRING#')) keyrings[item.alg as SigningAlgorithm] = { alg: item.alg, version: item.version, entries: item.entries };
          else keys.set(item.kid, { kid: item.kid, alg: item.alg, createdAt: item.createdAt, publicJwk: item.publicJwk, sealedPrivateKey: item.sealedPrivateKey, ...(item.certificatePem ? { certificatePem: item.certificatePem } : {}) });
        }
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return { keyrings, keys };
    },

    async commit(change: KeyringChange) {
      const pk = tenantPk(change.tenant);
      const version = (change.expectedVersion ?? 0) + 1;
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tables.directory,
                  Item: { pk, sk: keyringSk(change.alg), alg: change.alg, version, entries: change.entries },
                  ConditionExpression: change.expectedVersion === undefined ? 'attribute_not_exists(pk)' : 'version = :expected',
                  ...(change.expectedVersion === undefined ? {} : { ExpressionAttributeValues: { ':expected': change.expectedVersion } }),
                },
              },
              ...change.added.map((key) => ({
                Put: { TableName: tables.directory, Item: { pk, sk: keySk(key.kid), ...key }, ConditionExpression: 'attribute_not_exists(pk)' },
              })),
              ...change.removedKids.map((kid) => ({ Delete: { TableName: tables.directory, Key: { pk, sk: keySk(kid) } } })),
              ...auditPuts(tables.audit, change.events, auditRetentionDays),
            ],
          }),
        );
        return 'committed';
      } catch (error) {
        if (isConditionFailure(error) || isTransactionConflict(error)) return 'conflict';
        throw error;
      }
    },
  };
}
