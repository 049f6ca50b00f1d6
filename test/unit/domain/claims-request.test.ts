import assert from 'node:assert/strict';
import { test } from 'node:test';
import { consentItemsOf, MalformedClaimsRequest, parseClaimsRequest } from '../../../shared/domain/oauth/claims-request.ts';

test('keeps the known user claims of each member and ignores the rest', () => {
  assert.deepEqual(parseClaimsRequest('{"id_token":{"email":{"essential":true},"acr":{"values":["x"]},"shoe_size":null},"userinfo":{"name":null}}'), { idToken: ['email'], userinfo: ['name'] });
});

test('a request that names no claim we know is no request', () => {
  assert.equal(parseClaimsRequest('{"id_token":{"shoe_size":null}}'), undefined);
  assert.equal(parseClaimsRequest('{}'), undefined);
});

test('refuses what is not a claims request, naming where', () => {
  for (const [json, message] of [
    ['nope', /not valid JSON/],
    ['null', /JSON object/],
    ['{"userinfo":[]}', /claims\.userinfo must be an object/],
    ['{"id_token":{"email":1}}', /claims\.id_token\.email must be null or an object/],
    ['{"id_token":{"email":{"values":"a"}}}', /values must be an array/],
  ] as const) {
    assert.throws(() => parseClaimsRequest(json), (error: Error) => error instanceof MalformedClaimsRequest && message.test(error.message), json);
  }
});

test('consent covers every scope and every claim asked for by name, once', () => {
  assert.deepEqual(consentItemsOf({ scopes: ['openid'], claims: { idToken: ['email'], userinfo: ['email', 'name'] } }), ['openid', 'claim:email', 'claim:name']);
});
