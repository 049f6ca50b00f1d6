import { userClaimNames } from './user-claims.ts';

/**
 * The `claims` request parameter (OIDC Core §5.5), reduced to what it changes here: the user
 * claims asked for by name in the ID token and at UserInfo, beyond what the scopes release.
 * Claims this provider does not know are ignored, as §5.5 says; `essential`, `value` and
 * `values` are accepted but cannot make a claim appear that the user does not have.
 */
export interface ClaimsRequest {
  readonly idToken: readonly string[];
  readonly userinfo: readonly string[];
}

export class MalformedClaimsRequest extends Error {
  override name = 'MalformedClaimsRequest';
}

const members = ['id_token', 'userinfo'] as const;

function requestedNames(member: unknown, where: string): string[] {
  if (member === undefined) return [];
  if (typeof member !== 'object' || member === null || Array.isArray(member)) throw new MalformedClaimsRequest(`claims.${where} must be an object`);
  for (const [name, spec] of Object.entries(member)) {
    if (spec === null) continue;
    if (typeof spec !== 'object' || Array.isArray(spec)) throw new MalformedClaimsRequest(`claims.${where}.${name} must be null or an object`);
    const { essential, values } = spec as { essential?: unknown; values?: unknown };
    if (essential !== undefined && typeof essential !== 'boolean') throw new MalformedClaimsRequest(`claims.${where}.${name}.essential must be a boolean`);
    if (values !== undefined && !Array.isArray(values)) throw new MalformedClaimsRequest(`claims.${where}.${name}.values must be an array`);
  }
  return Object.keys(member).filter((name) => userClaimNames.has(name));
}

/** Parses the parameter's JSON; throws MalformedClaimsRequest with a reason a client developer can act on. */
export function parseClaimsRequest(json: string): ClaimsRequest | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new MalformedClaimsRequest('claims is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MalformedClaimsRequest('claims must be a JSON object');
  const request = value as Record<string, unknown>;
  const [idToken, userinfo] = members.map((member) => requestedNames(request[member], member));
  if (!idToken!.length && !userinfo!.length) return undefined;
  return { idToken: idToken!, userinfo: userinfo! };
}

/** Every claim a request names, for consent (the user agrees to each one shared). */
export const claimsAskedFor = (claims: ClaimsRequest | undefined): string[] => [...new Set([...(claims?.idToken ?? []), ...(claims?.userinfo ?? [])])];

/** What the user is asked to allow: every scope, and every claim asked for by name (as `claim:<name>`). */
export const consentItemsOf = (request: { scopes: readonly string[]; claims?: ClaimsRequest }): string[] => [
  ...request.scopes,
  ...claimsAskedFor(request.claims).map((name) => `claim:${name}`),
];
