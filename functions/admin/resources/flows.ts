import { consoleClientId } from '../../../shared/domain/oauth/client.ts';
import { patternProblems } from '../../../shared/domain/federation/claim-mapping.ts';
import { idpIdOfOption } from '../../../shared/domain/federation/identity-provider.ts';
import type { AuditEventType } from '../../../shared/domain/audit/catalogue.ts';
import { z } from 'zod';
import { defaultFlow, flowDocumentJsonSchema, flowDocumentSchema, InvalidFlowDocument, parseFlowDocument, type FlowDocument } from '../../../shared/domain/flows/flow-document.ts';
import { explainFlow } from '../../../shared/domain/flows/flow-plan.ts';
import type { StoredFlow } from '../../../shared/domain/ports/flow-store.ts';
import { HttpError, notFound } from '../../../shared/http/errors.ts';
import { operation, type AdminCall } from '../api/operation.ts';
import { expectedVersion } from '../api/outcomes.ts';
import { isoTime } from '../api/schemas.ts';

const storedFlowSchema = z.object({ name: z.string(), version: z.number().int(), document: z.unknown(), updatedAt: isoTime.optional(), updatedBy: z.string().optional() });

/** `default`, or an application's id (not the console's) (an OIDC client id or a SAML service provider's id): a flow for an application that does not exist is refused. */
async function flowName(call: AdminCall<unknown>): Promise<string> {
  const name = call.req.pathParameters.name ?? '';
  if (name === 'default') return name;
  // The console signs administrators in with the default flow; a flow of its own could lock them out of it.
  if (name === consoleClientId) throw new HttpError(409, 'managed_by_platform', 'The admin console signs in with the tenant’s default flow; it has no flow of its own');
  const exists = /^[A-Za-z0-9_-]{1,128}$/.test(name) && ((await call.req.deps.clients.get(call.tenant.id, name)) || (await call.req.deps.serviceProviders.get(call.tenant.id, name)));
  if (!exists) throw notFound('No such application (flows are named default, by client id or by SAML service provider id)');
  return name;
}

/** The stored flow, or for `default` the built-in one (version 0) until a tenant publishes its own. */
async function currentFlow(call: AdminCall<unknown>, name: string): Promise<StoredFlow | undefined> {
  const stored = await call.req.deps.flows.current(call.tenant.id, name);
  if (stored || name !== 'default') return stored;
  return { name, version: 0, document: defaultFlow, updatedAt: new Date(0).toISOString(), updatedBy: 'built-in' };
}

function validated(document: unknown) {
  try {
    return parseFlowDocument(document);
  } catch (error) {
    if (error instanceof InvalidFlowDocument) throw new HttpError(400, 'validation_failed', error.message, { details: { errors: error.issues } });
    throw error;
  }
}

/** A flow may only name this tenant's own consent purposes and identity providers; its claim mappings' patterns must compile on RE2. */
async function knownReferences(call: AdminCall<unknown>, flow: FlowDocument): Promise<FlowDocument> {
  const missing = [];
  for (const [i, id] of flow.consent.purposes.entries()) if (!(await call.req.deps.consentPurposes.get(call.tenant.id, id))) missing.push({ path: `consent.purposes.${i}`, message: `there is no consent purpose ${id}` });
  for (const [s, step] of flow.steps.entries()) {
    for (const [i, option] of step.options.entries()) {
      const idpId = idpIdOfOption(option);
      if (idpId && !(await call.req.deps.identityProviders.get(call.tenant.id, idpId))) missing.push({ path: `steps.${s}.options.${i}`, message: `there is no identity provider ${idpId}` });
    }
  }
  for (const problem of await patternProblems(flow.claims)) missing.push({ path: `claims.${problem.path}`, message: problem.message });
  for (const problem of await patternProblems(flow.provisioning.groupRules)) missing.push({ path: `provisioning.groupRules.${problem.path}`, message: problem.message });
  for (const [i, rule] of flow.provisioning.groupRules.entries()) if (!(await call.req.deps.groups.getGroup(call.tenant.id, rule.group))) missing.push({ path: `provisioning.groupRules.${i}.group`, message: `there is no group ${rule.group}` });
  if (missing.length) throw new HttpError(400, 'validation_failed', `The flow document is invalid: ${missing[0]!.path}: ${missing[0]!.message}`, { details: { errors: missing } });
  return flow;
}

async function publish(call: AdminCall<unknown>, name: string, document: unknown, type: AuditEventType, details: Record<string, unknown>) {
  const current = await currentFlow(call, name);
  const version = expectedVersion(call.ifMatch, current ?? { version: 0 });
  const stored = current && current.version > 0 ? version : 0;
  const next: StoredFlow = { name, version: version + 1, document: await knownReferences(call, validated(document)), updatedAt: new Date().toISOString(), updatedBy: `${call.actor.kind}:${call.actor.id ?? ''}` };
  const outcome = await call.req.deps.flows.publish(call.tenant.id, next, stored, [call.event(type, `flow:${name}`, { version: next.version, ...details })]);
  if (outcome === 'conflict') throw new HttpError(412, 'precondition_failed', 'The flow was changed by someone else; read it again and retry with its new ETag');
  return { body: next, version: next.version };
}

const contextSchema = z
  .object({
    userId: z.string().max(64).optional().describe('Take groups and attributes from this user'),
    groups: z.array(z.string().max(100)).max(50).optional(),
    attributes: z.record(z.string(), z.string()).optional(),
    application: z.string().max(128).optional(),
    clientIp: z.string().max(64).default('203.0.113.1'),
    newDevice: z.boolean().default(false),
    time: z.iso.datetime().optional(),
    failedAttempts: z.number().int().min(0).default(0),
    acrValues: z.array(z.string().max(200)).max(10).default([]),
    session: z.object({ amr: z.array(z.string().max(20)).max(10), ageSeconds: z.number().int().min(0) }).strict().optional(),
  })
  .strict();

export const flowOperations = [
  operation({
    route: 'GET /t/{tenant}/api/v1/flows/schema', summary: 'The JSON Schema of flow documents (for editors)', tag: 'Flows', access: 'read', status: 200, response: z.record(z.string(), z.unknown()),
    handle: async () => ({ body: flowDocumentJsonSchema() }),
  }),
  operation({
    route: 'GET /t/{tenant}/api/v1/flows/{name}', summary: 'Read the current flow (`default`, or an application’s by client id)', tag: 'Flows', access: 'read', status: 200, response: storedFlowSchema,
    handle: async (call) => {
      const flow = await currentFlow(call, await flowName(call));
      if (!flow) throw notFound('This application follows the default flow');
      return { body: flow, version: flow.version };
    },
  }),
  operation({
    route: 'PUT /t/{tenant}/api/v1/flows/{name}', summary: 'Publish a new version of a flow (warm functions use it within 30 seconds, as with settings)', tag: 'Flows', access: 'write', status: 200, body: flowDocumentSchema, response: storedFlowSchema, conditional: true,
    handle: async (call) => publish(call, await flowName(call), call.body, 'flow.published', {}),
  }),
  operation({
    // The body is read as the PUT's handler reads it (nesting depth first, then the schema), so a hostile document is refused, not overflowed.
    route: 'POST /t/{tenant}/api/v1/flows/{name}/validate', summary: 'Check a flow document exactly as publishing it would, without publishing it (for editors)', tag: 'Flows', access: 'read', status: 200,
    body: z.unknown().describe('A flow document (its JSON Schema: GET /flows/schema)'), response: z.object({ valid: z.literal(true) }),
    handle: async (call) => {
      await flowName(call);
      await knownReferences(call, validated(call.body));
      return { body: { valid: true } };
    },
  }),
  operation({
    route: 'DELETE /t/{tenant}/api/v1/flows/{name}', summary: 'Remove an application’s own flow (it follows the default again) or the tenant’s default (the built-in one applies)', tag: 'Flows', access: 'write', status: 204,
    handle: async (call) => {
      const name = await flowName(call);
      if (!(await call.req.deps.flows.remove(call.tenant.id, name, [call.event('flow.removed', `flow:${name}`, {})]))) throw notFound('No flow of its own to remove');
      return {};
    },
  }),
  operation({
    route: 'GET /t/{tenant}/api/v1/flows/{name}/versions', summary: 'Every published version of a flow', tag: 'Flows', access: 'read', status: 200, response: z.object({ items: z.array(storedFlowSchema) }),
    handle: async (call) => ({ body: { items: await call.req.deps.flows.versions(call.tenant.id, await flowName(call)) } }),
  }),
  operation({
    route: 'POST /t/{tenant}/api/v1/flows/{name}/rollback', summary: 'Publish an earlier version again, as a new version', tag: 'Flows', access: 'write', status: 200, body: z.object({ version: z.number().int().min(1) }).strict(), response: storedFlowSchema, conditional: true,
    handle: async (call) => {
      const name = await flowName(call);
      const old = await call.req.deps.flows.version(call.tenant.id, name, call.body.version);
      if (!old) throw notFound(`No version ${call.body.version}`);
      return publish(call, name, old.document, 'flow.rolled_back', { to: call.body.version });
    },
  }),
  operation({
    route: 'POST /t/{tenant}/api/v1/flows/{name}/explain', summary: 'Dry run: which steps and options a sign-in in this context gets, and why', tag: 'Flows', access: 'read', status: 200, body: contextSchema,
    response: z.object({ denied: z.string().optional(), steps: z.array(z.object({ number: z.number().int(), options: z.array(z.string()) })), trace: z.array(z.string()), stepsLeft: z.array(z.number().int()) }),
    handle: async (call) => {
      const flow = await currentFlow(call, await flowName(call));
      const ctx = call.body;
      const user = ctx.userId ? await call.req.deps.users.getUser(call.tenant.id, ctx.userId) : undefined;
      if (ctx.userId && !user) throw notFound('No such user');
      const groups = user ? (await call.req.deps.groups.groupsOf(call.tenant.id, user.id)).map((g) => g.name) : (ctx.groups ?? []);
      const now = ctx.time ? new Date(ctx.time) : new Date();
      const explained = explainFlow(
        flow?.document ?? (await currentFlow(call, 'default'))!.document,
        { groups, attributes: user?.attributes ?? ctx.attributes ?? {}, ...(ctx.application ? { application: ctx.application } : {}), clientIp: ctx.clientIp, newDevice: ctx.newDevice, now, failedAttempts: ctx.failedAttempts, acrValues: ctx.acrValues },
        ctx.session ? { amr: ctx.session.amr, authTime: now.getTime() - ctx.session.ageSeconds * 1000 } : undefined,
      );
      return { body: explained };
    },
  }),
];
