import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { callbackUri, registerClient } from '../../support/oidc-flows.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { signUpTenant } from '../../support/signup.ts';
import { webClient } from '../../support/web-client.ts';

before(useSharedRuntimeEnvironment);

/** Fills a limiter's current and previous windows, as a client that has used its allowance would. */
async function exhaust(key: string, hits: number, windowSeconds: number) {
  const window = Math.floor(Date.now() / 1000 / windowSeconds);
  const db = createDocumentClient();
  await db.send(new PutCommand({ TableName: 'Sessions', Item: { pk: `RATE#${key}`, sk: `RATE#${windowSeconds}`, countedWindow: window, hits, previousHits: hits, expiresAt: (window + 2) * windowSeconds } }));
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('throttling per client (the SPA defence: a public client id is no secret)', () => {
  test('the token endpoint answers 429 with Retry-After once a client used its allowance; other clients go on', async () => {
    const tenant = await signUpTenant();
    const other = await registerClient(tenant, { grant_types: ['client_credentials'], redirect_uris: [], scope: 'scim' });
    await exhaust(`token#${tenant.slug}#${tenant.clientId}`, 600, 60);
    const res = await webClient(sharedRuntime.url).postForm(`/t/${tenant.slug}/oauth2/token`, { grant_type: 'client_credentials' }, { authorization: basic(tenant.clientId, tenant.clientSecret) });
    assert.equal(res.status, 429);
    assert.equal(res.json().error, 'too_many_requests');
    assert.ok(Number(res.headers['retry-after']) >= 1);
    const ok = await webClient(sharedRuntime.url).postForm(`/t/${tenant.slug}/oauth2/token`, { grant_type: 'client_credentials' }, { authorization: basic(other.client_id, other.client_secret!) });
    assert.equal(ok.status, 200);
    const { Items = [] } = await createDocumentClient().send(new QueryCommand({ TableName: 'Audit', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `TENANT#${tenant.slug}` }, ConsistentRead: true }));
    assert.ok(Items.some((i) => i.type === 'ratelimit.exceeded'));
  });

  test('the authorization endpoint answers 429 per client and address', async () => {
    const tenant = await signUpTenant();
    const client = await registerClient(tenant);
    const browser = webClient(sharedRuntime.url);
    await exhaust(`authorize#${tenant.slug}#${client.client_id}#ip#${browser.localAddress}`, 60, 60);
    const query = new URLSearchParams({ client_id: client.client_id, redirect_uri: callbackUri, response_type: 'code', scope: 'openid' });
    const res = await browser.get(`/t/${tenant.slug}/oauth2/authorize?${query}`);
    assert.equal(res.status, 429);
    assert.ok(Number(res.headers['retry-after']) >= 1);
    const elsewhere = await webClient(sharedRuntime.url).get(`/t/${tenant.slug}/oauth2/authorize?${query}`);
    assert.equal(elsewhere.status, 303, 'another address is not throttled');
  });
});
