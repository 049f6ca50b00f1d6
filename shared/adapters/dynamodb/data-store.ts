import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DataStore } from '../../domain/ports/data-store.ts';
import type { TableNames } from './table-names.ts';

export function createDataStore(client: DynamoDBDocumentClient, tables: TableNames): DataStore {
  return {
    async check() {
      await Promise.all(
        Object.values(tables).map(async (TableName) => {
          const { Table } = await client.send(new DescribeTableCommand({ TableName }));
          if (Table?.TableStatus !== 'ACTIVE' && Table?.TableStatus !== 'UPDATING') {
            throw new Error(`table ${TableName} is ${Table?.TableStatus ?? 'missing'}`);
          }
        }),
      );
    },
  };
}
