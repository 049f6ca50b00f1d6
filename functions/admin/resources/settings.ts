import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { securityQuestionsSchema, tenantSettingsSchema, type TenantSettings } from '../../../shared/domain/tenants/settings.ts';
import { HttpError, notFound } from '../../../shared/http/errors.ts';
import { operation } from '../api/operation.ts';
import { expectedVersion } from '../api/outcomes.ts';

const { branding, privacy } = tenantSettingsSchema.shape;
const privacyFields = privacy.unwrap().shape;

/** An optional field a change may remove with null (JSON Merge Patch, RFC 7396). */
const removable = <T extends z.ZodType>(field: z.ZodOptional<T>) => field.unwrap().nullable().optional();

/** A change names only what it changes, section by section (null removes an optional field); the result is validated whole. */
const settingsPatchSchema = z
  .object({
    branding: branding.partial().extend({ logoUrl: removable(branding.shape.logoUrl) }).strict().optional(),
    passwordPolicy: tenantSettingsSchema.shape.passwordPolicy.partial().strict().optional(),
    lockout: tenantSettingsSchema.shape.lockout.partial().strict().optional(),
    sessions: tenantSettingsSchema.shape.sessions.partial().strict().optional(),
    selfRegistration: z.boolean().optional(),
    securityQuestions: z.object({ enabled: z.boolean(), questions: z.array(z.string()).nullable(), answersRequired: z.number() }).partial().strict().optional().meta({ description: securityQuestionsSchema.meta()?.description }),
    allowedOrigins: tenantSettingsSchema.shape.allowedOrigins,
    privacy: z
      .object({ controller: removable(privacyFields.controller), email: removable(privacyFields.email), address: removable(privacyFields.address), phone: removable(privacyFields.phone), jurisdiction: removable(privacyFields.jurisdiction), policyUrl: removable(privacyFields.policyUrl) })
      .strict()
      .optional(),
  })
  .strict();

/** The object without the fields a change removed (set to null). */
const withoutRemoved = <T extends object>(value: T) => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null));

function merged(current: TenantSettings, patch: z.output<typeof settingsPatchSchema>): TenantSettings {
  const next = {
    branding: withoutRemoved({ ...current.branding, ...patch.branding }),
    passwordPolicy: { ...current.passwordPolicy, ...patch.passwordPolicy },
    lockout: { ...current.lockout, ...patch.lockout },
    sessions: { ...current.sessions, ...patch.sessions },
    selfRegistration: patch.selfRegistration ?? current.selfRegistration,
    ...(patch.securityQuestions ?? current.securityQuestions ? { securityQuestions: withoutRemoved({ enabled: false, answersRequired: 2, ...current.securityQuestions, ...patch.securityQuestions }) } : {}),
    ...(patch.privacy ?? current.privacy ? { privacy: withoutRemoved({ ...current.privacy, ...patch.privacy }) } : {}),
    ...(patch.allowedOrigins ?? current.allowedOrigins ? { allowedOrigins: [...new Set(patch.allowedOrigins ?? current.allowedOrigins)] } : {}),
  };
  const parsed = tenantSettingsSchema.safeParse(next);
  if (!parsed.success) throw new HttpError(400, 'validation_failed', `The settings would be invalid: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`, { details: { errors: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) } });
  if (parsed.data.sessions.idleSeconds > parsed.data.sessions.absoluteSeconds) {
    throw new HttpError(400, 'validation_failed', 'sessions.idleSeconds cannot exceed sessions.absoluteSeconds', { details: { errors: [{ path: 'sessions.idleSeconds', message: 'cannot exceed sessions.absoluteSeconds' }] } });
  }
  return parsed.data;
}

/** Only what changed, for the audit trail. */
function changedSections(before: TenantSettings, after: TenantSettings) {
  const keys = (Object.keys(after) as Array<keyof TenantSettings>).filter((k) => !isDeepStrictEqual(before[k], after[k]));
  return { before: Object.fromEntries(keys.map((k) => [k, before[k]])), after: Object.fromEntries(keys.map((k) => [k, after[k]])) };
}

export const settingsOperations = [
  operation({
    route: 'GET /t/{tenant}/api/v1/settings', summary: 'Read the tenant’s settings', tag: 'Settings', access: 'read', status: 200, response: tenantSettingsSchema,
    handle: async ({ req, tenant }) => {
      const current = await req.deps.tenantSettings.readSettings(tenant.id);
      if (!current) throw notFound();
      return { body: current.settings, version: current.version };
    },
  }),
  operation({
    route: 'PATCH /t/{tenant}/api/v1/settings', summary: 'Change the tenant’s settings (takes effect within 30 seconds everywhere)', tag: 'Settings', access: 'write', status: 200, body: settingsPatchSchema, response: tenantSettingsSchema, conditional: true,
    handle: async (call) => {
      const current = await call.req.deps.tenantSettings.readSettings(call.tenant.id);
      if (!current) throw notFound();
      const next = merged(current.settings, call.body);
      const outcome = await call.req.deps.tenantSettings.writeSettings(call.tenant.id, next, expectedVersion(call.ifMatch, current), [call.event('tenant.settings_changed', `tenant:${call.tenant.id}`, changedSections(current.settings, next))]);
      if (outcome === 'conflict') throw new HttpError(412, 'precondition_failed', 'The settings were changed by someone else; read them again and retry with the new ETag');
      return { body: next, version: current.version + 1 };
    },
  }),
];
