import { flowFor } from '../flows/flow-selection.ts';
import { standardClaims } from '../oauth/user-claims.ts';
import type { FlowStore } from '../ports/flow-store.ts';
import type { GroupDirectory } from '../ports/group-directory.ts';
import type { User } from '../users/user.ts';
import { applyClaimMappings, claimsReadBy, reservedClaimNames, type ClaimMapping, type ClaimValue } from './claim-mapping.ts';

/**
 * An application's own claims (the flow document's `claims`): the user's attributes put into the
 * application's dialect by the claim transformation language, added to what the protocol already
 * releases — OIDC ID tokens and UserInfo, SAML attribute statements.
 */

/** What a mapping reads: the standard claims, the user's id as `sub`, `userName`, custom attributes as `attributes.{name}`, and `groups` when given. */
export function outboundSource(user: User, groups?: readonly string[]): Record<string, unknown> {
  return { ...standardClaims(user), sub: user.id, userName: user.userName, attributes: { ...user.attributes }, ...(groups ? { groups: [...groups] } : {}) };
}

export const readsGroups = (mappings: readonly ClaimMapping[]) => mappings.some((m) => claimsReadBy(m.value).some((claim) => claim === 'groups'));

/**
 * The mapped claims for a user. A mapping that reads a claim the user's consent withholds is left
 * out as a whole (its value could carry the withheld one), as is any that targets a reserved name.
 */
export async function applicationClaims(mappings: readonly ClaimMapping[], user: User, options: { groups?: readonly string[]; withheld?: readonly string[]; now?: Date } = {}): Promise<Record<string, Exclude<ClaimValue, undefined>>> {
  const withheld = new Set(options.withheld ?? []);
  const allowed = mappings.filter((m) => !reservedClaimNames.has(m.target) && !withheld.has(m.target) && !claimsReadBy(m.value).some((claim) => withheld.has(claim)));
  if (!allowed.length) return {};
  return applyClaimMappings(allowed, outboundSource(user, options.groups), options.now);
}

/**
 * The claims of the application's flow for this user (none when its flow maps none), with the
 * SAML NameFormat its mappings ask for: groups are looked up only when a mapping reads them.
 */
export async function claimsForApplication(deps: { readonly flows: FlowStore; readonly groups: GroupDirectory }, tenant: string, application: string, user: User, withheld: readonly string[]): Promise<ApplicationClaims> {
  const { claims } = await flowFor(deps.flows, tenant, application);
  if (!claims.length) return { values: {}, nameFormats: {} };
  const groups = readsGroups(claims) ? (await deps.groups.groupsOf(tenant, user.id)).map((g) => g.name) : undefined;
  return {
    values: await applicationClaims(claims, user, { withheld, ...(groups ? { groups } : {}) }),
    nameFormats: Object.fromEntries(claims.flatMap((m) => (m.nameFormat ? [[m.target, m.nameFormat]] : []))),
  };
}

export interface ApplicationClaims {
  readonly values: Record<string, Exclude<ClaimValue, undefined>>;
  /** The SAML NameFormat of the attributes whose mapping names one. */
  readonly nameFormats: Record<string, string>;
}
