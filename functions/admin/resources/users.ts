import { eraseAccount } from '../../../shared/http/account-erasure.ts';
import { consentView } from '../../../shared/domain/consent/application-consent.ts';
import type { AuditEventType } from '../../../shared/domain/audit/catalogue.ts';
import { z } from 'zod';
import { sidOf } from '../../../shared/domain/auth/end-session.ts';
import { endSessionWithoutBrowserFrom, endUserSessionsFrom } from '../../../shared/http/session-ending.ts';
import type { SsoSession } from '../../../shared/domain/ports/session-store.ts';
import { hashSecret } from '../../../shared/domain/secrets/secret-hashing.ts';
import { issuerOf, settingsOf } from '../../../shared/domain/tenants/tenant.ts';
import { passwordProblems } from '../../../shared/domain/users/password-policy.ts';
import { changedUser, InvalidUserChange, newUser, userDiff } from '../../../shared/domain/users/user-changes.ts';
import { primaryEmail, type User } from '../../../shared/domain/users/user.ts';
import { mailPasswordLink } from '../../../shared/domain/users/password-links.ts';
import { mailLocale, passwordLinkWording } from '../../../shared/http/mail-wording.ts';
import { factorView } from '../../../shared/domain/factors/factor.ts';
import { HttpError, notFound } from '../../../shared/http/errors.ts';
import { operation, type AdminCall } from '../api/operation.ts';
import { expectDone, expectedVersion } from '../api/outcomes.ts';
import { isoTime, pageOf } from '../api/schemas.ts';
import { groupSchema, groupView, keepAnotherAdministrator } from './groups.ts';

const email = z.object({ value: z.email().max(254), verified: z.boolean().optional(), primary: z.boolean().optional() });
const name = z.object({ formatted: z.string().max(200).optional(), givenName: z.string().max(100).optional(), familyName: z.string().max(100).optional() }).strict();
const attributes = z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/), z.string().max(1000)).refine((a) => Object.keys(a).length <= 50, 'at most 50 attributes');
const optionalFields = {
  externalId: z.string().max(256),
  displayName: z.string().max(256),
  phoneNumber: z.string().regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number such as +4915112345678'),
  locale: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/),
};
const userFields = {
  userName: z.string().trim().min(1).max(256).optional(),
  externalId: optionalFields.externalId.optional(),
  displayName: optionalFields.displayName.optional(),
  emails: z.array(email).min(1).max(10),
  name: name.optional(),
  phoneNumber: optionalFields.phoneNumber.optional(),
  locale: optionalFields.locale.optional(),
  attributes: attributes.optional(),
};

const createUserSchema = z.object({ ...userFields, password: z.string().min(1).max(1024).optional() }).strict();
/** A user as an import line describes it (credentials come as a hash there, never in clear). */
export const importedUserSchema = z.object(userFields);
/** A change: the fields sent replace the stored ones; null removes an optional one. */
const patchUserSchema = z.object({
  ...userFields,
  emails: userFields.emails.optional(),
  status: z.enum(['active', 'disabled']).optional(),
  ...Object.fromEntries(Object.entries(optionalFields).map(([field, schema]) => [field, schema.nullable().optional()])) as { [F in keyof typeof optionalFields]: z.ZodOptional<z.ZodNullable<(typeof optionalFields)[F]>> },
}).strict();
const passwordSchema = z.object({ password: z.string().min(1).max(1024), revokeSessions: z.boolean().default(true) }).strict();

export const userSchema = z.object({
  id: z.string(),
  userName: z.string(),
  externalId: z.string().optional(),
  displayName: z.string().optional(),
  emails: z.array(z.object({ value: z.string(), verified: z.boolean(), primary: z.boolean(), type: z.string().optional() })),
  name: name,
  phoneNumber: z.string().optional(),
  locale: z.string().optional(),
  status: z.enum(['active', 'pending', 'locked', 'disabled']),
  attributes: z.record(z.string(), z.string()),
  passwordChangeRequired: z.boolean().optional(),
  lockedUntil: isoTime.optional(),
  createdAt: isoTime,
  updatedAt: isoTime,
  version: z.number().int(),
});

const sessionSchema = z.object({ id: z.string(), authTime: isoTime, amr: z.array(z.string()), lastSeenAt: isoTime, idleExpiresAt: isoTime, absoluteExpiresAt: isoTime });

const userView = (user: User, lockedUntil?: number) => ({
  id: user.id, userName: user.userName,
  ...(user.externalId ? { externalId: user.externalId } : {}),
  ...(user.displayName ? { displayName: user.displayName } : {}),
  emails: user.emails, name: user.name,
  ...(user.phoneNumber ? { phoneNumber: user.phoneNumber } : {}),
  ...(user.locale ? { locale: user.locale } : {}),
  status: user.status, attributes: user.attributes,
  ...(user.passwordChangeRequired ? { passwordChangeRequired: true } : {}),
  ...(lockedUntil ? { lockedUntil: new Date(lockedUntil).toISOString() } : {}),
  createdAt: user.createdAt, updatedAt: user.updatedAt, version: user.version,
});

const sessionView = (session: SsoSession) => ({
  id: sidOf(session),
  authTime: new Date(session.authTime).toISOString(),
  amr: [...session.amr],
  lastSeenAt: new Date(session.lastSeenAt).toISOString(),
  idleExpiresAt: new Date(session.idleExpiresAt).toISOString(),
  absoluteExpiresAt: new Date(session.absoluteExpiresAt).toISOString(),
});

async function existingUser(call: AdminCall<unknown>): Promise<User> {
  const id = call.req.pathParameters.userId ?? '';
  const user = /^[A-Za-z0-9-]{1,64}$/.test(id) ? await call.req.deps.users.getUser(call.tenant.id, id) : undefined;
  if (!user) throw notFound('No such user');
  return user;
}

function checkedPassword(call: AdminCall<unknown>, password: string, user: Pick<User, 'userName' | 'emails'>): void {
  const problems = passwordProblems(password, settingsOf(call.tenant).passwordPolicy, { personal: [user.userName, ...user.emails.map((e) => e.value)] });
  if (problems.length) throw new HttpError(400, 'validation_failed', problems[0]!, { details: { errors: problems.map((message) => ({ path: 'password', message })) } });
}

/** Domain refusals of a change, as field errors. */
async function validated<T>(build: () => T): Promise<T> {
  try {
    return build();
  } catch (error) {
    if (error instanceof InvalidUserChange) throw new HttpError(400, 'validation_failed', error.message, { details: { errors: [{ path: error.path, message: error.message }] } });
    throw error;
  }
}

const endAllSessions = (call: AdminCall<unknown>, userId: string, reason: string) => endUserSessionsFrom(call.req, call.tenant, userId, reason);

/** A password link mail in the user's language (their profile's, else the request's). */
const userMailWording = (call: AdminCall<unknown>, user: User, purpose: 'password-reset' | 'invitation') =>
  passwordLinkWording(mailLocale(user.locale, undefined, call.req.headers['accept-language']), settingsOf(call.tenant).branding.displayName, purpose);

async function updated(call: AdminCall<unknown>, user: User, next: User, type: AuditEventType, changes: { passwordHash?: string; clearLockout?: boolean } = {}) {
  const outcome = await call.req.deps.users.updateUser(next, expectedVersion(call.ifMatch, user), changes, [call.event(type, user.id, userDiff(user, next))]);
  expectDone(outcome, 'user');
  return { body: userView(next), version: next.version };
}

export const userOperations = [
  operation({
    route: 'GET /t/{tenant}/api/v1/users', summary: 'List users, or find the one an email address or username names (`login`, exact match)', tag: 'Users', access: 'read', status: 200, paginated: true, response: pageOf(userSchema),
    query: z.object({ login: z.string().trim().min(1).max(256).optional().describe('An email address or username: the user it names, if any') }).strict(),
    handle: async ({ req, tenant, page, query }) => {
      if (typeof query.login === 'string') {
        const found = await req.deps.users.findByLogin(tenant.id, query.login);
        return { body: { items: found ? [userView(found.user, await req.deps.users.lockedUntil(tenant.id, found.user.id))] : [] } };
      }
      const result = await req.deps.users.listUsers(tenant.id, page);
      return { body: { items: result.items.map((u) => userView(u)), ...(result.cursor ? { next_cursor: result.cursor } : {}) } };
    },
  }),
  operation({
    route: 'POST /t/{tenant}/api/v1/users', summary: 'Create a user', tag: 'Users', access: 'write', status: 201, body: createUserSchema, response: userSchema, idempotent: true,
    handle: async (call) => {
      const { password, ...input } = call.body;
      const user = await validated(() => newUser(call.tenant.id, input, new Date()));
      if (password !== undefined) checkedPassword(call, password, user);
      const outcome = await call.req.deps.users.createUser(user, password !== undefined ? { passwordHash: await hashSecret('password', password) } : {}, [
        call.event('user.created', user.id, { userName: user.userName, emails: user.emails.map((e) => e.value), withPassword: password !== undefined }),
      ]);
      expectDone(outcome, 'user');
      return { body: userView(user), version: user.version, headers: { location: `/t/${call.tenant.slug}/api/v1/users/${user.id}` } };
    },
  }),
  operation({
    route: 'GET /t/{tenant}/api/v1/users/{userId}', summary: 'Read a user', tag: 'Users', access: 'read', status: 200, response: userSchema,
    handle: async (call) => {
      const user = await existingUser(call);
      return { body: userView(user, await call.req.deps.users.lockedUntil(call.tenant.id, user.id)), version: user.version };
    },
  }),
  operation({
    route: 'PATCH /t/{tenant}/api/v1/users/{userId}', summary: 'Change a user (the fields sent replace the stored ones; null removes externalId, displayName, phoneNumber or locale)', tag: 'Users', access: 'write', status: 200, body: patchUserSchema, response: userSchema, conditional: true,
    handle: async (call) => {
      const user = await existingUser(call);
      const next = await validated(() => changedUser(user, call.body, new Date()));
      if (next.status === 'disabled' && user.status === 'active') await keepAnotherAdministrator(call, user.id);
      const result = await updated(call, user, next, 'user.updated');
      if (next.status === 'disabled' && user.status !== 'disabled') await endAllSessions(call, user.id, 'user_disabled');
      return result;
    },
  }),
  operation({
    route: 'DELETE /t/{tenant}/api/v1/users/{userId}', summary: 'Erase a user (right to be forgotten): their sessions end, everything that names them is deleted in every table, and their audit events keep only a keyed pseudonym', tag: 'Users', access: 'write', status: 204, conditional: true,
    handle: async (call) => {
      const user = await existingUser(call);
      await keepAnotherAdministrator(call, user.id);
      const erased = await eraseAccount(call.req, call.tenant, user, { by: 'administrator', actor: call.actor, expectedVersion: expectedVersion(call.ifMatch, user), deleted: call.event('user.deleted', user.id, { userName: user.userName }) });
      if (typeof erased === 'string') expectDone(erased, 'user');
      return {};
    },
  }),
  operation({
    route: 'POST /t/{tenant}/api/v1/personal-data/search', summary: 'Find every item, in every table, that still names a person (by user id, userName, email addresses): the check after an erasure, or where a data subject’s data is', tag: 'Users', access: 'read', status: 200,
    body: z.object({ userId: z.string().min(8).max(64), userNames: z.array(z.string().min(1).max(256)).max(5).default([]), emails: z.array(z.string().min(3).max(254)).max(10).default([]) }).strict(),
    response: z.object({ items: z.array(z.object({ table: z.string(), pk: z.string(), sk: z.string(), attributes: z.array(z.string()) })) }),
    handle: async (call) => ({ body: { items: await call.req.deps.personalData.find(call.tenant.id, { id: call.body.userId, exact: call.body.userNames, contained: call.body.emails }) } }),
  }),
  operation({
    route: 'POST /t/{tenant}/api/v1/users/{userId}/lock', summary: 'Lock a user out until unlocked, ending their sessions', tag: 'Users', access: 'write', status: 200, response: userSchema, conditional: true,
    handle: async (call) => {
      const user = await existingUser(call);
      await keepAnotherAdministrator(call, user.id);
      const result = await updated(call, user, { ...user, status: 'locked', updatedAt: new Date().toISOString(), version: user.version + 1 }, 'user.locked');
      await endAllSessions(call, user.id, 'user_locked');
      return result;
    },
  }),
  operation({
    route: 'POST /t/{tenant}/api/v1/users/{userId}/unlock', summary: 'Unlock a user, also clearing a lockout after failed sign-ins', tag: 'Users', access: 'write', status: 200, response: userSchema, conditional: true,
    handle: async (call) => {
      const user = await existingUser(call);
      return updated(call, user, { ...user, status: user.status === 'locked' ? 'active' : user.status, updatedAt: new Date().toISOString(), version: user.version + 1 }, 'user.unlocked', { clearLockout: true });
    },
  }),
  operation({
    route: 'PUT /t/{tenant}/api/v1/users/{userId}/password', summary: 'Set a user’s password (by default ending their sessions)', tag: 'Users', access: 'write', status: 200, body: passwordSchema, response: userSchema, conditional: true,
    handle: async (call) => {
      const user = await existingUser(call);
      checkedPassword(call, call.body.password, user);
      const next = { ...user, updatedAt: new Date().toISOString(), version: user.version + 1 };
      const outcome = await call.req.deps.users.updateUser(next, expectedVersion(call.ifMatch, user), { passwordHash: await hashSecret('password', call.body.password), clearLockout: true }, [
        call.event('user.password_set', user.id, { by: 'administrator', revokeSessions: call.body.revokeSessions }),
      ]);
      expectDone(outcome, 'user');
      if (call.body.revokeSessions) await endAllSessions(call, user.id, 'password_set');
      return { body: userView(next), version: next.version };
    },
  }),
  operation({
    route: 'POST /t/{tenant}/api/v1/users/{userId}/require-password-change', summary: 'Require a new password at the user’s next sign-in (by default ending their sessions now)', tag: 'Users', access: 'write', status: 200,
    body: z.object({ revokeSessions: z.boolean().default(true) }).strict(), response: userSchema, conditional: true,
    handle: async (call) => {
      const user = await existingUser(call);
      const result = await updated(call, user, { ...user, passwordChangeRequired: true, updatedAt: new Date().toISOString(), version: user.version + 1 }, 'user.password_change_required');
      if (call.body.revokeSessions) await endAllSessions(call, user.id, 'password_change_required');
      return result;
    },
  }),
  operation({
    route: 'POST /t/{tenant}/api/v1/users/{userId}/invite', summary: 'Mail the user a single-use link (7 days) to choose their password', tag: 'Users', access: 'write', status: 202, response: z.object({ sentTo: z.string() }),
    handle: async (call) => {
      const user = await existingUser(call);
      const email = primaryEmail(user);
      if (!email) throw new HttpError(409, 'no_email', 'The user has no email to send an invitation to');
      await mailPasswordLink(call.req.deps, call.tenant, issuerOf(call.req.deps.publicUrl, call.tenant), { id: user.id, email }, 'invitation', userMailWording(call, user, 'invitation'));
      await call.req.deps.auditLog.record(call.event('user.invited', user.id, { email }));
      return { body: { sentTo: email } };
    },
  }),
  operation({
    route: 'POST /t/{tenant}/api/v1/users/{userId}/password-reset', summary: 'Mail the user a single-use link (30 minutes) to choose a new password; the current one works until then', tag: 'Users', access: 'write', status: 202, response: z.object({ sentTo: z.string() }),
    handle: async (call) => {
      const user = await existingUser(call);
      const email = primaryEmail(user);
      if (!email) throw new HttpError(409, 'no_email', 'The user has no email to send a reset link to');
      await mailPasswordLink(call.req.deps, call.tenant, issuerOf(call.req.deps.publicUrl, call.tenant), { id: user.id, email }, 'password-reset', userMailWording(call, user, 'password-reset'));
      await call.req.deps.auditLog.record(call.event('password.reset_requested', user.id, { by: 'administrator' }));
      return { body: { sentTo: email } };
    },
  }),
  operation({
    route: 'GET /t/{tenant}/api/v1/users/{userId}/sessions', summary: 'List a user’s live sessions', tag: 'Users', access: 'read', status: 200, response: z.object({ items: z.array(sessionSchema) }),
    handle: async (call) => {
      const user = await existingUser(call);
      return { body: { items: (await call.req.deps.sessions.listForUser(call.tenant.id, user.id, Date.now())).map(sessionView) } };
    },
  }),
  operation({
    route: 'DELETE /t/{tenant}/api/v1/users/{userId}/sessions', summary: 'End all of a user’s sessions (applications hear of it by back-channel logout)', tag: 'Users', access: 'write', status: 204,
    handle: async (call) => {
      const user = await existingUser(call);
      await endAllSessions(call, user.id, 'admin_revoked');
      return {};
    },
  }),
  operation({
    route: 'DELETE /t/{tenant}/api/v1/users/{userId}/sessions/{sessionId}', summary: 'End one session', tag: 'Users', access: 'write', status: 204,
    handle: async (call) => {
      const user = await existingUser(call);
      const session = (await call.req.deps.sessions.listForUser(call.tenant.id, user.id, Date.now())).find((s) => sidOf(s) === call.req.pathParameters.sessionId);
      if (!session) throw notFound('No such session');
      await endSessionWithoutBrowserFrom(call.req, call.tenant, session, 'admin_revoked');
      return {};
    },
  }),
  operation({
    route: 'GET /t/{tenant}/api/v1/users/{userId}/factors', summary: 'List a user’s second factors (never their secrets)', tag: 'Users', access: 'read', status: 200,
    response: z.object({
      items: z.array(
        z.object({
          id: z.string(), kind: z.string(), label: z.string(), createdAt: isoTime, lastUsedAt: isoTime.optional(), remaining: z.number().int().optional(),
          deviceType: z.string().optional(), backedUp: z.boolean().optional(), transports: z.array(z.string()).optional(), questions: z.array(z.string()).optional(),
        }),
      ),
    }),
    handle: async (call) => {
      const user = await existingUser(call);
      return { body: { items: (await call.req.deps.factors.listFactors(call.tenant.id, user.id)).map(factorView) } };
    },
  }),
  operation({
    route: 'GET /t/{tenant}/api/v1/users/{userId}/consents', summary: 'A user’s consents per application (scopes, purposes answered, claims withheld) and every consent receipt (Kantara CR v1.1, a JWT signed with the tenant’s key)', tag: 'Users', access: 'read', status: 200,
    response: z.object({
      items: z.array(z.object({ application: z.string(), scopes: z.array(z.string()), purposes: z.array(z.object({ id: z.string(), version: z.number().int(), accepted: z.boolean() })), withheldClaims: z.array(z.string()), grantedAt: isoTime, receiptId: z.string().optional() })),
      receipts: z.array(z.object({ id: z.string(), application: z.string(), issuedAt: isoTime, jwt: z.string() })),
    }),
    handle: async (call) => {
      const user = await existingUser(call);
      const [consents, receipts] = await Promise.all([call.req.deps.consents.list(call.tenant.id, user.id), call.req.deps.consents.receipts(call.tenant.id, user.id)]);
      return { body: { items: consents.map(consentView), receipts: receipts.map((r) => ({ id: r.id, application: r.clientId, issuedAt: r.issuedAt, jwt: r.jwt })) } };
    },
  }),
  operation({
    route: 'DELETE /t/{tenant}/api/v1/users/{userId}/factors/{factorId}', summary: 'Remove one of a user’s factors (e.g. a lost phone); the user enrols again at the next sign-in that needs it', tag: 'Users', access: 'write', status: 204,
    handle: async (call) => {
      const user = await existingUser(call);
      const factorId = call.req.pathParameters.factorId ?? '';
      const removed = /^[A-Za-z0-9-]{1,64}$/.test(factorId) && (await call.req.deps.factors.removeFactor(call.tenant.id, user.id, factorId, [call.event('factor.removed', user.id, { factorId, by: 'administrator' })]));
      if (!removed) throw notFound('No such factor');
      return {};
    },
  }),
  operation({
    route: 'GET /t/{tenant}/api/v1/users/{userId}/groups', summary: 'List the groups a user belongs to', tag: 'Users', access: 'read', status: 200, response: z.object({ items: z.array(groupSchema) }),
    handle: async (call) => {
      const user = await existingUser(call);
      return { body: { items: (await call.req.deps.groups.groupsOf(call.tenant.id, user.id)).map(groupView) } };
    },
  }),
];
