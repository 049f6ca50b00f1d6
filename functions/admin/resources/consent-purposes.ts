import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { auditedConsentPurpose, consentPurposeInputSchema, legalBases, newConsentPurpose, replacedConsentPurpose, type ConsentPurpose } from '../../../shared/domain/consent/consent-purpose.ts';
import { operation, type AdminCall } from '../api/operation.ts';
import { existingResource, expectWritten } from '../api/outcomes.ts';
import { pageOf } from '../api/schemas.ts';

export const consentPurposeSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  claims: z.array(z.string()),
  legalBasis: z.enum(legalBases),
  mandatory: z.boolean(),
  version: z.number().int().describe('Goes up with every change: consent given to an older version is asked again'),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const view = (purpose: ConsentPurpose) => {
  const { tenant: _t, ...rest } = purpose;
  return rest;
};

const existing = (call: AdminCall<unknown>) => existingResource(call, 'purposeId', 'consent purpose', (tenant, id) => call.req.deps.consentPurposes.get(tenant, id));

export const consentPurposeOperations = [
  operation({
    route: 'GET /t/{tenant}/api/v1/consent-purposes', summary: 'List the consent purposes (why data is collected and shared)', tag: 'Consent', access: 'read', status: 200, paginated: true, response: pageOf(consentPurposeSchema),
    handle: async (call) => {
      const result = await call.req.deps.consentPurposes.list(call.tenant.id, call.page);
      return { body: { items: result.items.map(view), ...(result.cursor ? { next_cursor: result.cursor } : {}) } };
    },
  }),
  operation({
    route: 'POST /t/{tenant}/api/v1/consent-purposes', summary: 'Define a consent purpose: name, description, the claims it covers, its legal basis (GDPR Art. 6), whether it is mandatory', tag: 'Consent', access: 'write', status: 201, body: consentPurposeInputSchema, response: consentPurposeSchema, idempotent: true,
    handle: async (call) => {
      const purpose = newConsentPurpose(call.tenant.id, randomUUID(), call.body, new Date());
      await call.req.deps.consentPurposes.create(purpose, [call.event('consent.purpose_created', `purpose:${purpose.id}`, { after: auditedConsentPurpose(purpose) })]);
      return { body: view(purpose), version: purpose.version, headers: { location: `/t/${call.tenant.slug}/api/v1/consent-purposes/${purpose.id}` } };
    },
  }),
  operation({
    route: 'GET /t/{tenant}/api/v1/consent-purposes/{purposeId}', summary: 'Read a consent purpose', tag: 'Consent', access: 'read', status: 200, response: consentPurposeSchema,
    handle: async (call) => {
      const purpose = await existing(call);
      return { body: view(purpose), version: purpose.version };
    },
  }),
  operation({
    route: 'PUT /t/{tenant}/api/v1/consent-purposes/{purposeId}', summary: 'Replace a consent purpose; its version goes up', tag: 'Consent', access: 'write', status: 200, body: consentPurposeInputSchema, response: consentPurposeSchema, conditional: true,
    handle: async (call) => {
      const purpose = await existing(call);
      const next = replacedConsentPurpose(purpose, call.body, new Date());
      expectWritten(await call.req.deps.consentPurposes.replace(purpose, next, [call.event('consent.purpose_updated', `purpose:${purpose.id}`, { before: auditedConsentPurpose(purpose), after: auditedConsentPurpose(next) })]), 'consent purpose');
      return { body: view(next), version: next.version };
    },
  }),
  operation({
    route: 'DELETE /t/{tenant}/api/v1/consent-purposes/{purposeId}', summary: 'Remove a consent purpose', tag: 'Consent', access: 'write', status: 204, conditional: true,
    handle: async (call) => {
      const purpose = await existing(call);
      expectWritten(await call.req.deps.consentPurposes.remove(purpose, [call.event('consent.purpose_deleted', `purpose:${purpose.id}`, { before: auditedConsentPurpose(purpose) })]), 'consent purpose');
      return {};
    },
  }),
];
