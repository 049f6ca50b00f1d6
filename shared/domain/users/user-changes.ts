import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { normalizeIdentifier, type User, type UserEmail, type UserName, type UserStatus } from './user.ts';

/** A new user as an administrator (or a provisioning client) describes it. */
export interface UserInput {
  readonly userName?: string;
  readonly emails: ReadonlyArray<{ value: string; verified?: boolean; primary?: boolean; type?: string }>;
  readonly externalId?: string;
  readonly displayName?: string;
  readonly name?: UserName;
  readonly phoneNumber?: string;
  readonly locale?: string;
  readonly attributes?: Readonly<Record<string, string>>;
}

/** The optional single-valued fields a change may remove (by giving null). */
const removable = ['externalId', 'displayName', 'phoneNumber', 'locale'] as const;
type Removable = (typeof removable)[number];

export type UserChanges = Partial<Omit<UserInput, Removable>> & { readonly [field in Removable]?: string | null } & {
  readonly status?: Extract<UserStatus, 'active' | 'disabled'>;
};

export class InvalidUserChange extends Error {
  override name = 'InvalidUserChange';
  readonly path: string;
  constructor(path: string, message: string) {
    super(message);
    this.path = path;
  }
}

/** Emails normalized, distinct, exactly one primary (the first, when none is marked). */
function emailsOf(input: UserInput['emails']): UserEmail[] {
  const seen = new Set<string>();
  const emails: UserEmail[] = [];
  for (const [i, email] of input.entries()) {
    const value = email.value.normalize('NFKC').trim();
    if (seen.has(normalizeIdentifier(value))) throw new InvalidUserChange(`emails.${i}.value`, 'The same email is listed twice');
    seen.add(normalizeIdentifier(value));
    emails.push({ value, verified: email.verified ?? false, primary: email.primary ?? false, ...(email.type ? { type: email.type } : {}) });
  }
  const primaries = emails.filter((e) => e.primary).length;
  if (primaries > 1) throw new InvalidUserChange('emails', 'Only one email can be primary');
  if (primaries === 0 && emails.length) emails[0] = { ...emails[0]!, primary: true };
  return emails;
}

/**
 * The user name, by default the primary email. It may look like an email (a UPN, as Entra ID
 * sends) without being one of the user's: user names and emails share one login index, so the
 * store refuses one that is another user's identifier.
 */
function userNameOf(input: Partial<UserInput>, emails: readonly UserEmail[]): string {
  const name = (input.userName ?? emails.find((e) => e.primary)?.value ?? '').normalize('NFKC').trim();
  if (!name) throw new InvalidUserChange('userName', 'A user name or an email is required');
  return name;
}

export function newUser(tenant: string, input: UserInput, now: Date): User {
  const emails = emailsOf(input.emails);
  return {
    id: randomUUID(),
    tenant,
    userName: userNameOf(input, emails),
    emails,
    name: input.name ?? {},
    ...(input.externalId ? { externalId: input.externalId } : {}),
    ...(input.displayName ? { displayName: input.displayName } : {}),
    ...(input.phoneNumber ? { phoneNumber: input.phoneNumber } : {}),
    ...(input.locale ? { locale: input.locale } : {}),
    status: 'active',
    attributes: input.attributes ?? {},
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    version: 1,
  };
}

/** The user after a partial change: absent fields stay, given ones replace, null removes an optional one. */
export function changedUser(user: User, changes: UserChanges, now: Date): User {
  const emails = changes.emails ? emailsOf(changes.emails) : user.emails;
  const kept = { ...user };
  for (const field of removable) {
    const value = changes[field];
    if (value === null) delete kept[field];
    else if (value !== undefined) kept[field] = value;
  }
  return {
    ...kept,
    userName: changes.userName !== undefined || changes.emails ? userNameOf({ userName: changes.userName ?? user.userName }, emails) : user.userName,
    emails,
    name: changes.name ?? user.name,
    attributes: changes.attributes ?? user.attributes,
    status: changes.status ?? user.status,
    updatedAt: now.toISOString(),
    version: user.version + 1,
  };
}

/**
 * The user as a whole new description makes it (SCIM PUT): what the description leaves out is
 * gone, except identity, creation time and an administrator's lock.
 */
export function replacedUser(user: User, input: UserInput, active: boolean | undefined, now: Date): User {
  const fresh = newUser(user.tenant, input, now);
  const status = active === false ? 'disabled' : user.status === 'disabled' && active === true ? 'active' : user.status;
  return { ...fresh, id: user.id, createdAt: user.createdAt, status, ...(user.passwordChangeRequired ? { passwordChangeRequired: true } : {}), version: user.version + 1 };
}

/** Fields of a before/after diff for the audit trail: what changed, never a credential. */
export function userDiff(before: User, after: User): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const keys = ['userName', 'externalId', 'displayName', 'emails', 'name', 'phoneNumber', 'locale', 'attributes', 'status', 'passwordChangeRequired'] as const;
  const changed = keys.filter((k) => !isDeepStrictEqual(before[k], after[k]));
  return { before: Object.fromEntries(changed.map((k) => [k, before[k] ?? null])), after: Object.fromEntries(changed.map((k) => [k, after[k] ?? null])) };
}
