import { resolve } from 'node:path';
import type { DynamoDbStorage } from './dynamodb-local.ts';

export interface LocalConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly publicUrl: string;
  readonly dynamodbPort: number;
  /** Where DynamoDB Local keeps its tables: under dataDir (the default), or in memory only. */
  readonly dynamodbStorage: DynamoDbStorage;
  readonly sesPort: number;
  readonly siemUrl?: string;
  readonly rotationIntervalMs: number;
  readonly digestIntervalMs: number;
  readonly auditPollMs: number;
}

function interval(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  // Node turns anything outside 1 ms … 2^31-1 ms into a 1 ms timer: refuse it rather than spin.
  if (!Number.isInteger(n) || n < 10 || n > 2_147_483_647) throw new Error(`${name} must be a whole number of milliseconds from 10 to 2147483647, got ${value}`);
  return n;
}

function port(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${name} must be a port number, got ${value}`);
  return n;
}

/**
 * The local runtime's settings, from the environment. The stand-ins' ports default to
 * the two after PORT, so two instances with different PORTs run side by side.
 */
export function localConfigFromEnvironment(env: NodeJS.ProcessEnv = process.env): LocalConfig {
  const httpPort = port('PORT', env.PORT, 3000);
  const publicUrl = (env.PUBLIC_URL || `http://localhost:${httpPort}`).replace(/\/$/, '');
  if (!/^https?:\/\/[^/]+$/.test(publicUrl)) throw new Error(`PUBLIC_URL must be an origin such as https://id.example.com, got ${publicUrl}`);
  if (env.SIEM_URL && !/^https?:\/\//.test(env.SIEM_URL)) throw new Error(`SIEM_URL must be an http(s) URL, got ${env.SIEM_URL}`);
  const storage = env.DYNAMODB_STORAGE || 'disk';
  if (storage !== 'disk' && storage !== 'memory') throw new Error(`DYNAMODB_STORAGE must be disk or memory, got ${storage}`);
  return {
    port: httpPort,
    host: env.HOST || '127.0.0.1',
    dataDir: resolve(env.DATA_DIR || '.data'),
    publicUrl,
    dynamodbPort: port('DYNAMODB_PORT', env.DYNAMODB_PORT, httpPort + 1),
    dynamodbStorage: storage,
    sesPort: port('SES_PORT', env.SES_PORT, httpPort + 2),
    ...(env.SIEM_URL ? { siemUrl: env.SIEM_URL } : {}),
    rotationIntervalMs: interval('KEY_ROTATION_INTERVAL_MS', env.KEY_ROTATION_INTERVAL_MS, 60 * 60_000),
    digestIntervalMs: interval('AUDIT_DIGEST_INTERVAL_MS', env.AUDIT_DIGEST_INTERVAL_MS, 60 * 60_000),
    auditPollMs: interval('AUDIT_POLL_MS', env.AUDIT_POLL_MS, 250),
  };
}
