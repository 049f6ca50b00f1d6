import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { eventFromAuditItem } from '../../shared/adapters/dynamodb/audit-item.ts';
import { auditCatalogue, catalogueProblems } from '../../shared/domain/audit/catalogue.ts';
import { strongPassword } from './signup.ts';

/**
 * What must never be in an audit event: the passwords the tests type, password hashes, signing
 * secrets, private keys and JWTs (an event names a token by its jti, never carries it).
 */
const secretPatterns: ReadonlyArray<[string, RegExp]> = [
  ['a test password', new RegExp(`${strongPassword}|passphrase|wrong password|not the password at all`, 'i')],
  ['a password hash', /\$argon2|\$2[aby]\$\d|pbkdf2_sha256\$|\$scrypt\$|\$pbkdf2-sha256\$/],
  ['a webhook secret', /whsec_[A-Za-z0-9_-]{10}/],
  ['a private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----|"d":"[A-Za-z0-9_-]{20,}"/],
  ['a JWT', /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\./],
];

export interface AuditScan {
  readonly events: number;
  readonly problems: string[];
  readonly secrets: string[];
  readonly types: Record<string, number>;
  readonly neverEmitted: string[];
}

/** Every audit event the test run produced, checked against the catalogue and for secrets. */
export async function scanAuditTrail(dynamodbEndpoint: string): Promise<AuditScan> {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
  const problems = new Set<string>();
  const secrets: string[] = [];
  const types: Record<string, number> = {};
  let events = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: 'Audit', ExclusiveStartKey }));
    for (const item of page.Items ?? []) {
      if (!String(item.sk).startsWith('EVENT#')) continue;
      const event = eventFromAuditItem(item);
      events++;
      types[event.type] = (types[event.type] ?? 0) + 1;
      for (const problem of catalogueProblems(event)) problems.add(problem);
      const text = JSON.stringify(event);
      for (const [what, pattern] of secretPatterns) if (pattern.test(text)) secrets.push(`${event.type} ${event.id}: ${what}`);
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  db.destroy();
  const neverEmitted = Object.keys(auditCatalogue).filter((type) => !types[type] && type !== 'siem.test');
  const scan = { events, problems: [...problems].sort(), secrets, types, neverEmitted };
  const dir = resolve(import.meta.dirname, '../../test-artifacts');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'audit-scan.json'), `${JSON.stringify(scan, null, 2)}\n`);
  return scan;
}
