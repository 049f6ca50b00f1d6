import { createHmac, randomBytes } from 'node:crypto';
import { primaryEmail, type User } from '../users/user.ts';
import { attributeNameFormats, nameIdFormats } from './saml-names.ts';
import type { AttributeSource, ServiceProvider } from './service-provider.ts';

/** A value of a user that can be released: its source names it. */
export function sourceValues(user: User, groups: readonly string[], source: AttributeSource): string[] {
  const email = user.emails.find((e) => e.primary) ?? user.emails[0];
  const one = (value: string | undefined) => (value === undefined || value === '' ? [] : [value]);
  switch (source) {
    case 'id': return [user.id];
    case 'userName': return [user.userName];
    case 'email': return one(email?.value);
    case 'emailVerified': return email ? [String(email.verified === true)] : [];
    case 'givenName': return one(user.name.givenName);
    case 'familyName': return one(user.name.familyName);
    case 'displayName': return one(user.displayName);
    case 'phoneNumber': return one(user.phoneNumber);
    case 'locale': return one(user.locale);
    case 'groups': return [...groups];
    default: return one(user.attributes[source.slice('attributes.'.length)]);
  }
}

export interface ReleasedAttribute {
  readonly name: string;
  readonly nameFormat: string;
  readonly friendlyName?: string;
  readonly values: readonly string[];
}

/** The OIDC claim (or directory attribute) a source releases, as consent purposes name them; the user's id is never withheld. */
const claimOfSource: Readonly<Record<string, string>> = {
  userName: 'preferred_username', email: 'email', emailVerified: 'email_verified', givenName: 'given_name', familyName: 'family_name',
  displayName: 'name', phoneNumber: 'phone_number', locale: 'locale', groups: 'groups',
};
export const claimOf = (source: AttributeSource): string | undefined => (source.startsWith('attributes.') ? source : claimOfSource[source]);

/** The attribute statement's content: the SP's mapping applied to the user; empty values, and what the user's consent withholds, are left out. */
export const releasedAttributes = (sp: Pick<ServiceProvider, 'attributes'>, user: User, groups: readonly string[], withheld: readonly string[] = []): ReleasedAttribute[] =>
  sp.attributes
    .filter((a) => !withheld.includes(claimOf(a.source) ?? ''))
    .map((a) => ({ name: a.name, nameFormat: a.nameFormat, ...(a.friendlyName ? { friendlyName: a.friendlyName } : {}), values: sourceValues(user, groups, a.source) }))
    .filter((a) => a.values.length > 0);

/**
 * The attributes the SP's mapping releases, with the application's own (its flow's claim
 * mappings) added: a mapped name replaces a released attribute of that name. Names that look like
 * URIs (urn:oid:…, http://…) take the uri name format, others basic.
 */
export function withApplicationAttributes(released: readonly ReleasedAttribute[], mapped: Readonly<Record<string, string | number | boolean | readonly string[]>>, formats: Readonly<Record<string, string>> = {}): ReleasedAttribute[] {
  const own = Object.entries(mapped).map(([name, value]) => ({
    name,
    nameFormat: formats[name] ?? (/^(urn:|https?:\/\/)/.test(name) ? attributeNameFormats.uri : attributeNameFormats.basic),
    values: Array.isArray(value) ? [...value] : [String(value)],
  }));
  return [...released.filter((a) => !Object.hasOwn(mapped, a.name)), ...own.filter((a) => a.values.length > 0)];
}

export interface NameId {
  readonly format: string;
  readonly value: string;
}

/**
 * The subject's NameID for a service provider. Persistent identifiers are pairwise: an HMAC of
 * the user and the SP's entityID under a platform key, stable for that SP and unlinkable across SPs.
 * Transient ones are random per assertion. Undefined when the user has no value for the format.
 */
export function nameIdFor(user: User, sp: Pick<ServiceProvider, 'entityId' | 'nameIdSource'>, format: string, pairwiseKey: Buffer): NameId | undefined {
  switch (format) {
    case nameIdFormats.persistent:
      return { format, value: createHmac('sha256', pairwiseKey).update(`${user.tenant}\n${sp.entityId}\n${user.id}`).digest('base64url') };
    case nameIdFormats.transient:
      return { format, value: `_${randomBytes(20).toString('hex')}` };
    case nameIdFormats.emailAddress: {
      const email = primaryEmail(user);
      return email ? { format, value: email } : undefined;
    }
    case nameIdFormats.unspecified: {
      const value = sourceValues(user, [], sp.nameIdSource)[0];
      return value ? { format, value } : undefined;
    }
    default:
      return undefined;
  }
}
