/** `pending`: registered by the user, email not yet verified; such an account cannot sign in. */
export type UserStatus = 'active' | 'pending' | 'locked' | 'disabled';

export interface UserEmail {
  readonly value: string;
  readonly verified: boolean;
  readonly primary: boolean;
  /** A label such as work or home (SCIM's `type`). */
  readonly type?: string;
}

export interface UserName {
  readonly formatted?: string;
  readonly givenName?: string;
  readonly familyName?: string;
}

export interface User {
  readonly id: string;
  readonly tenant: string;
  readonly userName: string;
  /** The provisioning system's own id for this user (SCIM externalId). */
  readonly externalId?: string;
  readonly displayName?: string;
  readonly emails: readonly UserEmail[];
  readonly name: UserName;
  readonly phoneNumber?: string;
  readonly locale?: string;
  readonly status: UserStatus;
  readonly attributes: Readonly<Record<string, string>>;
  /** An administrator asked for a new password at the next sign-in. */
  readonly passwordChangeRequired?: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Incremented by every change: the optimistic-locking version. */
  readonly version: number;
}

/** What a login compares identifiers by: trimmed, Unicode-normalized, case-folded. */
export function normalizeIdentifier(identifier: string): string {
  return identifier.normalize('NFKC').trim().toLowerCase();
}

export const primaryEmail = (user: User) => (user.emails.find((e) => e.primary) ?? user.emails[0])?.value;

/** What names this user in stored data, for finding and erasing it (GDPR Art. 17). */
export const personalIdentifiersOf = (user: User) => ({
  id: user.id,
  exact: [user.userName, ...(user.externalId ? [user.externalId] : [])],
  contained: [...user.emails.map((e) => e.value), ...(user.phoneNumber ? [user.phoneNumber] : [])],
});
