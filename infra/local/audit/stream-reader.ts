import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';

export type { StreamRecord };

export interface Checkpoints {
  /** Shard id → sequence number of the last record fully delivered. */
  [shardId: string]: string;
}

/**
 * Reads a table's DynamoDB stream shard by shard, from the checkpoint onward (or from the
 * trim horizon the first time), as the EventBridge Pipe's DynamoDB source does in AWS.
 */
export function createStreamReader(dynamodb: DynamoDBClient, streams: DynamoDBStreamsClient, tableName: string) {
  let streamArn: string | undefined;
  const iterators = new Map<string, string>();
  const closed = new Set<string>();

  async function shards(): Promise<string[]> {
    streamArn ??= (await dynamodb.send(new DescribeTableCommand({ TableName: tableName }))).Table?.LatestStreamArn;
    if (!streamArn) throw new Error(`table ${tableName} has no stream`);
    const ids: string[] = [];
    let ExclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId }));
      ids.push(...(StreamDescription?.Shards ?? []).map((s) => s.ShardId!));
      ExclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (ExclusiveStartShardId);
    return ids;
  }

  async function iteratorFor(shardId: string, checkpoints: Checkpoints): Promise<string | undefined> {
    const after = checkpoints[shardId];
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn!,
        ShardId: shardId,
        ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return ShardIterator;
  }

  return {
    /** One pass over every open shard: each shard's new records, in order. */
    async poll(checkpoints: Checkpoints): Promise<Array<{ shardId: string; records: StreamRecord[] }>> {
      const batches: Array<{ shardId: string; records: StreamRecord[] }> = [];
      for (const shardId of await shards()) {
        if (closed.has(shardId)) continue;
        try {
          const iterator = iterators.get(shardId) ?? (await iteratorFor(shardId, checkpoints));
          if (!iterator) continue;
          const { Records, NextShardIterator } = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }));
          if (NextShardIterator) iterators.set(shardId, NextShardIterator);
          else {
            iterators.delete(shardId);
            closed.add(shardId);
          }
          if (Records?.length) batches.push({ shardId, records: Records });
        } catch (error) {
          if (!(error instanceof ExpiredIteratorException || error instanceof TrimmedDataAccessException)) throw error;
          iterators.delete(shardId);
        }
      }
      return batches;
    },
    /** Forget open iterators (after a failed delivery), so the next poll resumes from the checkpoint. */
    rewind(shardId: string) {
      iterators.delete(shardId);
    },
  };
}
