/**
 * Authentication context (SAML Core §3.3.2.2.1, SAML Authn Context): what the IdP asserts about
 * how the user signed in, and whether that meets an AuthnRequest's RequestedAuthnContext.
 */
export const authnContextClasses = {
  unspecified: 'urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified',
  password: 'urn:oasis:names:tc:SAML:2.0:ac:classes:Password',
  passwordProtectedTransport: 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport',
  refedsMfa: 'https://refeds.org/profile/mfa',
} as const;

export type AuthnContextComparison = 'exact' | 'minimum' | 'better' | 'maximum';

export interface RequestedAuthnContext {
  readonly comparison: AuthnContextComparison;
  readonly classRefs: readonly string[];
}

/** Relative strength of the classes this IdP can assert; a class not listed here is never met by comparison. */
const strength: Record<string, number> = {
  [authnContextClasses.unspecified]: 0,
  [authnContextClasses.password]: 1,
  [authnContextClasses.passwordProtectedTransport]: 1,
  [authnContextClasses.refedsMfa]: 2,
};

const multiFactor = (amr: readonly string[]) => amr.includes('mfa') || new Set(amr).size > 1;

/** AuthnContextClassRef from how the session was authenticated (its amr values, RFC 8176): the strongest true one. */
export function authnContextClassOf(amr: readonly string[]): string {
  if (multiFactor(amr)) return authnContextClasses.refedsMfa;
  if (amr.includes('pwd')) return authnContextClasses.passwordProtectedTransport;
  return authnContextClasses.unspecified;
}

/** Every class that truthfully describes the sign-in: a password plus a second factor is also a password sign-in. */
function truthfulClasses(amr: readonly string[]): string[] {
  return [
    ...(multiFactor(amr) ? [authnContextClasses.refedsMfa] : []),
    ...(amr.includes('pwd') ? [authnContextClasses.passwordProtectedTransport, authnContextClasses.password] : []),
    authnContextClasses.unspecified,
  ];
}

/**
 * The class to assert for a request, or undefined when the sign-in cannot meet it (answered with
 * NoAuthnContext). `exact` takes the first requested class the sign-in truthfully meets (so an
 * MFA sign-in may be asserted as PasswordProtectedTransport to an SP that asks for exactly that);
 * `minimum` and `better` compare the strongest true class with the weakest known requested one;
 * `maximum` asserts the strongest true class not above the strongest requested one.
 */
export function chooseAuthnContext(requested: RequestedAuthnContext | undefined, amr: readonly string[]): string | undefined {
  const achieved = truthfulClasses(amr);
  if (!requested || requested.classRefs.length === 0) return achieved[0]!;
  const known = requested.classRefs.filter((c) => c in strength).map((c) => strength[c]!);
  const best = strength[achieved[0]!]!;
  switch (requested.comparison) {
    case 'exact':
      return requested.classRefs.find((c) => achieved.includes(c));
    case 'minimum':
      return known.length > 0 && best >= Math.min(...known) ? achieved[0] : undefined;
    case 'better':
      return known.length > 0 && best > Math.min(...known) ? achieved[0] : undefined;
    case 'maximum': {
      const ceiling = Math.max(...known);
      return known.length > 0 ? achieved.find((c) => strength[c]! <= ceiling) : undefined;
    }
  }
}
