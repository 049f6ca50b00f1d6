import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { routes } from '../../../functions/admin/routes.ts';
import { spCredentials } from '../../support/saml.ts';
import { adminApi, type AdminApi } from '../../support/admin-api.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { callbackUri } from '../../support/oidc-flows.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { webClient, type WebResponse } from '../../support/web-client.ts';

before(useSharedRuntimeEnvironment);

interface OpenApi {
  openapi: string;
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>>;
  components: { schemas: Record<string, object> };
}

async function documentOf(a: AdminApi): Promise<OpenApi> {
  const res = await webClient(sharedRuntime.url).get(`/t/${a.tenant.slug}/api/v1/openapi.json`);
  assert.equal(res.status, 200);
  return res.json<OpenApi>();
}

/** Checks a real answer against what the document promises for that operation and status. */
function conformance(doc: OpenApi) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ $id: 'openapi', components: doc.components }, 'openapi');
  return (method: string, path: string, res: WebResponse) => {
    const responses = doc.paths[path]?.[method.toLowerCase()]?.responses;
    assert.ok(responses, `${method} ${path} is documented`);
    const documented = responses[String(res.status)];
    if (!documented) {
      assert.ok(res.status >= 400, `${method} ${path} answered an undocumented ${res.status}`);
      assert.match(String(res.headers['content-type']), /application\/problem\+json/);
      const validate = ajv.compile({ $ref: 'openapi#/components/schemas/Problem' });
      assert.ok(validate(res.json()), `problem details of ${method} ${path}: ${ajv.errorsText(validate.errors)}`);
      return;
    }
    const schema = documented.content?.['application/json']?.schema;
    if (!schema) return assert.equal(res.body, '', `${method} ${path} ${res.status} has no body`);
    const validate = ajv.compile(schema);
    assert.ok(validate(res.json()), `${method} ${path} ${res.status}: ${ajv.errorsText(validate.errors)}\n${res.body.slice(0, 400)}`);
  };
}

describe('the admin API’s OpenAPI 3.1 document', () => {
  test('is a valid OpenAPI 3.1 document that documents exactly the routes served', async () => {
    const a = await adminApi();
    const doc = await documentOf(a);
    const result = await new Validator().validate(doc as unknown as Parameters<Validator['validate']>[0]);
    assert.ok(result.valid, JSON.stringify(result.errors, null, 2));
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(doc.servers[0]!.url, `${a.tenant.issuer}/api/v1`);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} /t/{tenant}/api/v1${path}`));
    // The API's routes; the console's pages are the same function's, not the API's.
    const served = routes.filter((r) => r.includes('/api/v1/') && !r.endsWith('/openapi.json'));
    assert.deepEqual([...documented].sort(), [...served].sort());
  });

  test('real answers of every operation match their documented schemas', async () => {
    const a = await adminApi();
    const check = conformance(await documentOf(a));
    const fake = (status: number, body: unknown): WebResponse => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), json: <T>() => body as T });
    assert.throws(() => check('GET', '/users/{userId}', fake(200, { id: 1 })), /userName|must/, 'the check does bite');
    const call = async (method: string, path: string, concrete: string, body?: unknown, headers?: Record<string, string>) => {
      const res = await a.call(method, concrete, body, headers);
      check(method, path, res);
      return res;
    };
    await call('GET', '/settings', '/settings');
    await call('PATCH', '/settings', '/settings', { branding: { displayName: 'Documented' } });
    await call('PATCH', '/settings', '/settings', { lockout: { maxFailures: -1 } });

    const user = (await call('POST', '/users', '/users', { emails: [{ value: 'doc@example.com' }], name: { givenName: 'Doc' }, attributes: { team: 'api' } })).json<{ id: string }>().id;
    await call('POST', '/users', '/users', { emails: [] });
    await call('GET', '/users', '/users?limit=1');
    await call('GET', '/users/{userId}', `/users/${user}`);
    await call('GET', '/users/{userId}', '/users/nobody');
    await call('PATCH', '/users/{userId}', `/users/${user}`, { locale: 'en-GB' });
    await call('PATCH', '/users/{userId}', `/users/${user}`, { locale: 'en' }, { 'if-match': '"v1"' });
    await call('POST', '/users/{userId}/lock', `/users/${user}/lock`);
    await call('POST', '/users/{userId}/unlock', `/users/${user}/unlock`);
    await call('PUT', '/users/{userId}/password', `/users/${user}/password`, { password: 'documented passphrase 2026' });
    await call('GET', '/users/{userId}/sessions', `/users/${user}/sessions`);
    await call('DELETE', '/users/{userId}/sessions', `/users/${user}/sessions`);
    await call('DELETE', '/users/{userId}/sessions/{sessionId}', `/users/${user}/sessions/none`);
    await call('GET', '/users/{userId}/groups', `/users/${user}/groups`);

    const group = (await call('POST', '/groups', '/groups', { name: 'Docs' })).json<{ id: string }>().id;
    await call('GET', '/groups', '/groups');
    await call('GET', '/groups/{groupId}', `/groups/${group}`);
    await call('PATCH', '/groups/{groupId}', `/groups/${group}`, { description: 'Writers' });
    await call('PUT', '/groups/{groupId}/members/{userId}', `/groups/${group}/members/${user}`);
    await call('GET', '/groups/{groupId}/members', `/groups/${group}/members`);
    await call('DELETE', '/groups/{groupId}/members/{userId}', `/groups/${group}/members/${user}`);
    await call('DELETE', '/groups/{groupId}', `/groups/${group}`);

    const app = (await call('POST', '/applications', '/applications', { client_name: 'Docs app', redirect_uris: [callbackUri] })).json<{ client_id: string }>().client_id;
    await call('GET', '/applications', '/applications');
    await call('GET', '/applications/{clientId}', `/applications/${app}`);
    await call('PUT', '/applications/{clientId}', `/applications/${app}`, { client_name: 'Docs app 2', redirect_uris: [callbackUri] });
    await call('POST', '/applications/{clientId}/secret', `/applications/${app}/secret`);
    await call('DELETE', '/applications/{clientId}', `/applications/${app}`);

    const { certificatePem } = await spCredentials('docs-sp');
    const spBody = { entityId: 'https://docs-sp.example', assertionConsumerServices: [{ url: 'https://docs-sp.example/acs', index: 0 }], signingCertificates: [certificatePem] };
    const sp = (await call('POST', '/saml-service-providers', '/saml-service-providers', spBody)).json<{ id: string }>().id;
    await call('POST', '/saml-service-providers', '/saml-service-providers', spBody);
    await call('POST', '/saml-service-providers', '/saml-service-providers', { ...spBody, entityId: 'https://other.example', encryptAssertion: true });
    await call('GET', '/saml-service-providers', '/saml-service-providers');
    await call('GET', '/saml-service-providers/{spId}', `/saml-service-providers/${sp}`);
    await call('PUT', '/saml-service-providers/{spId}', `/saml-service-providers/${sp}`, { ...spBody, name: 'Docs SP' });
    await call('DELETE', '/saml-service-providers/{spId}', `/saml-service-providers/${sp}`);
    await call('GET', '/saml-service-providers/{spId}', `/saml-service-providers/${sp}`);

    await call('GET', '/users/{userId}/factors', `/users/${user}/factors`);
    await call('DELETE', '/users/{userId}/factors/{factorId}', `/users/${user}/factors/none`);
    await call('GET', '/flows/schema', '/flows/schema');
    await call('GET', '/flows/{name}', '/flows/default');
    await call('PUT', '/flows/{name}', '/flows/default', { steps: [{ options: ['password'] }, { options: ['totp'], optional: true }], rules: [{ when: { any: [{ memberOf: 'administrators' }, { not: { ipIn: ['10.0.0.0/8'] } }] }, then: { requireStep: 2 } }] });
    await call('PUT', '/flows/{name}', '/flows/default', { steps: [] });
    await call('GET', '/flows/{name}/versions', '/flows/default/versions');
    await call('POST', '/flows/{name}/explain', '/flows/default/explain', { groups: ['administrators'] });
    await call('POST', '/flows/{name}/rollback', '/flows/default/rollback', { version: 1 });
    await call('DELETE', '/flows/{name}', '/flows/default');
    await call('GET', '/keys', '/keys');
    await call('POST', '/keys/rotate', '/keys/rotate');
    await call('DELETE', '/users/{userId}', `/users/${user}`);

    // A sink whose destination refuses the connection: the test event reports it.
    const sink = (await call('POST', '/siem-sinks', '/siem-sinks', { name: 'Docs SIEM', kind: 'webhook', url: 'http://127.0.0.1:9/hook', eventTypes: ['siem.test'] })).json<{ id: string }>().id;
    await call('POST', '/siem-sinks', '/siem-sinks', { name: 'Docs', kind: 'splunk_hec', url: 'https://splunk.example/' });
    await call('GET', '/siem-sinks', '/siem-sinks');
    await call('GET', '/siem-sinks/{sinkId}', `/siem-sinks/${sink}`);
    await call('PUT', '/siem-sinks/{sinkId}', `/siem-sinks/${sink}`, { name: 'Docs SIEM 2', kind: 'webhook', url: 'http://127.0.0.1:9/hook2', eventTypes: ['siem.test'] });
    await call('POST', '/siem-sinks/{sinkId}/secret', `/siem-sinks/${sink}/secret`);
    await call('POST', '/siem-sinks/{sinkId}/test', `/siem-sinks/${sink}/test`);
    await call('DELETE', '/siem-sinks/{sinkId}', `/siem-sinks/${sink}`);
    await call('GET', '/siem-sinks/{sinkId}', `/siem-sinks/${sink}`);
    await call('GET', '/audit/events', '/audit/events?limit=5');
    await call('GET', '/audit/events', '/audit/events?outcome=sometimes');
    await call('GET', '/audit/statistics', '/audit/statistics');
    await call('GET', '/audit/statistics', '/audit/statistics?format=pdf');
    await call('GET', '/audit/statistics', '/audit/statistics?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z');
    await call('GET', '/audit/integrity', '/audit/integrity');
    await call('GET', '/audit/daily', '/audit/daily');
    const purpose = (await call('POST', '/consent-purposes', '/consent-purposes', { name: 'Docs', description: 'Documented purpose', claims: ['email'] })).json<{ id: string }>().id;
    await call('POST', '/consent-purposes', '/consent-purposes', { name: '' });
    await call('GET', '/consent-purposes', '/consent-purposes');
    await call('GET', '/consent-purposes/{purposeId}', `/consent-purposes/${purpose}`);
    await call('PUT', '/consent-purposes/{purposeId}', `/consent-purposes/${purpose}`, { name: 'Docs 2', description: 'Changed', mandatory: true, legalBasis: 'contract' });
    await call('DELETE', '/consent-purposes/{purposeId}', `/consent-purposes/${purpose}`);
    await call('GET', '/consent-purposes/{purposeId}', `/consent-purposes/${purpose}`);
    await call('GET', '/audit/daily', '/audit/daily?from=2026-13-01');
    await call('GET', '/audit/integrity', '/audit/integrity?to=yesterday');
  });
});
