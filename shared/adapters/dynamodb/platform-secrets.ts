import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { KeyVault } from '../../domain/ports/key-vault.ts';
import type { PlatformSecrets } from '../../domain/ports/platform-secrets.ts';
import { createSecureVault } from '../../domain/secrets/secure-vault.ts';
import { isConditionFailure } from './keys.ts';

const platform = '_platform';

/**
 * Platform secrets live sealed in the Directory under PLATFORM; the first function to need
 * one creates it (a conditional put settles a race), and each process opens it once.
 */
export function createPlatformSecrets(client: DynamoDBDocumentClient, directoryTable: string, keyVault: KeyVault): PlatformSecrets {
  const vault = createSecureVault(keyVault);
  const cache = new Map<string, Promise<Buffer>>();
  const key = (name: string) => ({ pk: 'PLATFORM', sk: `SECRET#${name}` });

  async function load(name: string): Promise<Buffer> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const { Item } = await client.send(new GetCommand({ TableName: directoryTable, Key: key(name), ConsistentRead: true }));
      if (Item) return Buffer.from(await vault.open('platform-secret', platform, name, Item.sealed));
      const sealed = await vault.seal('platform-secret', platform, name, randomBytes(32));
      try {
        await client.send(new PutCommand({ TableName: directoryTable, Item: { ...key(name), sealed, createdAt: new Date().toISOString() }, ConditionExpression: 'attribute_not_exists(pk)' }));
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    throw new Error(`platform secret ${name} could not be created`);
  }

  return {
    get(name) {
      let pending = cache.get(name);
      if (!pending) {
        pending = load(name).catch((error: unknown) => {
          cache.delete(name);
          throw error;
        });
        cache.set(name, pending);
      }
      return pending;
    },
  };
}
