import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { destinationProblem } from '../../../shared/adapters/outbound/destination.ts';
import { createAuditEvent } from '../../../shared/domain/audit/event.ts';
import { createSiemDelivery } from '../../../shared/domain/audit/siem-delivery.ts';
import { auditedSiemSink, changeLacksToken, missingTokenMessage, siemSinkChangeSchema, siemSinkInputSchema, type SiemSink, type SiemSinkInput } from '../../../shared/domain/audit/siem-sink.ts';
import { createSecureVault } from '../../../shared/domain/secrets/secure-vault.ts';
import { HttpError } from '../../../shared/http/errors.ts';
import { operation, type AdminCall } from '../api/operation.ts';
import { existingResource, expectWritten } from '../api/outcomes.ts';
import { pageOf } from '../api/schemas.ts';

export const siemSinkSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['webhook', 'splunk_hec']),
  url: z.string(),
  eventTypes: z.array(z.string()),
  enabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});

/** A created webhook sink, or a new secret: the signing secret, shown this once. */
const withSecret = siemSinkSchema.extend({ secret: z.string().optional().describe('The webhook signing secret: shown once, store it at the receiver') });

const view = (sink: SiemSink) => {
  const { tenant: _t, sealedCredential: _c, ...rest } = sink;
  return rest;
};

const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

/**
 * Destinations a tenant may name: https (http only to loopback, in the local runtime), and never
 * a literal internal address. Names that resolve inside are refused again at every delivery.
 */
function checkDestination(input: SiemSinkInput): void {
  const problem = destinationProblem(input.url);
  if (problem) throw new HttpError(400, 'validation_failed', `The sink is invalid: url: ${problem}`, { details: { errors: [{ path: 'url', message: problem }] } });
}

/** The body (the operation already validated it against the schema), its destination checked too. */
function parseInput(call: AdminCall<unknown>): SiemSinkInput {
  const input = call.body as SiemSinkInput;
  checkDestination(input);
  return input;
}

async function sealCredential(call: AdminCall<unknown>, sinkId: string, credential: string): Promise<string> {
  return createSecureVault(call.req.deps.keyVault).seal('siem-credential', call.tenant.id, sinkId, credential);
}

const existing = (call: AdminCall<unknown>) => existingResource(call, 'sinkId', 'SIEM sink', (tenant, id) => call.req.deps.siemSinks.get(tenant, id));

export const siemSinkOperations = [
  operation({
    route: 'GET /t/{tenant}/api/v1/siem-sinks', summary: 'List the SIEM sinks audit events are streamed to', tag: 'Audit', access: 'read', status: 200, paginated: true, response: pageOf(siemSinkSchema),
    handle: async (call) => {
      const result = await call.req.deps.siemSinks.list(call.tenant.id, call.page);
      return { body: { items: result.items.map(view), ...(result.cursor ? { next_cursor: result.cursor } : {}) } };
    },
  }),
  operation({
    route: 'POST /t/{tenant}/api/v1/siem-sinks', summary: 'Add a SIEM sink: a webhook (HMAC-SHA256 signed; its secret is shown once) or a Splunk HTTP Event Collector', tag: 'Audit', access: 'write', status: 201, body: siemSinkInputSchema, response: withSecret, idempotent: true,
    handle: async (call) => {
      const input = parseInput(call);
      const id = randomUUID();
      const secret = input.kind === 'webhook' ? newWebhookSecret() : undefined;
      const now = new Date().toISOString();
      const sink: SiemSink = { tenant: call.tenant.id, id, name: input.name, kind: input.kind, url: input.url, eventTypes: input.eventTypes, enabled: input.enabled, sealedCredential: await sealCredential(call, id, secret ?? input.token!), createdAt: now, updatedAt: now, version: 1 };
      await call.req.deps.siemSinks.create(sink, [call.event('siem.sink_created', `siem_sink:${id}`, { after: auditedSiemSink(sink) })]);
      return { body: { ...view(sink), ...(secret ? { secret } : {}) }, version: 1, headers: { location: `/t/${call.tenant.slug}/api/v1/siem-sinks/${id}` } };
    },
  }),
  operation({
    route: 'GET /t/{tenant}/api/v1/siem-sinks/{sinkId}', summary: 'Read a SIEM sink (never its secret or token)', tag: 'Audit', access: 'read', status: 200, response: siemSinkSchema,
    handle: async (call) => {
      const sink = await existing(call);
      return { body: view(sink), version: sink.version };
    },
  }),
  operation({
    route: 'PUT /t/{tenant}/api/v1/siem-sinks/{sinkId}', summary: 'Replace a SIEM sink’s settings; a Splunk token is replaced only when given, a webhook keeps its secret', tag: 'Audit', access: 'write', status: 200, body: siemSinkChangeSchema, response: withSecret, conditional: true,
    handle: async (call) => {
      const sink = await existing(call);
      const input = parseInput(call);
      if (changeLacksToken(input, sink)) throw new HttpError(400, 'validation_failed', `The request body is invalid: token: ${missingTokenMessage}`, { details: { errors: [{ path: 'token', message: missingTokenMessage }] } });
      const secret = input.kind === 'webhook' && sink.kind !== 'webhook' ? newWebhookSecret() : undefined;
      const credential = secret ?? input.token;
      const next: SiemSink = {
        ...sink, name: input.name, kind: input.kind, url: input.url, eventTypes: input.eventTypes, enabled: input.enabled,
        sealedCredential: credential !== undefined ? await sealCredential(call, sink.id, credential) : sink.sealedCredential,
        updatedAt: new Date().toISOString(), version: sink.version + 1,
      };
      expectWritten(await call.req.deps.siemSinks.replace(sink, next, [call.event('siem.sink_updated', `siem_sink:${sink.id}`, { before: auditedSiemSink(sink), after: auditedSiemSink(next), credentialReplaced: credential !== undefined })]), 'SIEM sink');
      return { body: { ...view(next), ...(secret ? { secret } : {}) }, version: next.version };
    },
  }),
  operation({
    route: 'DELETE /t/{tenant}/api/v1/siem-sinks/{sinkId}', summary: 'Remove a SIEM sink', tag: 'Audit', access: 'write', status: 204, conditional: true,
    handle: async (call) => {
      const sink = await existing(call);
      expectWritten(await call.req.deps.siemSinks.remove(sink, [call.event('siem.sink_deleted', `siem_sink:${sink.id}`, { before: auditedSiemSink(sink) })]), 'SIEM sink');
      return {};
    },
  }),
  operation({
    route: 'POST /t/{tenant}/api/v1/siem-sinks/{sinkId}/secret', summary: 'Issue a new webhook signing secret (shown once); the old one stops working', tag: 'Audit', access: 'write', status: 200, response: withSecret,
    handle: async (call) => {
      const sink = await existing(call);
      if (sink.kind !== 'webhook') throw new HttpError(409, 'not_a_webhook', 'Only webhook sinks have a signing secret; replace a Splunk token with PUT');
      const secret = newWebhookSecret();
      const next: SiemSink = { ...sink, sealedCredential: await sealCredential(call, sink.id, secret), updatedAt: new Date().toISOString(), version: sink.version + 1 };
      expectWritten(await call.req.deps.siemSinks.replace(sink, next, [call.event('siem.secret_rotated', `siem_sink:${sink.id}`, { name: sink.name })]), 'SIEM sink');
      return { body: { ...view(next), secret }, version: next.version };
    },
  }),
  operation({
    route: 'POST /t/{tenant}/api/v1/siem-sinks/{sinkId}/test', summary: 'Send a test event to the sink now and report what it answered', tag: 'Audit', access: 'write', status: 200,
    response: z.object({ delivered: z.boolean(), status: z.number().int().optional(), reason: z.string().optional(), eventId: z.string() }),
    handle: async (call) => {
      const sink = await existing(call);
      const deps = call.req.deps;
      const delivery = createSiemDelivery({ siemSinks: deps.siemSinks, siemDeliveries: deps.siemDeliveries, vault: createSecureVault(deps.keyVault), post: deps.siemPost });
      const test = createAuditEvent({ tenant: call.tenant.id, type: 'siem.test', actor: call.actor, subject: `siem_sink:${sink.id}`, correlationId: call.req.state.correlationId, outcome: 'success', details: { message: 'A test event from the identity platform', sink: sink.name } });
      let result: { delivered: boolean; status?: number; reason?: string };
      try {
        result = { delivered: true, status: await delivery.send(sink, test) };
      } catch (error) {
        // Only our own messages go back to the caller: what the destination answered is a status code.
        result = { delivered: false, reason: error instanceof Error ? error.message.slice(0, 200) : 'delivery failed' };
      }
      await deps.auditLog.record({ ...call.event('siem.sink_tested', `siem_sink:${sink.id}`, { name: sink.name, ...result }), outcome: result.delivered ? 'success' : 'failure' });
      return { body: { ...result, eventId: test.id } };
    },
  }),
];
