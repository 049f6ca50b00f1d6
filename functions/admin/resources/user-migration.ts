import { randomUUID } from 'node:crypto';
import { CompactEncrypt, importJWK, type JWK } from 'jose';
import { z } from 'zod';
import type { Group } from '../../../shared/domain/groups/group.ts';
import { allPages } from '../../../shared/domain/ports/pages.ts';
import { isAcceptedPasswordHash } from '../../../shared/domain/secrets/secret-hashing.ts';
import { createSecureVault } from '../../../shared/domain/secrets/secure-vault.ts';
import { InvalidUserChange, newUser } from '../../../shared/domain/users/user-changes.ts';
import type { User } from '../../../shared/domain/users/user.ts';
import { HttpError } from '../../../shared/http/errors.ts';
import { operation, type AdminCall } from '../api/operation.ts';
import { importedUserSchema } from './users.ts';

/**
 * Lines one import request may carry: each user is a transaction, and a request must finish
 * inside API Gateway's 29 s, so a migration sends its users a thousand at a time.
 */
const maxLinesPerImport = 1000;
const importConcurrency = 16;
const reportedErrors = 100;

/** One user of an import: the admin API's fields, an existing password hash, the names of groups to join, and a status. */
const importLineSchema = importedUserSchema
  .extend({
    passwordHash: z.string().max(512).refine(isAcceptedPasswordHash, 'must be an argon2id, bcrypt, PBKDF2-SHA256 or scrypt hash in PHC or modular-crypt form').optional(),
    groups: z.array(z.string().max(100)).max(50).optional(),
    status: z.enum(['active', 'disabled']).optional(),
    /** An authenticator app the user already has: its base32 seed (at least 80 bits), kept sealed by the vault. */
    totp: z.object({ secret: z.string().regex(/^[A-Z2-7]{16,128}=*$/, 'must be a base32 seed of at least 16 characters'), label: z.string().min(1).max(64).optional() }).strict().optional(),
    /** Unused recovery codes, as an export gives them: lookup id → argon2id hash of the rest. */
    recoveryCodes: z.record(z.string().regex(/^[0-9A-Z]{4}$/), z.string().max(256).refine((h) => h.startsWith('$argon2id$'), 'must be an argon2id hash')).refine((codes) => Object.keys(codes).length <= 20, 'at most 20 codes').optional(),
  })
  .strict();

/** The lines of an NDJSON body, one at a time, never split into an array of the whole body. */
function* linesOf(text: string): Generator<{ number: number; line: string }> {
  let start = 0;
  let number = 0;
  while (start < text.length) {
    const end = text.indexOf('\n', start);
    const stop = end === -1 ? text.length : end;
    number++;
    const line = text.slice(start, stop).trim();
    if (line) yield { number, line };
    start = stop + 1;
  }
}

async function groupsByName(call: AdminCall<unknown>): Promise<Map<string, Group>> {
  const groups = await allPages((page) => call.req.deps.groups.listGroups(call.tenant.id, page));
  return new Map(groups.map((g) => [g.name.toLowerCase(), g]));
}

interface ImportReport {
  received: number;
  created: number;
  failed: number;
  errors: Array<{ line: number; code: string; detail: string }>;
}

/** Imports one line; a refusal is reported for that line and the rest go on. */
async function importLine(call: AdminCall<unknown>, groups: ReadonlyMap<string, Group>, number: number, line: string, report: ImportReport): Promise<void> {
  const fail = (code: string, detail: string) => {
    report.failed++;
    if (report.errors.length < reportedErrors) report.errors.push({ line: number, code, detail });
  };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return fail('invalid_json', 'The line is not a JSON object');
  }
  const parsed = importLineSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return fail('validation_failed', `${issue.path.join('.') || '(line)'}: ${issue.message}`);
  }
  const { passwordHash, groups: groupNames = [], status, totp, recoveryCodes, ...input } = parsed.data;
  const memberships = groupNames.map((name) => groups.get(name.toLowerCase()));
  if (memberships.some((g) => g === undefined)) return fail('unknown_group', `No group named ${groupNames[memberships.indexOf(undefined)]}`);
  if (memberships.some((g) => g!.permissions.length > 0)) return fail('privileged_group', 'Imports cannot add administrators; add them through the groups API');
  let user: User;
  try {
    user = { ...newUser(call.tenant.id, input, new Date()), ...(status ? { status } : {}) };
  } catch (error) {
    if (error instanceof InvalidUserChange) return fail('validation_failed', `${error.path}: ${error.message}`);
    throw error;
  }
  const outcome = await call.req.deps.users.createUser(user, passwordHash ? { passwordHash } : {}, [
    call.event('user.created', user.id, { userName: user.userName, via: 'import', withPassword: passwordHash !== undefined }),
  ]);
  if (outcome === 'taken') return fail('already_taken', 'The userName or an email is in use');
  for (const group of memberships) await call.req.deps.groups.addMember(call.tenant.id, group!.id, user.id, [call.event('group.member_added', `group:${group!.id}`, { userId: user.id, group: group!.name, via: 'import' })]);
  const stamp = new Date().toISOString();
  const enrolled = (kind: string, factorId: string) => call.event('factor.enrolled', user.id, { kind, factorId, via: 'import' });
  if (totp) {
    const id = randomUUID();
    const sealedSecret = await createSecureVault(call.req.deps.keyVault).seal('totp-seed', call.tenant.id, id, totp.secret.replace(/=+$/, ''));
    await call.req.deps.factors.addFactor({ id, tenant: call.tenant.id, userId: user.id, kind: 'totp', label: totp.label ?? 'Authenticator app', sealedSecret, createdAt: stamp }, [enrolled('totp', id)]);
  }
  if (recoveryCodes && Object.keys(recoveryCodes).length > 0) {
    const id = randomUUID();
    await call.req.deps.factors.addFactor({ id, tenant: call.tenant.id, userId: user.id, kind: 'recovery_codes', label: 'Recovery codes', codes: recoveryCodes, createdAt: stamp }, [enrolled('recovery_codes', id)]);
  }
  report.created++;
}

/** A user's second factors as an export carries them: the TOTP seed opened (the export is encrypted to the administrator), recovery codes as their hashes. */
async function exportedFactors(call: AdminCall<unknown>, userId: string): Promise<Record<string, unknown>> {
  const factors = await call.req.deps.factors.listFactors(call.tenant.id, userId);
  const out: Record<string, unknown> = {};
  for (const factor of factors) {
    if (factor.kind === 'totp') out.totp = { secret: await createSecureVault(call.req.deps.keyVault).openText('totp-seed', call.tenant.id, factor.id, factor.sealedSecret), label: factor.label };
    if (factor.kind === 'recovery_codes' && Object.keys(factor.codes).length > 0) out.recoveryCodes = factor.codes;
  }
  return out;
}

/** The recipient key for an export: a public JWK the administrator supplies, never a private one. */
async function recipientKey(jwk: JWK): Promise<{ key: CryptoKey | Uint8Array; alg: string }> {
  if (['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'].some((member) => member in jwk)) throw new HttpError(400, 'validation_failed', 'publicKey must be a public key: it holds private parts');
  const alg = jwk.kty === 'RSA' ? 'RSA-OAEP-256' : jwk.kty === 'EC' || jwk.kty === 'OKP' ? 'ECDH-ES+A256KW' : undefined;
  if (!alg) throw new HttpError(400, 'validation_failed', 'publicKey must be an RSA, EC or OKP (X25519) key');
  if (jwk.kty === 'RSA' && Buffer.from(String(jwk.n ?? ''), 'base64url').length < 256) throw new HttpError(400, 'validation_failed', 'An RSA publicKey must have at least 2048 bits');
  try {
    return { key: await importJWK(jwk, alg), alg };
  } catch {
    throw new HttpError(400, 'validation_failed', 'publicKey is not a usable key');
  }
}

const exportSchema = z
  .object({
    publicKey: z.record(z.string(), z.unknown()),
    limit: z.number().int().min(1).max(200).default(200),
    cursor: z.string().max(2048).optional(),
  })
  .strict();

export const migrationOperations = [
  operation({
    route: 'POST /t/{tenant}/api/v1/users/import',
    summary: 'Import users from NDJSON (one user per line, Content-Type application/x-ndjson), keeping existing password hashes (upgraded to argon2id at each user’s next sign-in), authenticator-app seeds and recovery-code hashes',
    tag: 'Users',
    access: 'write',
    status: 200,
    streamedBody: { contentType: 'application/x-ndjson', item: importLineSchema },
    response: z.object({ received: z.number().int(), created: z.number().int(), failed: z.number().int(), errors: z.array(z.object({ line: z.number().int(), code: z.string(), detail: z.string() })) }),
    handle: async (call) => {
      const body = call.req.state.body;
      if (body.kind !== 'text' || body.contentType !== 'application/x-ndjson') throw new HttpError(415, 'unsupported_media_type', 'Send the users as application/x-ndjson, one JSON object per line');
      const groups = await groupsByName(call);
      const report: ImportReport = { received: 0, created: 0, failed: 0, errors: [] };
      const lines = linesOf(body.value);
      // A few lines in flight at once; the body is read line by line as they finish.
      await Promise.all(Array.from({ length: importConcurrency }, async () => {
        for (let next = lines.next(); !next.done; next = lines.next()) {
          if (++report.received > maxLinesPerImport) throw new HttpError(413, 'payload_too_large', `At most ${maxLinesPerImport} users per request; send the rest in another`);
          await importLine(call, groups, next.value.number, next.value.line, report);
        }
      }));
      report.errors.sort((a, b) => a.line - b.line);
      await call.req.deps.auditLog.record(call.event('users.imported', `tenant:${call.tenant.id}`, { received: report.received, created: report.created, failed: report.failed }));
      return { body: report };
    },
  }),
  operation({
    route: 'POST /t/{tenant}/api/v1/users/export',
    summary: 'Export a page of users with their password hashes, groups, authenticator-app seeds and recovery-code hashes, as NDJSON encrypted to your public key (compact JWE); follow next_cursor for the rest',
    tag: 'Users',
    access: 'write',
    status: 200,
    body: exportSchema,
    response: z.object({ format: z.literal('application/x-ndjson'), encrypted: z.string(), count: z.number().int(), next_cursor: z.string().optional() }),
    handle: async (call) => {
      const { key, alg } = await recipientKey(call.body.publicKey as JWK);
      const page = await call.req.deps.users.exportUsers(call.tenant.id, { limit: call.body.limit, ...(call.body.cursor ? { cursor: call.body.cursor } : {}) });
      const lines: string[] = [];
      for (const { user, passwordHash } of page.items) {
        const groups = await call.req.deps.groups.groupsOf(call.tenant.id, user.id);
        lines.push(JSON.stringify({ ...user, ...(passwordHash ? { passwordHash } : {}), groups: groups.map((g) => g.name), ...(await exportedFactors(call, user.id)) }));
      }
      const encrypted = await new CompactEncrypt(new TextEncoder().encode(lines.map((l) => `${l}\n`).join(''))).setProtectedHeader({ alg, enc: 'A256GCM', cty: 'application/x-ndjson' }).encrypt(key);
      await call.req.deps.auditLog.record(call.event('users.exported', `tenant:${call.tenant.id}`, { count: page.items.length, recipientKey: { kty: call.body.publicKey.kty, kid: call.body.publicKey.kid ?? null } }));
      return { body: { format: 'application/x-ndjson', encrypted, count: page.items.length, ...(page.cursor ? { next_cursor: page.cursor } : {}) } };
    },
  }),
];
