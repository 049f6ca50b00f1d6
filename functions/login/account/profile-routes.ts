import { z } from 'zod';
import type { PlatformPorts } from '../../../shared/adapters/platform-ports.ts';
import { consentView } from '../../../shared/domain/consent/application-consent.ts';
import { factorView } from '../../../shared/domain/factors/factor.ts';
import type { SsoSession } from '../../../shared/domain/ports/session-store.ts';
import type { LinkedIdentity } from '../../../shared/domain/ports/identity-providers.ts';
import type { User } from '../../../shared/domain/users/user.ts';
import { changedUser } from '../../../shared/domain/users/user-changes.ts';
import { eraseAccount } from '../../../shared/http/account-erasure.ts';
import { HttpError, notFound } from '../../../shared/http/errors.ts';
import { jsonObjectOf } from '../../../shared/http/forms.ts';
import type { HttpRequest, HttpResponse } from '../../../shared/http/request.ts';
import { json } from '../../../shared/http/responses.ts';
import { endSessionWithoutBrowserFrom } from '../../../shared/http/session-ending.ts';
import { clearSsoCookie } from '../../../shared/http/sso-cookie.ts';
import { loginEvent } from '../login/login-common.ts';
import { accountCaller } from './account-session.ts';

/**
 * The account API's profile, sessions, data export and account deletion
 * (/t/{tenant}/account/api/…): what a user can see and do about themselves.
 */

type Request = HttpRequest<PlatformPorts>;

const profileView = (user: User) => ({
  id: user.id,
  userName: user.userName,
  emails: user.emails.map((e) => ({ value: e.value, verified: e.verified, primary: e.primary })),
  name: user.name,
  ...(user.displayName ? { displayName: user.displayName } : {}),
  ...(user.phoneNumber ? { phoneNumber: user.phoneNumber } : {}),
  ...(user.locale ? { locale: user.locale } : {}),
  createdAt: user.createdAt,
  updatedAt: user.updatedAt,
});

/** What a user may change about themselves (null removes a field); addresses and the username change through their own verified flows. */
const profileChangeSchema = z
  .object({
    name: z.object({ givenName: z.string().trim().min(1).max(100).optional(), familyName: z.string().trim().min(1).max(100).optional(), formatted: z.string().trim().min(1).max(200).optional() }).strict().optional(),
    displayName: z.string().trim().min(1).max(200).nullable().optional(),
    phoneNumber: z.string().regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number such as +447700900123').nullable().optional(),
    locale: z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'a language tag such as en or pt-BR').nullable().optional(),
  })
  .strict();

/** GET …/profile */
export async function showOwnProfile(request: Request): Promise<HttpResponse> {
  const { user } = await accountCaller(request);
  return json(200, profileView(user));
}

/** PATCH …/profile */
export async function changeOwnProfile(request: Request): Promise<HttpResponse> {
  const { tenant, user } = await accountCaller(request);
  const parsed = profileChangeSchema.safeParse(jsonObjectOf(request));
  if (!parsed.success) throw new HttpError(400, 'validation_failed', parsed.error.issues[0]!.message, { details: { errors: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) } });
  const change = parsed.data;
  const { name, ...fields } = change;
  const next = changedUser(user, { ...fields, ...(name ? { name: { ...user.name, ...name } } : {}) }, new Date());
  const outcome = await request.deps.users.updateUser(next, user.version, {}, [loginEvent(request, tenant, 'user.updated', user.id, 'success', { by: 'self', fields: Object.keys(change) })]);
  if (outcome !== 'done') throw new HttpError(409, 'conflict', 'Your profile changed at the same time elsewhere. Read it again and retry.');
  return json(200, profileView(next));
}

const sessionView = (session: SsoSession, current: SsoSession) => ({
  id: session.idHash,
  current: session.idHash === current.idHash,
  signedInAt: new Date(session.authTime).toISOString(),
  methods: [...session.amr],
  lastSeenAt: new Date(session.lastSeenAt).toISOString(),
  expiresAt: new Date(Math.min(session.idleExpiresAt, session.absoluteExpiresAt)).toISOString(),
});

const linkedView = (l: LinkedIdentity) => ({ provider: l.idpId, subject: l.subject, linkedAt: l.linkedAt, ...(l.email ? { email: l.email } : {}) });

/** GET …/linked-identities: the upstream identities (identity providers) the user signs in with. */
export async function listOwnLinkedIdentities(request: Request): Promise<HttpResponse> {
  const { tenant, user } = await accountCaller(request);
  return json(200, { items: (await request.deps.linkedIdentities.listForUser(tenant.id, user.id)).map(linkedView) });
}

/** GET …/sessions: the user's live sign-ins, this one marked. */
export async function listOwnSessions(request: Request): Promise<HttpResponse> {
  const { tenant, user, session } = await accountCaller(request);
  return json(200, { items: (await request.deps.sessions.listForUser(tenant.id, user.id, Date.now())).map((s) => sessionView(s, session)) });
}

/** DELETE …/sessions/{sessionId}: signs that session out; its applications hear by back-channel logout. */
export async function endOwnSession(request: Request): Promise<HttpResponse> {
  const { tenant, user, session } = await accountCaller(request);
  const id = request.pathParameters.sessionId ?? '';
  const target = /^[A-Za-z0-9_-]{20,100}$/.test(id) ? (await request.deps.sessions.listForUser(tenant.id, user.id, Date.now())).find((s) => s.idHash === id) : undefined;
  if (!target) throw notFound('You have no such session.');
  await endSessionWithoutBrowserFrom(request, tenant, target, 'signed_out_from_account');
  return { statusCode: 204, headers: {}, body: '', ...(target.idHash === session.idHash ? { cookies: [clearSsoCookie(tenant, request.deps.publicUrl)] } : {}) };
}

/** GET …/export: everything the platform holds about the user, as one JSON document (GDPR Art. 15 and 20). */
export async function exportOwnData(request: Request): Promise<HttpResponse> {
  const { tenant, user, session } = await accountCaller(request);
  const now = Date.now();
  const [groups, factors, consents, receipts, sessions, events, linked] = await Promise.all([
    request.deps.groups.groupsOf(tenant.id, user.id),
    request.deps.factors.listFactors(tenant.id, user.id),
    request.deps.consents.list(tenant.id, user.id),
    request.deps.consents.receipts(tenant.id, user.id),
    request.deps.sessions.listForUser(tenant.id, user.id, now),
    request.deps.auditTrail.search(tenant.id, { from: user.createdAt, to: new Date(now + 1000).toISOString(), subject: user.id }, { limit: 200 }),
    request.deps.linkedIdentities.listForUser(tenant.id, user.id),
  ]);
  await request.deps.auditLog.record(loginEvent(request, tenant, 'user.data_exported', user.id, 'success', { events: events.items.length }));
  const document = {
    exportedAt: new Date(now).toISOString(),
    tenant: tenant.slug,
    profile: { ...profileView(user), attributes: user.attributes, status: user.status },
    groups: groups.map((g) => g.name),
    factors: factors.map(factorView),
    consents: consents.map(consentView),
    consentReceipts: receipts.map((r) => ({ id: r.id, application: r.clientId, issuedAt: r.issuedAt, jwt: r.jwt })),
    sessions: sessions.map((s) => sessionView(s, session)),
    linkedIdentities: linked.map(linkedView),
    auditEvents: events.items,
    ...(events.cursor ? { auditEventsTruncated: true } : {}),
  };
  return { statusCode: 200, headers: { 'content-type': 'application/json', 'content-disposition': `attachment; filename="${tenant.slug}-account-export.json"` }, body: JSON.stringify(document, null, 2) };
}

/** DELETE …/account: the user erases their account (a recent sign-in needed); everything that names them goes. */
export async function deleteOwnAccount(request: Request): Promise<HttpResponse> {
  const { tenant, user } = await accountCaller(request, { recent: true });
  const deleted = loginEvent(request, tenant, 'user.deleted', user.id, 'success', { userName: user.userName, by: 'self' });
  const erased = await eraseAccount(request, tenant, user, { by: 'user', actor: { kind: 'user', id: user.id }, deleted });
  if (typeof erased === 'string') throw new HttpError(409, 'conflict', 'Your account changed at the same time elsewhere. Try again.');
  return { statusCode: 204, headers: {}, body: '', cookies: [clearSsoCookie(tenant, request.deps.publicUrl)] };
}
