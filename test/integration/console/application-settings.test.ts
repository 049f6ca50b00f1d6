import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { adminApi } from '../../support/admin-api.ts';
import { auditEventsOf } from '../../support/audit.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { consoleScreen, intoConsole } from '../../support/console.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { webClient } from '../../support/web-client.ts';

before(useSharedRuntimeEnvironment);

interface Application { client_id: string; client_name: string; redirect_uris: string[]; grant_types: string[]; id_token_signed_response_alg: string; require_pushed_authorization_requests: boolean; first_party: boolean; client_secret?: string; version: number }

const valueOf = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
const clientCredentials = (api: { tenant: { slug: string } }, id: string, secret: string) =>
  webClient(sharedRuntime.url).postForm(`/t/${api.tenant.slug}/oauth2/token`, { grant_type: 'client_credentials' }, { authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}` });

describe('the console: one application\'s page', () => {
  test('settings saved through the API\'s replace (nothing the form does not show is lost), a stale page or a bad URI refused with nothing changed; a new secret shown once, the old one dead', async () => {
    const api = await adminApi();
    const app = (await api.call('POST', '/applications', { client_name: 'Shop', redirect_uris: ['https://shop.example.com/cb'], grant_types: ['authorization_code', 'refresh_token'], scope: 'openid email' })).json<Application>();
    const { browser } = await intoConsole(api);
    const list = await browser.get(`/t/${api.tenant.slug}/console/applications`);
    assert.match(list.body, new RegExp(`<a href="/t/${api.tenant.slug}/console/applications/${app.client_id}">Shop</a>`));
    const { page, post } = await consoleScreen(browser, api, `/applications/${app.client_id}`);
    assert.match(page.body, /<h1>Shop<\/h1>/);
    const version = valueOf(page.body, 'version')!;
    const fields = { version, client_name: 'Shop (EU)', grant_types: 'authorization_code', redirect_uris: 'https://shop.example.com/cb\nhttps://shop.example.eu/cb', post_logout_redirect_uris: '', backchannel_logout_uri: '', scope: 'openid email profile', id_token_signed_response_alg: 'RS256', require_pushed_authorization_requests: 'true' };
    const saved = await post(`/applications/${app.client_id}/settings`, fields);
    assert.match(saved.body, /role="status" id="console-notice">Saved/);
    const stored = (await api.call('GET', `/applications/${app.client_id}`)).json<Application>();
    assert.deepEqual([stored.client_name, stored.redirect_uris, stored.grant_types, stored.id_token_signed_response_alg, stored.require_pushed_authorization_requests, stored.first_party], ['Shop (EU)', ['https://shop.example.com/cb', 'https://shop.example.eu/cb'], ['authorization_code'], 'RS256', true, false]);
    const updated = (await auditEventsOf(api.tenant.slug)).filter((e) => e.type === 'client.updated');
    assert.deepEqual(updated.map((e) => e.actor.kind), ['user']);

    const stale = await post(`/applications/${app.client_id}/settings`, { ...fields, version, client_name: 'Stale' });
    assert.match(stale.body, /role="alert" id="console-notice">[^<]*changed/, 'the page was made from the version before the save');
    const bad = await post(`/applications/${app.client_id}/settings`, { ...fields, version: valueOf(saved.body, 'version')!, redirect_uris: 'http://shop.example.com/cb' });
    assert.match(bad.body, /role="alert" id="console-notice">[^<]*redirect_uris/);
    const garbled = await post(`/applications/${app.client_id}/settings`, { ...fields, version: 'v1; drop', client_name: 'x'.repeat(5000) });
    assert.match(garbled.body, /role="alert" id="console-notice">This page is out of date/);
    assert.equal((await api.call('GET', `/applications/${app.client_id}`)).json<Application>().client_name, 'Shop (EU)', 'nothing changed by the refused forms');

    const m2m = (await api.call('POST', '/applications', { client_name: 'Job', grant_types: ['client_credentials'] })).json<Application>();
    const m2mPage = await consoleScreen(browser, api, `/applications/${m2m.client_id}`);
    const rotated = await m2mPage.post(`/applications/${m2m.client_id}/secret`, { version: valueOf(m2mPage.page.body, 'version')! });
    const secret = /<code id="client-secret"[^>]*>([^<]+)<\/code>/.exec(rotated.body)![1]!;
    assert.equal((await clientCredentials(api, m2m.client_id, secret)).status, 200, 'the new secret works');
    assert.equal((await clientCredentials(api, m2m.client_id, m2m.client_secret!)).status, 401, 'the old one does not');
    assert.doesNotMatch((await browser.get(`/t/${api.tenant.slug}/console/applications/${m2m.client_id}`)).body, /client-secret/, 'shown once');
    assert.equal((await auditEventsOf(api.tenant.slug)).filter((e) => e.type === 'client.secret_rotated').length, 1);
  });

  test('deleting asks for the name; a SAML service provider is shown and deleted by its entity ID; every form needs its CSRF token; another tenant\'s ids are not found', async () => {
    const api = await adminApi();
    const app = (await api.call('POST', '/applications', { client_name: 'Old app', redirect_uris: ['https://old.example.com/cb'] })).json<Application>();
    const sp = (await api.call('POST', '/saml-service-providers', { entityId: 'https://sp.example/old', name: 'Old SP', assertionConsumerServices: [{ url: 'https://sp.example/acs', index: 0, isDefault: true }] })).json<{ id: string }>();
    const { browser } = await intoConsole(api);
    const confirm = await consoleScreen(browser, api, `/applications/${app.client_id}?delete=1`);
    assert.match(confirm.page.body, /Type the application's name to confirm/);
    const version = valueOf(confirm.page.body, 'version')!;
    const wrong = await confirm.post(`/applications/${app.client_id}/delete`, { version, confirm: 'Old' });
    assert.match(wrong.body, /The name does not match; nothing was deleted/);
    assert.equal((await api.call('GET', `/applications/${app.client_id}`)).status, 200);
    for (const action of ['settings', 'secret', 'delete']) assert.equal((await browser.postForm(`/t/${api.tenant.slug}/console/applications/${app.client_id}/${action}`, { version, confirm: 'Old app', client_name: 'x' })).status, 403, `${action} without a CSRF token`);
    const deleted = await confirm.post(`/applications/${app.client_id}/delete`, { version, confirm: 'Old app' });
    assert.match(deleted.body, /role="status" id="console-notice">Old app was deleted/);
    assert.equal((await api.call('GET', `/applications/${app.client_id}`)).status, 404);

    const spPage = await consoleScreen(browser, api, `/service-providers/${sp.id}?delete=1`);
    assert.match(spPage.page.body, /<h1>Old SP<\/h1>/);
    assert.match(spPage.page.body, /https:\/\/sp\.example\/acs/);
    assert.equal((await browser.postForm(`/t/${api.tenant.slug}/console/service-providers/${sp.id}/delete`, { confirm: 'https://sp.example/old' })).status, 403, 'no CSRF token');
    assert.match((await spPage.post(`/service-providers/${sp.id}/delete`, { version: valueOf(spPage.page.body, 'version')!, confirm: 'https://sp.example/other' })).body, /does not match/);
    assert.match((await spPage.post(`/service-providers/${sp.id}/delete`, { version: valueOf(spPage.page.body, 'version')!, confirm: 'https://sp.example/old' })).body, /Old SP was deleted/);
    assert.equal((await api.call('GET', `/saml-service-providers/${sp.id}`)).status, 404);

    const other = await adminApi();
    const theirs = (await other.call('POST', '/applications', { client_name: 'Theirs', redirect_uris: ['https://theirs.example.com/cb'] })).json<Application>();
    for (const path of [`/applications/${theirs.client_id}`, '/applications/%3Cscript%3E', `/service-providers/${'x'.repeat(300)}`]) {
      const res = await browser.get(`/t/${api.tenant.slug}/console${path}`);
      assert.equal(res.status, 404, path);
      assert.doesNotMatch(res.body, /<script>|Theirs/, path);
    }
  });
});
