import { z } from 'zod';
import { rotateTenantKeys } from '../../../shared/domain/keys/rotate-keys.ts';
import { signingAlgorithms } from '../../../shared/domain/keys/signing-key.ts';
import { operation } from '../api/operation.ts';
import { isoTime } from '../api/schemas.ts';

const keySchema = z.object({ kid: z.string(), alg: z.enum(['ES256', 'RS256']), state: z.enum(['next', 'active', 'retired']), createdAt: isoTime, activatedAt: isoTime.optional(), retiredAt: isoTime.optional() });
const iso = (ms: number | undefined) => (ms === undefined ? {} : { value: new Date(ms).toISOString() });

export const keyOperations = [
  operation({
    route: 'GET /t/{tenant}/api/v1/keys', summary: 'List the tenant’s signing keys (public parts and states only)', tag: 'Signing keys', access: 'read', status: 200, response: z.object({ items: z.array(keySchema) }),
    handle: async ({ req, tenant }) => {
      const { keyrings } = await req.deps.signingKeys.load(tenant.id);
      const items = signingAlgorithms.flatMap((alg) =>
        (keyrings[alg]?.entries ?? []).map((e) => ({
          kid: e.kid, alg, state: e.state, createdAt: new Date(e.createdAt).toISOString(),
          ...(e.activatedAt !== undefined ? { activatedAt: iso(e.activatedAt).value } : {}),
          ...(e.retiredAt !== undefined ? { retiredAt: iso(e.retiredAt).value } : {}),
        })),
      );
      return { body: { items } };
    },
  }),
  operation({
    route: 'POST /t/{tenant}/api/v1/keys/rotate', summary: 'Rotate now: the published next key starts signing and a new next key is made', tag: 'Signing keys', access: 'write', status: 200,
    body: z.object({ algorithms: z.array(z.enum(['ES256', 'RS256'])).min(1).optional() }).strict(),
    response: z.object({ items: z.array(z.object({ alg: z.string(), result: z.enum(['rotated', 'unchanged']), activeKid: z.string().optional() })) }),
    handle: async (call) => {
      const outcomes = await rotateTenantKeys({ store: call.req.deps.signingKeys, vault: call.req.deps.keyVault }, call.tenant.id, { force: true, actor: call.actor, ...(call.body.algorithms ? { algorithms: call.body.algorithms } : {}) });
      return { body: { items: outcomes.map((o) => ({ alg: o.alg, result: o.result, ...(o.activeKid ? { activeKid: o.activeKid } : {}) })) } };
    },
  }),
];
