import { mkdirSync } from 'node:fs';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { auditFunction, httpFunctions, keysFunction } from '../functions.ts';
import { routeTable } from '../routes.ts';
import { auditTable, tables } from '../tables.ts';
import { startAuditPipeline } from './audit/pipeline.ts';
import { logFileSink, siemSink, tenantSiemSink } from './audit/sinks.ts';
import { createStreamReader } from './audit/stream-reader.ts';
import type { ManagedProcess } from './child-process.ts';
import type { LocalConfig } from './config.ts';
import { ensureTables } from './create-tables.ts';
import { startDynamoDbLocal } from './dynamodb-local.ts';
import { createFunctionHost } from './function-host.ts';
import { createGateway } from './gateway.ts';
import { startScheduler } from './scheduler.ts';
import { startSesLocal } from './ses-local.ts';

const repositoryRoot = resolve(import.meta.dirname, '../..');

export interface LocalRuntime {
  readonly urls: Readonly<Record<string, string>>;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/**
 * What the functions see in Lambda, pointed at the stand-ins. The runtime is one process
 * per instance, so this process's environment is the functions' environment.
 */
function functionEnvironment(config: LocalConfig, endpoints: { dynamodb: string; ses: string }): Record<string, string> {
  return {
    DYNAMODB_ENDPOINT: endpoints.dynamodb,
    SES_ENDPOINT: endpoints.ses,
    LOCAL_KEYSTORE_FILE: join(config.dataDir, 'keystore.json'),
    MAIL_FROM: process.env.MAIL_FROM || 'no-reply@identity.localhost',
    PUBLIC_URL: config.publicUrl,
    STAGE: 'local',
    // Tenants' SIEM sinks are local listeners here; in AWS only public addresses are posted to.
    OUTBOUND_ALLOW_LOOPBACK: 'true',
    AUDIT_RETENTION_DAYS: process.env.AUDIT_RETENTION_DAYS ?? '365',
    POWERTOOLS_METRICS_NAMESPACE: 'IdentityPlatform',
    POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    ...Object.fromEntries(tables.map((t) => [t.environmentVariable, t.id])),
  };
}

/** The stand-ins accept any credentials; the SDK still wants some, and a region. */
const standInCredentials = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };

/** Logs a recurring error once, and again only when it changes. */
function reportOnce(prefix: string) {
  let last = '';
  return (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    if (message !== last) console.error(prefix, message);
    last = message;
  };
}

export async function startLocalRuntime(config: LocalConfig): Promise<LocalRuntime> {
  mkdirSync(config.dataDir, { recursive: true });
  Object.assign(process.env, standInCredentials);
  const started: ManagedProcess[] = [];
  const host = createFunctionHost([...httpFunctions, keysFunction, auditFunction], repositoryRoot);
  const stopAll = async () => {
    for (const proc of started.reverse()) await proc.stop();
  };
  try {
    // Listen first: a port already taken fails the start before any stand-in is spawned.
    const server = createGateway(routeTable, host, join(config.dataDir, 'access.log'));
    server.listen(config.port, config.host);
    await Promise.race([once(server, 'listening'), once(server, 'error').then(([error]) => Promise.reject(error as Error))]);
    started.push({
      name: 'gateway',
      stop: () => new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
    });

    const [dynamodb, ses] = await Promise.all([
      startDynamoDbLocal(config.dynamodbPort, config.dataDir, config.dynamodbStorage).then((p) => (started.push(p), p)),
      startSesLocal(config.sesPort, config.dataDir).then((p) => (started.push(p), p)),
    ]);
    Object.assign(process.env, functionEnvironment(config, { dynamodb: dynamodb.endpoint, ses: ses.endpoint }));

    const dynamodbClient = new DynamoDBClient({ endpoint: dynamodb.endpoint });
    const streamsClient = new DynamoDBStreamsClient({ endpoint: dynamodb.endpoint });
    await ensureTables(dynamodbClient, tables);

    const pipeline = startAuditPipeline({
      reader: createStreamReader(dynamodbClient, streamsClient, auditTable.id),
      sinks: [
        logFileSink(join(config.dataDir, 'audit.log')),
        ...(config.siemUrl ? [siemSink(config.siemUrl)] : []),
        tenantSiemSink((event) => host.invoke(auditFunction.name, event), Number(process.env.AUDIT_RETENTION_DAYS ?? 365)),
      ],
      checkpointFile: join(config.dataDir, 'audit-pipeline-checkpoint.json'),
      deadLetterFile: join(config.dataDir, 'audit-dead-letter.log'),
      pollMs: config.auditPollMs,
      onError: reportOnce('[audit pipeline]'),
    });
    started.push({ name: 'audit pipeline', stop: () => pipeline.stop() });

    const scheduler = startScheduler(host, keysFunction.name, config.rotationIntervalMs);
    started.push({ name: 'scheduler', stop: () => scheduler.stop() });
    const digests = startScheduler(host, auditFunction.name, config.digestIntervalMs);
    started.push({ name: 'digest scheduler', stop: () => digests.stop() });

    return {
      dataDir: config.dataDir,
      urls: {
        api: config.publicUrl,
        health: `${config.publicUrl}/health`,
        mailViewer: `http://localhost:${config.sesPort}`,
        dynamodb: dynamodb.endpoint,
      },
      async stop() {
        await stopAll();
        dynamodbClient.destroy();
        streamsClient.destroy();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
