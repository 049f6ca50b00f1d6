/** What the admin API answers about a user and the things around them (the console reads only these). */

export interface UserRecord {
  id: string;
  userName: string;
  emails: Array<{ value: string; primary: boolean; verified: boolean }>;
  name: { formatted?: string; givenName?: string; familyName?: string };
  phoneNumber?: string;
  locale?: string;
  status: string;
  passwordChangeRequired?: boolean;
  lockedUntil?: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface SessionRecord {
  id: string;
  authTime: string;
  amr: string[];
  lastSeenAt: string;
}

export interface FactorRecord {
  id: string;
  kind: string;
  label: string;
  createdAt: string;
  lastUsedAt?: string;
}

export interface GroupRecord {
  id: string;
  name: string;
  description?: string;
  permissions: string[];
  version: number;
}

export interface ConsentRecord {
  application: string;
  scopes: string[];
  purposes: Array<{ id: string; version: number; accepted: boolean }>;
  withheldClaims: string[];
  grantedAt: string;
}

export const primaryEmailOf = (u: Pick<UserRecord, 'emails'>) => (u.emails.find((e) => e.primary) ?? u.emails[0])?.value;

/** How the console names a user: their primary email, else their username. */
export const labelOf = (u: Pick<UserRecord, 'emails' | 'userName'>) => primaryEmailOf(u) ?? u.userName;

export const fullNameOf = (u: Pick<UserRecord, 'name'>) => u.name.formatted || [u.name.givenName, u.name.familyName].filter(Boolean).join(' ');
