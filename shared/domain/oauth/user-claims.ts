import type { User } from '../users/user.ts';
import { primaryEmail } from '../users/user.ts';

/** OIDC Core §5.4: the claims each standard scope releases. */
const scopeClaims: Readonly<Record<string, readonly string[]>> = {
  profile: ['name', 'given_name', 'family_name', 'preferred_username', 'locale', 'updated_at'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
  address: ['address'],
};

/** Every standard claim the user has a value for (OIDC Core §5.1 names). */
export function standardClaims(user: User): Record<string, unknown> {
  const email = user.emails.find((e) => e.primary) ?? user.emails[0];
  return {
    name: user.name.formatted ?? ([user.name.givenName, user.name.familyName].filter(Boolean).join(' ') || undefined),
    given_name: user.name.givenName,
    family_name: user.name.familyName,
    preferred_username: user.userName,
    locale: user.locale,
    updated_at: Math.floor(Date.parse(user.updatedAt) / 1000),
    email: primaryEmail(user),
    email_verified: email?.verified,
    phone_number: user.phoneNumber,
    phone_number_verified: user.phoneNumber ? false : undefined,
  };
}

/** Every user claim a scope can release: the names the `claims` request parameter may ask for. */
export const userClaimNames: ReadonlySet<string> = new Set(Object.values(scopeClaims).flat());

/** The claim names granted scopes and named claims release. */
export const releasedClaimNames = (scopes: readonly string[], named: readonly string[] = []): string[] => [
  ...new Set([...scopes.flatMap((scope) => scopeClaims[scope] ?? []), ...named.filter((name) => userClaimNames.has(name))]),
];

/**
 * The user's claims the granted scopes release, plus any asked for by name (the `claims`
 * request parameter, already consented to), leaving out what the user does not have and what
 * their consent withholds (a declined purpose).
 */
export function claimsFor(user: User, scopes: readonly string[], named: readonly string[] = [], withheld: readonly string[] = []): Record<string, unknown> {
  const available = standardClaims(user);
  const out: Record<string, unknown> = {};
  for (const claim of releasedClaimNames(scopes, named)) if (available[claim] !== undefined && !withheld.includes(claim)) out[claim] = available[claim];
  return out;
}
