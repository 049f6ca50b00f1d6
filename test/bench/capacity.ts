import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

interface Capacity {
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
  CapacityUnits?: number;
  Table?: { ReadCapacityUnits?: number; WriteCapacityUnits?: number };
}

/**
 * Asks DynamoDB for the capacity every call consumes (ReturnConsumedCapacity=TOTAL) and
 * adds it up, split into reads and writes by operation.
 */
export function countCapacity(client: DynamoDBDocumentClient) {
  const totals = { read: 0, write: 0, calls: 0 };
  const writes = /Put|Update|Delete|TransactWrite|BatchWrite/;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: Capacity | Capacity[] }).ConsumedCapacity;
      const units = [consumed ?? []].flat().reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
      totals.calls++;
      if (writes.test(context.commandName ?? '')) totals.write += units;
      else totals.read += units;
      return result;
    },
    { step: 'initialize', name: 'countConsumedCapacity' },
  );
  return {
    totals,
    reset() {
      totals.read = 0;
      totals.write = 0;
      totals.calls = 0;
    },
  };
}
