import { z } from 'zod';
import type { Group } from '../../../shared/domain/groups/group.ts';
import type { UserInput } from '../../../shared/domain/users/user-changes.ts';
import type { User } from '../../../shared/domain/users/user.ts';
import { etagOf, scimError } from '../api/scim-route.ts';

import { coreUserSchema as userSchemaUrn, enterpriseUserSchema as enterpriseUrn } from '../../../shared/domain/scim/path.ts';

/** Enterprise User extension fields (RFC 7643 §4.3), kept as user attributes under this prefix. */
const enterprisePrefix = 'enterprise:';
const enterpriseStrings = ['employeeNumber', 'costCenter', 'organization', 'division', 'department'] as const;

const text = (max: number) => z.string().max(max);
/** Entra ID sends booleans as "True"/"False"; other connectors send real booleans. */
const looseBoolean = z.union([z.boolean(), z.enum(['True', 'False', 'true', 'false']).transform((v) => v.toLowerCase() === 'true')]);

/** A User as a provisioning client writes it (POST, PUT, or the result of a PATCH). Unknown attributes are ignored. */
export const scimUserInput = z
  .object({
    userName: z.string().trim().min(1).max(256),
    externalId: text(256).optional(),
    displayName: text(256).optional(),
    name: z.object({ formatted: text(200).optional(), givenName: text(100).optional(), familyName: text(100).optional() }).loose().optional(),
    emails: z.array(z.object({ value: z.email().max(254), type: text(32).optional(), primary: looseBoolean.optional() }).loose()).max(10).optional(),
    phoneNumbers: z.array(z.object({ value: z.string().regex(/^[+0-9 ()./-]{3,32}$/), type: text(32).optional(), primary: looseBoolean.optional() }).loose()).max(10).optional(),
    locale: z.string().regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/).optional(),
    active: looseBoolean.optional(),
    password: z.string().min(1).max(1024).optional(),
    [enterpriseUrn]: z
      .object({ ...Object.fromEntries(enterpriseStrings.map((k) => [k, text(256).optional()])), manager: z.object({ value: text(256).optional() }).loose().optional() })
      .loose()
      .optional(),
  })
  .loose();

export type ScimUserInput = z.output<typeof scimUserInput>;

export function parseScimUser(value: unknown): ScimUserInput {
  const parsed = scimUserInput.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw scimError(400, `${issue.path.join('.') || 'body'}: ${issue.message}`, 'invalidValue');
}

/** What the directory keeps of a SCIM User; attributes outside the enterprise prefix are the administrator's and stay. */
export function userInputOf(scim: ScimUserInput, existingAttributes: Readonly<Record<string, string>> = {}): UserInput {
  const enterprise = scim[enterpriseUrn];
  const attributes: Record<string, string> = Object.fromEntries(Object.entries(existingAttributes).filter(([k]) => !k.startsWith(enterprisePrefix)));
  for (const key of enterpriseStrings) if (enterprise?.[key]) attributes[`${enterprisePrefix}${key}`] = enterprise[key] as string;
  if (enterprise?.manager?.value) attributes[`${enterprisePrefix}manager`] = enterprise.manager.value;
  const phone = scim.phoneNumbers?.find((p) => p.primary) ?? scim.phoneNumbers?.[0];
  return {
    userName: scim.userName,
    ...(scim.externalId ? { externalId: scim.externalId } : {}),
    ...(scim.displayName ? { displayName: scim.displayName } : {}),
    emails: (scim.emails ?? []).map((e) => ({ value: e.value, primary: e.primary === true, ...(e.type ? { type: e.type } : {}) })),
    name: { ...(scim.name?.formatted ? { formatted: scim.name.formatted } : {}), ...(scim.name?.givenName ? { givenName: scim.name.givenName } : {}), ...(scim.name?.familyName ? { familyName: scim.name.familyName } : {}) },
    ...(phone ? { phoneNumber: phone.value } : {}),
    ...(scim.locale ? { locale: scim.locale } : {}),
    attributes,
  };
}

/** RFC 7643 §4.1: the User as SCIM shows it; `groups` only when they were looked up. */
export function scimUserOf(user: User, base: string, groups?: readonly Group[]): Record<string, unknown> {
  const enterprise: Record<string, unknown> = {};
  for (const key of enterpriseStrings) if (user.attributes[`${enterprisePrefix}${key}`]) enterprise[key] = user.attributes[`${enterprisePrefix}${key}`];
  const manager = user.attributes[`${enterprisePrefix}manager`];
  if (manager) enterprise.manager = { value: manager, $ref: `${base}/Users/${manager}` };
  const hasEnterprise = Object.keys(enterprise).length > 0;
  return {
    schemas: [userSchemaUrn, ...(hasEnterprise ? [enterpriseUrn] : [])],
    id: user.id,
    ...(user.externalId ? { externalId: user.externalId } : {}),
    userName: user.userName,
    ...(Object.keys(user.name).length ? { name: user.name } : {}),
    ...(user.displayName ? { displayName: user.displayName } : {}),
    ...(user.emails.length ? { emails: user.emails.map((e) => ({ value: e.value, primary: e.primary, ...(e.type ? { type: e.type } : {}) })) } : {}),
    ...(user.phoneNumber ? { phoneNumbers: [{ value: user.phoneNumber, type: 'work', primary: true }] } : {}),
    ...(user.locale ? { locale: user.locale } : {}),
    active: user.status === 'active',
    ...(groups ? { groups: groups.map((g) => ({ value: g.id, display: g.name, $ref: `${base}/Groups/${g.id}`, type: 'direct' })) } : {}),
    ...(hasEnterprise ? { [enterpriseUrn]: enterprise } : {}),
    meta: { resourceType: 'User', created: user.createdAt, lastModified: user.updatedAt, location: `${base}/Users/${user.id}`, version: etagOf(user.version) },
  };
}
