import { z } from 'zod';
import type { AuditEvent } from './event.ts';

/**
 * The catalogue of audit events: every type the platform emits, the feature that owns it, what it
 * means, and the schema of its details (version 1). Details may carry more fields than listed
 * (`looseObject`), never fewer; secrets never appear in them (the test suite scans every event).
 */
const details = z.looseObject;
const reason = z.string().max(200);
const id = z.string().min(1).max(256);
const beforeAfter = details({ before: z.record(z.string(), z.unknown()), after: z.record(z.string(), z.unknown()) });

interface CatalogueEntry {
  readonly owner: 'login' | 'oidc' | 'saml' | 'admin' | 'scim' | 'signup' | 'keys' | 'platform';
  readonly description: string;
  readonly details: z.ZodType;
}

const entry = (owner: CatalogueEntry['owner'], description: string, detailsSchema: z.ZodType = details({})): CatalogueEntry => ({ owner, description, details: detailsSchema });

export const auditCatalogue = {
  'signin.success': entry('login', 'A user passed the first sign-in step (password, or a passkey without a username).', details({ method: z.string() })),
  'signin.failure': entry('login', 'A sign-in attempt failed; the reason says why (unknown_user, bad_password, locked, …).', details({ reason })),
  'signin.denied': entry('login', 'The flow refused the sign-in (a deny rule, no usable second factor, too many wrong codes).', details({ reason })),
  'mfa.challenge': entry('login', 'A second-factor challenge was sent (an emailed code).', details({ method: z.string() })),
  'mfa.success': entry('login', 'A second factor passed.', details({ method: z.string() })),
  'mfa.failure': entry('login', 'A second factor failed.', details({ method: z.string(), reason })),
  'factor.enrolled': entry('login', 'A user enrolled a factor (authenticator app, passkey, recovery codes), at sign-in or in the account API.', details({ kind: z.string() })),
  'factor.removed': entry('admin', 'A factor was removed (by an administrator, by the user in the account API, or replaced).', details({})),
  'session.started': entry('login', 'An SSO session began.', details({ amr: z.array(z.string()) })),
  'session.ended': entry('platform', 'An SSO session ended (logout, step-up, administrator, lock, SAML SLO).', details({ reason })),
  'logout.backchannel': entry('platform', 'A back-channel logout token was delivered to an OIDC client (or was not).', details({ clientId: id, sid: z.string() })),
  'saml.logout': entry('saml', 'The outcome of a SAML Single Logout: each SAML participant signed out, failed, never answered or could not be reached.', details({ participants: z.array(details({ spId: id, result: z.string() })) })),
  'saml.sso': entry('saml', 'A SAML assertion was issued to a service provider, or a status response refused the request.', details({ spId: id, entityId: z.string() })),
  'password.changed': entry('login', 'A user changed their password (required by an administrator).', details({})),
  'password.reset': entry('login', 'A password was reset through an emailed link.', details({})),
  'password.set': entry('login', 'An invited user chose a password.', details({})),
  'password.reset_requested': entry('login', 'Someone asked for a password reset link (sent, refused, or no such account).', details({})),
  'token.issued': entry('oidc', 'Tokens were issued (authorization code, refresh, client credentials).', details({ grantType: z.string().nullable(), scope: z.string() })),
  'token.refreshed': entry('oidc', 'A refresh token was rotated.', details({ refreshFamily: z.string() })),
  'token.revoked': entry('oidc', 'A token was revoked (RFC 7009).', details({})),
  'token.reuse_detected': entry('oidc', 'A spent authorization code or rotated refresh token came back: its family was revoked.', details({ kind: z.string() })),
  'consent.given': entry('oidc', 'A user allowed an application the scopes it asked for and answered its consent purposes (a receipt is issued).', details({})),
  'consent.denied': entry('oidc', 'A user declined an application’s request.', details({})),
  'consent.withdrawn': entry('login', 'A user withdrew their consent to an application (its refresh tokens revoked; the next sign-in asks again).', details({ application: z.string(), refreshFamiliesRevoked: z.number().int() })),
  'idp.created': entry('admin', 'An upstream identity provider was added.', details({ after: z.record(z.string(), z.unknown()) })),
  'idp.updated': entry('admin', 'An upstream identity provider was changed; before and after, never its secret.', beforeAfter),
  'idp.deleted': entry('admin', 'An upstream identity provider was removed.', details({ before: z.record(z.string(), z.unknown()) })),
  'federation.linked': entry('login', 'An upstream identity was linked to a local user (created for it, matched by a verified email, or confirmed by a local sign-in).', details({ idpId: z.string(), how: z.enum(['created', 'verified_email', 'local_sign_in']) })),
  'console.signin': entry('admin', 'Someone signed in to the admin console, or was refused (not an administrator, no second factor).', details({ reason: reason.optional() })),
  'federation.logout': entry('login', 'Logout crossed the broker: an upstream provider ended sessions here (back-channel or SAML SLO), or a sign-out here went on to the upstream.', details({ idpId: z.string(), direction: z.enum(['from_upstream', 'to_upstream']), protocol: z.enum(['oidc_backchannel', 'oidc_rp_initiated', 'saml_slo']), sessions: z.number().int().optional() })),
  'federation.failure': entry('login', 'A sign-in through an upstream identity provider failed; the reason says where.', details({ idpId: z.string(), reason })),
  'consent.purpose_created': entry('admin', 'A consent purpose was defined.', details({ after: z.record(z.string(), z.unknown()) })),
  'consent.purpose_updated': entry('admin', 'A consent purpose was changed (its version went up); before and after.', beforeAfter),
  'consent.purpose_deleted': entry('admin', 'A consent purpose was removed.', details({ before: z.record(z.string(), z.unknown()) })),
  'ratelimit.exceeded': entry('platform', 'A request was refused by a rate limit.', details({ endpoint: z.string() })),
  'user.created': entry('admin', 'A user was created (admin API, SCIM, import, signup).', details({ userName: z.string() })),
  'user.updated': entry('admin', 'A user was changed (admin API, SCIM); a diff without secrets.', details({})),
  'user.deleted': entry('admin', 'A user was deleted.', details({ userName: z.string() })),
  'user.data_exported': entry('login', 'A user downloaded everything the platform holds about them (account API).', details({ events: z.number().int() })),
  'user.erased': entry('admin', 'Everything that named a deleted user was removed, and their audit events now carry a pseudonym (the subject here); leftovers counts what a final search still found.', details({ by: z.enum(['user', 'administrator']), deleted: z.number().int(), pseudonymized: z.number().int(), leftovers: z.number().int() })),
  'user.locked': entry('admin', 'A user was locked (by an administrator, or by too many failures).', details({})),
  'user.unlocked': entry('admin', 'A user was unlocked.', details({})),
  'user.password_set': entry('admin', 'An administrator set a user’s password.', details({ by: z.string() })),
  'user.password_change_required': entry('admin', 'An administrator required a password change at next sign-in.', details({})),
  'user.invited': entry('admin', 'An administrator invited a user to choose a password.', details({ email: z.string() })),
  'user.registered': entry('login', 'A person registered themselves (pending until their email is confirmed).', details({ email: z.string() })),
  'user.registration_refused': entry('login', 'A self-registration was refused.', details({ reason })),
  'user.email_verified': entry('login', 'A user confirmed their email address.', details({})),
  'users.imported': entry('admin', 'A batch of users was imported.', details({ received: z.number().int(), created: z.number().int(), failed: z.number().int() })),
  'users.exported': entry('admin', 'A page of users was exported, encrypted to the administrator’s key.', details({ count: z.number().int() })),
  'audit.exported': entry('admin', 'Audit events were downloaded: a console export, or the first page of the admin API’s CSV export; the filters, the format and how many events.', details({ format: z.string(), count: z.number().int(), filters: z.record(z.string(), z.unknown()) })),
  'group.created': entry('admin', 'A group was created.', details({ name: z.string() })),
  'group.updated': entry('admin', 'A group was changed; before and after.', beforeAfter),
  'group.deleted': entry('admin', 'A group was deleted.', details({ name: z.string() })),
  'group.member_added': entry('admin', 'A user joined a group.', details({ userId: id, group: z.string() })),
  'group.member_removed': entry('admin', 'A user left a group.', details({ userId: id, group: z.string() })),
  'client.created': entry('admin', 'An OIDC client was registered (admin API, dynamic registration, signup).', details({})),
  'client.updated': entry('admin', 'An OIDC client was changed; before and after.', beforeAfter),
  'client.deleted': entry('admin', 'An OIDC client was deleted.', details({})),
  'client.secret_rotated': entry('admin', 'An OIDC client got a new secret (never in the event).', details({})),
  'saml.sp_created': entry('admin', 'A SAML service provider was registered.', details({ after: z.record(z.string(), z.unknown()) })),
  'saml.sp_updated': entry('admin', 'A SAML service provider was changed; before and after.', beforeAfter),
  'saml.sp_deleted': entry('admin', 'A SAML service provider was deleted.', details({ entityId: z.string() })),
  'flow.published': entry('admin', 'A flow document version was published.', details({})),
  'flow.removed': entry('admin', 'An application’s own flow was removed (the tenant default applies).', details({})),
  'flow.rolled_back': entry('admin', 'A flow was rolled back to an earlier version.', details({ to: z.number().int() })),
  'siem.sink_created': entry('admin', 'A SIEM sink was added (its secret never in the event).', details({ after: z.record(z.string(), z.unknown()) })),
  'siem.sink_updated': entry('admin', 'A SIEM sink was changed; before and after.', beforeAfter),
  'siem.sink_deleted': entry('admin', 'A SIEM sink was removed.', details({ before: z.record(z.string(), z.unknown()) })),
  'siem.secret_rotated': entry('admin', 'A webhook sink got a new signing secret.', details({})),
  'siem.sink_tested': entry('admin', 'An administrator sent a test event to a sink.', details({ delivered: z.boolean() })),
  'siem.test': entry('admin', 'The test event itself (sent to the sink, never stored).', details({})),
  'key.created': entry('keys', 'A signing key was created.', details({ state: z.string() })),
  'key.activated': entry('keys', 'A signing key became the active one.', details({})),
  'key.retired': entry('keys', 'A signing key stopped signing (still published).', details({})),
  'key.removed': entry('keys', 'A retired signing key was removed.', details({})),
  'tenant.signup_requested': entry('signup', 'Someone asked for a tenant (pending until the email is confirmed).', details({ organizationName: z.string() })),
  'tenant.activated': entry('signup', 'A tenant was confirmed and created.', details({ organizationName: z.string() })),
  'tenant.settings_changed': entry('admin', 'Tenant settings were changed; the sections, before and after.', details({})),
} as const satisfies Record<string, CatalogueEntry>;

export type AuditEventType = keyof typeof auditCatalogue;

export const catalogueVersion = 1;

/** What is wrong with an event against the catalogue: an unknown type, or details that do not fit. */
export function catalogueProblems(event: Pick<AuditEvent, 'type' | 'version' | 'details'>): string[] {
  const known = (auditCatalogue as Record<string, CatalogueEntry>)[event.type];
  if (!known) return [`${event.type}: not in the catalogue`];
  if (event.version !== catalogueVersion) return [`${event.type}: version ${event.version}`];
  const parsed = known.details.safeParse(event.details);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${event.type}: details.${issue.path.join('.')}: ${issue.message}`);
}
