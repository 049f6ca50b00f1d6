import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { adminApi, type AdminApi } from '../../support/admin-api.ts';
import { auditEventsOf } from '../../support/audit.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { consoleScreen, expectNotice, intoConsole } from '../../support/console.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { csrfTokenOf, webClient, type WebClient, type WebResponse } from '../../support/web-client.ts';

before(useSharedRuntimeEnvironment);

interface StoredFlow {
  name: string;
  version: number;
  document: { steps: Array<{ options: string[]; optional: boolean }>; rules: unknown[]; consent: { purposes: string[] } } & Record<string, unknown>;
}
interface Validation {
  valid: boolean;
  errors?: Array<{ path: string; message: string }>;
}

const unescaped = (text: string) => text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const okNotice = (res: WebResponse, pattern: RegExp) => expectNotice(res, 'done', pattern);
const refusal = (res: WebResponse, pattern: RegExp) => expectNotice(res, 'refused', pattern);
/** The problems the page lists under the JSON view (path, message). */
const problemsOn = (res: WebResponse) => [...res.body.matchAll(/<li><code>([^<]*)<\/code>: ([^<]*)<\/li>/g)].map((m) => [unescaped(m[1]!), unescaped(m[2]!)]);
const textareaOf = (res: WebResponse) => unescaped(/<textarea id="flow-json"[^>]*>([\s\S]*?)<\/textarea>/.exec(res.body)?.[1] ?? '');

const currentFlow = async (api: AdminApi, name = 'default') => (await api.call('GET', `/flows/${name}`)).json<StoredFlow>();
const versionsOf = async (api: AdminApi, name = 'default') => (await api.call('GET', `/flows/${name}/versions`)).json<{ items: StoredFlow[] }>().items.map((v) => v.version);

/** The default flow with a second step of TOTP only, required for members of Finance. */
const financeNeedsTotp = {
  steps: [{ options: ['password'] }, { options: ['totp'], optional: true }],
  rules: [{ description: 'Finance needs TOTP', when: { memberOf: 'Finance' }, then: { requireStep: 2 } }],
};

/** The form view's fields for that flow, as the page's form sends them. */
const financeForm = {
  view: 'form', version: '0',
  'step.0.shown': 'existing', 'step.0.option.password': 'on',
  'step.1.shown': 'existing', 'step.1.option.totp': 'on', 'step.1.optional': 'on',
  'step.2.shown': 'new',
  'rule.0.shown': '1', 'rule.0.description': 'Finance needs TOTP', 'rule.0.when': 'memberOf', 'rule.0.value': 'Finance', 'rule.0.then': 'requireStep', 'rule.0.step': '2', 'rule.0.option': '', 'rule.0.message': '',
};

async function signedIn() {
  const api = await adminApi();
  const { browser } = await intoConsole(api);
  return { api, browser, screen: (path: string) => consoleScreen(browser, api, path) };
}

const validate = (browser: WebClient, api: AdminApi, csrf: string | undefined, document: string, name = 'default') =>
  browser.postForm(`/t/${api.tenant.slug}/console/flows/${name}/validate`, { ...(csrf ? { csrf } : {}), document }, { accept: 'application/json' });

describe('the console: the flow document editor', () => {
  test('the form view and the JSON view each publish a version that the API then returns, audited with the administrator as the actor', async () => {
    const { api, screen } = await signedIn();
    const list = await screen('/flows');
    assert.equal(list.page.status, 200);
    assert.match(list.page.body, /<a href="\/t\/[^/]+\/console\/flows\/default">Default flow<\/a><\/td><td class="muted">Every application without its own<\/td><td>built-in<\/td>/);

    const editor = await screen('/flows/default');
    assert.match(editor.page.body, /<h1>Default flow<\/h1>/);
    assert.match(editor.page.body, /<h2 id="form-view-heading">Form view<\/h2>/);
    assert.deepEqual(JSON.parse(textareaOf(editor.page)).steps[1].options, ['totp', 'email_otp', 'recovery_code'], 'the JSON view shows the flow in force (the built-in one)');
    assert.match(editor.page.body, /<script nonce="[^"]+">/, 'the live validation script runs under the nonce');
    assert.doesNotMatch(editor.page.body, /\son[a-z]+="/, 'no inline handlers');

    const savedByForm = await editor.post('/flows/default', financeForm);
    okNotice(savedByForm, /Version 1 is published/);
    const first = await currentFlow(api);
    assert.equal(first.version, 1);
    assert.deepEqual(first.document.steps, [{ options: ['password'], optional: false }, { options: ['totp'], optional: true }]);
    assert.deepEqual(first.document.rules, financeNeedsTotp.rules);
    assert.match(savedByForm.body, /<option value="memberOf" selected>/, 'the form view shows the saved rule');
    assert.match(savedByForm.body, /name="rule\.0\.value" maxlength="2000" value="Finance"/);

    // The JSON view: everything, here a rule the form view also understands, and the session policy it does not show.
    const edited = { ...first.document, rules: [...first.document.rules, { when: { not: { ipIn: ['10.0.0.0/8'] } }, then: { deny: 'Only from the office network' } }], session: { maxAgeSeconds: 3600, stepUp: true } };
    const json = await screen('/flows/default');
    const savedByJson = await json.post('/flows/default', { view: 'json', version: '1', document: JSON.stringify(edited, null, 2) });
    okNotice(savedByJson, /Version 2 is published/);
    const second = await currentFlow(api);
    assert.equal(second.version, 2);
    assert.deepEqual(second.document.rules, edited.rules);
    assert.deepEqual(second.document.session, { maxAgeSeconds: 3600, stepUp: true });
    assert.match(savedByJson.body, /<option value="ipNotIn" selected>/, 'the form view shows what the JSON view made');

    // Saving the form view again keeps what only the JSON view shows.
    const again = await json.post('/flows/default', { ...financeForm, version: '2', 'rule.1.shown': '1', 'rule.1.when': 'ipNotIn', 'rule.1.value': '10.0.0.0/8, 192.168.0.0/16', 'rule.1.then': 'deny', 'rule.1.message': 'Only from the office network' });
    okNotice(again, /Version 3 is published/);
    const third = await currentFlow(api);
    assert.deepEqual(third.document.rules[1], { when: { not: { ipIn: ['10.0.0.0/8', '192.168.0.0/16'] } }, then: { deny: 'Only from the office network' } });
    assert.deepEqual(third.document.session, { maxAgeSeconds: 3600, stepUp: true });

    const published = (await auditEventsOf(api.tenant.slug)).filter((e) => e.type === 'flow.published');
    assert.deepEqual(published.map((e) => [e.actor.kind, e.details.version]), [['user', 1], ['user', 2], ['user', 3]]);
  });

  test('an invalid document is refused with the API\'s message and the path of each problem, the draft kept, and nothing saved', async () => {
    const { api, screen } = await signedIn();
    const { post } = await screen('/flows/default');
    const totpFirst = JSON.stringify({ steps: [{ options: ['totp'] }] }, null, 2);
    const refused = await post('/flows/default', { view: 'json', version: '0', document: totpFirst });
    refusal(refused, /^The flow document is invalid: steps\.0\.options: the first step identifies the user/);
    assert.deepEqual(problemsOn(refused)[0], ['steps.0.options', 'the first step identifies the user: password, webauthn or federated:{id} only']);
    assert.equal(textareaOf(refused), totpFirst, 'the draft stays in the JSON view to be fixed');
    assert.match(refused.body, /aria-invalid="true"/);

    refusal(await post('/flows/default', { ...financeForm, 'rule.0.step': '7' }), /rules\.0\.then: there is no step 7/);
    refusal(await post('/flows/default', { ...financeForm, 'step.1.option.sms': 'on' }), /steps\.1\.options\.1: /);
    refusal(await post('/flows/default', { ...financeForm, 'rule.0.step': 'two' }), /rules\.0\.then/);
    refusal(await post('/flows/default', { ...financeForm, 'rule.0.when': 'timeOfDayUtc', 'rule.0.value': 'after lunch' }), /rules\.0\.when/);
    refusal(await post('/flows/default', { view: 'json', version: '0', document: '{"steps": [' }), /not valid JSON/);
    refusal(await post('/flows/default', { view: 'json', version: '0', document: '{"steps":[{"options":["password"]}],"consent":{"purposes":["newsletter"]}}' }), /consent\.purposes\.0: there is no consent purpose newsletter/);
    refusal(await post('/flows/default', { view: 'json', version: '0', document: `{"steps":[{"options":["password"]}],"rules":[{"when":${'{"not":'.repeat(5000)}{"memberOf":"x"}${'}'.repeat(5000)},"then":{"requireStep":1}}]}` }), /nested more than 64 levels/);
    refusal(await post('/flows/default', { view: 'json', version: '0', document: `{"steps":[{"options":["password"]}],"rules":[{"when":${'{"not":'.repeat(30)}{"memberOf":"x"}${'}'.repeat(30)},"then":{"requireStep":1}}]}` }), /nests deeper than 24 levels/);
    refusal(await post('/flows/default', { ...financeForm, 'rule.1.shown': '1', 'rule.1.json': `{"when":${'{"not":'.repeat(20000)}{"memberOf":"x"}${'}'.repeat(20000)},"then":{"requireStep":1}}` }), /nests deeper than 24 levels|nested more than 64 levels/);
    refusal(await post('/flows/default', { view: 'json', version: '0', document: JSON.stringify({ ...financeNeedsTotp, padding: 'x'.repeat(300 * 1024) }) }), /larger than 256 KiB/);
    refusal(await post('/flows/default', { ...financeForm, version: '4' }), /Someone published this flow since you opened it/);
    assert.deepEqual(await versionsOf(api), [], 'nothing was published');
    assert.equal((await currentFlow(api)).version, 0);
  });

  test('the live check answers the API\'s own problems with their paths (as its PUT would), or valid; it needs the CSRF token and refuses oversized and garbage bodies without a 500', async () => {
    const { api, browser, screen } = await signedIn();
    const { page } = await screen('/flows/default');
    const csrf = csrfTokenOf(page.body);
    const slug = api.tenant.slug;

    const ok = await validate(browser, api, csrf, JSON.stringify(financeNeedsTotp));
    assert.equal(ok.status, 200);
    assert.match(String(ok.headers['content-type']), /application\/json/);
    assert.deepEqual(ok.json<Validation>(), { valid: true });

    for (const broken of [{ steps: [{ options: ['totp'] }] }, { ...financeNeedsTotp, rules: [{ when: { memberOf: 'Finance' }, then: { requireStep: 3 } }] }, { steps: [{ options: ['password'] }], consent: { purposes: ['newsletter'] } }]) {
      const answer = (await validate(browser, api, csrf, JSON.stringify(broken))).json<Validation>();
      const put = (await api.call('PUT', '/flows/default', broken)).json<{ errors: Validation['errors'] }>();
      assert.equal(answer.valid, false);
      assert.deepEqual(answer.errors, put.errors, 'the same problems, with the same paths, as the API\'s PUT');
    }
    assert.deepEqual(await versionsOf(api), [], 'the PUTs above were refused too');

    const syntax = (await validate(browser, api, csrf, '{"steps": [}')).json<Validation>();
    assert.equal(syntax.valid, false);
    assert.equal(syntax.errors![0]!.path, '(document)');
    assert.match(syntax.errors![0]!.message, /^not valid JSON: /);
    const deep = (await validate(browser, api, csrf, `{"steps":[{"options":["password"]}],"rules":[{"when":${'{"not":'.repeat(5000)}{"memberOf":"x"}${'}'.repeat(5000)},"then":{"requireStep":1}}]}`)).json<Validation>();
    assert.deepEqual(deep.errors![0], { path: '(body)', message: 'nested more than 64 levels' }, 'refused before any schema walks it');
    const deeper = (await validate(browser, api, csrf, `{"steps":[{"options":["password"]}],"rules":[{"when":${'{"not":'.repeat(30)}{"memberOf":"x"}${'}'.repeat(30)},"then":{"requireStep":1}}]}`)).json<Validation>();
    assert.deepEqual(deeper.errors![0], { path: '(document)', message: 'nests deeper than 24 levels; combine conditions with all/any instead' });

    const oversized = await validate(browser, api, csrf, JSON.stringify({ ...financeNeedsTotp, padding: 'x'.repeat(257 * 1024) }));
    assert.equal(oversized.status, 413);
    assert.match(oversized.json<Validation>().errors![0]!.message, /larger than 256 KiB/);
    const huge = await validate(browser, api, csrf, 'x'.repeat(3 * 1024 * 1024));
    assert.equal(huge.status, 413, 'beyond what the function reads at all');

    const path = `/t/${slug}/console/flows/default/validate`;
    assert.equal((await validate(browser, api, undefined, '{}')).status, 403, 'no CSRF token');
    assert.equal((await validate(browser, api, 'forged', '{}')).status, 403, 'a made-up CSRF token');
    assert.equal((await webClient(sharedRuntime.url).postForm(path, { csrf, document: '{}' }, { accept: 'application/json' })).status, 303, 'no console session: off to sign in');
    for (const [contentType, body] of [['application/json', '{"document": '], ['text/plain', 'garbage'], ['application/json', JSON.stringify({ csrf, document: '{}' })], ['application/x-www-form-urlencoded', '%%%&&&=']]) {
      const res = await browser.send('POST', path, body, { 'content-type': contentType!, accept: 'application/json' });
      assert.ok(res.status >= 400 && res.status < 500, `${contentType} ${body}: ${res.status}`);
    }
  });

  test('versions: who published each and when, a readable diff of any two, and a confirmed rollback that restores the earlier version and is audited', async () => {
    const { api, screen } = await signedIn();
    assert.equal((await api.call('PUT', '/flows/default', { steps: [{ options: ['password'] }, { options: ['totp', 'email_otp'], optional: true }] })).status, 200);
    const editor = await screen('/flows/default');
    okNotice(await editor.post('/flows/default', { ...financeForm, version: '1' }), /Version 2 is published/);

    const { page, post } = await screen('/flows/default/versions');
    assert.match(page.body, /<td>2 \(current\)<\/td><td>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC<\/td><td>[^<]*@[^<]*<\/td>/, 'the console\'s version: by the administrator\'s email');
    assert.match(page.body, /<td>1<\/td><td>[^<]+<\/td><td>API client [^<]+<\/td>/, 'the API\'s version: by its client');

    const diff = await screen('/flows/default/versions?from=1&to=2');
    assert.match(diff.page.body, /<h2 id="diff-heading">From version 1 to version 2 \(current\)<\/h2>/);
    assert.match(diff.page.body, /<p id="diff-summary">\d+ lines added \(\+\), \d+ removed \(\u2212\)\.<\/p>/);
    const marked = (tag: string) => [...diff.page.body.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((m) => unescaped(m[1]!).replace(/\s+/g, ' '));
    assert.ok(marked('ins').includes('+ "memberOf": "Finance"'), marked('ins').join('\n'));
    assert.ok(marked('ins').includes('+ "requireStep": 2'));
    assert.ok(marked('del').includes('\u2212 "email_otp"'), marked('del').join('\n'));
    assert.ok(marked('del').includes('\u2212 "rules": [],'));
    refusal((await screen('/flows/default/versions?from=1&to=99')).page, /Choose two versions/);
    refusal((await screen('/flows/default/versions?from=x&to=%00')).page, /Choose two versions/);

    const asked = await post('/flows/default/rollback', { version: '1' });
    assert.equal(asked.status, 200);
    assert.match(asked.body, /<h2 id="confirm-heading">Roll back to version 1\?<\/h2>/);
    assert.match(asked.body, /<del>[^<]*memberOf/, 'the confirmation shows what would change');
    assert.equal((await currentFlow(api)).version, 2, 'not yet: it waits for the confirmation');

    const rolled = await post('/flows/default/rollback', { version: '1', confirm: 'yes' });
    okNotice(rolled, /Version 1 is published again, as version 3/);
    const [now, old] = [await currentFlow(api), (await api.call('GET', '/flows/default/versions')).json<{ items: StoredFlow[] }>().items.find((v) => v.version === 1)!];
    assert.equal(now.version, 3);
    assert.deepEqual(now.document, old.document);
    const rollbacks = (await auditEventsOf(api.tenant.slug)).filter((e) => e.type === 'flow.rolled_back');
    assert.deepEqual(rollbacks.map((e) => [e.actor.kind, e.subject, e.details.to, e.details.version]), [['user', 'flow:default', 1, 3]]);

    refusal(await post('/flows/default/rollback', { version: '42', confirm: 'yes' }), /no such version/);
    refusal(await post('/flows/default/rollback', { version: '-1', confirm: 'yes' }), /no such version/);
    assert.equal((await currentFlow(api)).version, 3);
  });

  test('explain: which steps a sample context gets and which rules matched, through the API\'s dry run', async () => {
    const { api, screen } = await signedIn();
    assert.equal((await api.call('PUT', '/flows/default', financeNeedsTotp)).status, 200);
    const email = `fiona-${api.tenant.slug}@example.com`;
    const user = (await api.call('POST', '/users', { emails: [{ value: email, verified: true }] })).json<{ id: string }>();
    const group = (await api.call('POST', '/groups', { name: 'Finance' })).json<{ id: string }>();
    assert.equal((await api.call('PUT', `/groups/${group.id}/members/${user.id}`)).status, 204);

    const { page, post } = await screen('/flows/default/explain');
    assert.match(page.body, /<label for="explain-user">User \(email or user ID\)/);
    const stepsOf = (res: WebResponse) => [...(/<ol id="explain-steps">([\s\S]*?)<\/ol>/.exec(res.body)?.[1] ?? '').matchAll(/<li value="\d">([^<]*)/g)].map((m) => m[1]!.trim());

    const member = await post('/flows/default/explain', { user: email, clientIp: '198.51.100.7', failedAttempts: '0', sessionAge: '0' });
    assert.equal(member.status, 200);
    assert.deepEqual(stepsOf(member), ['Step 1: Password', 'Step 2: Authenticator app (TOTP)']);
    assert.match(member.body, /<strong>Matched:<\/strong> rule 1 \(Finance needs TOTP\): applies → require step 2/);

    const byId = await post('/flows/default/explain', { user: user.id });
    assert.deepEqual(stepsOf(byId), ['Step 1: Password', 'Step 2: Authenticator app (TOTP)']);
    const sales = await post('/flows/default/explain', { groups: 'Sales, Support' });
    assert.deepEqual(stepsOf(sales), ['Step 1: Password']);
    assert.match(sales.body, /Not matched:<\/span> rule 1 \(Finance needs TOTP\): does not apply/);
    const mfa = await post('/flows/default/explain', { groups: 'Sales', mfa: 'on', time: '2026-03-02T22:30' });
    assert.deepEqual(stepsOf(mfa), ['Step 1: Password', 'Step 2: Authenticator app (TOTP)'], 'an application asking for MFA gets the optional step');
    const session = await post('/flows/default/explain', { user: email, sessionPwd: 'on', sessionOtp: 'on', sessionAge: '5' });
    assert.match(session.body, /Step 1: Password <span class="muted">\(already covered by the session\)<\/span>/);

    refusal(await post('/flows/default/explain', { user: 'nobody@example.com' }), /There is no user nobody@example\.com/);
    refusal(await post('/flows/default/explain', { groups: 'Sales', failedAttempts: 'lots' }), /failedAttempts/);
    refusal(await post('/flows/default/explain', { groups: 'Sales', time: 'yesterday' }), /time/);
    refusal(await post('/flows/default/explain', { groups: 'Sales', sessionPwd: 'on', sessionAge: '-5' }), /session\.ageSeconds/);
    refusal(await post('/flows/default/explain', { user: 'u'.repeat(300) }), /userId/);
  });

  test('an application\'s own flow: created from the default, listed, edited and explained by its client id', async () => {
    const { api, screen } = await signedIn();
    const app = (await api.call('POST', '/applications', { client_name: 'Ledger', redirect_uris: ['https://ledger.example/cb'] })).json<{ client_id: string }>();
    const list = await screen('/flows');
    assert.match(list.page.body, new RegExp(`<a href="/t/${api.tenant.slug}/console/flows/${app.client_id}">Ledger: follows the default</a>`));
    assert.doesNotMatch(list.page.body, /flows\/console"/, 'the console\'s own client is not offered');

    const created = await list.post('/flows', { application: app.client_id });
    okNotice(created, /has its own flow \(version 1\), a copy of the default/);
    assert.match(created.body, /<h1>Flow of Ledger<\/h1>/);
    assert.deepEqual((await currentFlow(api, app.client_id)).document, (await currentFlow(api)).document);
    refusal(await list.post('/flows', { application: app.client_id }), /has its own flow already/);
    refusal(await list.post('/flows', { application: '' }), /Choose an application/);
    assert.match((await screen('/flows')).page.body, new RegExp(`>Flow of Ledger</a></td><td>Ledger <span class="muted">\\(OpenID Connect, <code>${app.client_id}</code>\\)</span></td><td>1</td>`));

    const editor = await screen(`/flows/${app.client_id}`);
    okNotice(await editor.post(`/flows/${app.client_id}`, { ...financeForm, version: '1' }), /Version 2 is published/);
    assert.deepEqual((await currentFlow(api, app.client_id)).document.rules, financeNeedsTotp.rules);
    assert.equal((await currentFlow(api)).version, 0, 'the default flow is untouched');
    const explain = await screen(`/flows/${app.client_id}/explain`);
    assert.match(explain.page.body, new RegExp(`<option value="${app.client_id}" selected>Ledger`), 'the application is chosen for its own flow');
    const explained = await explain.post(`/flows/${app.client_id}/explain`, { groups: 'Finance', application: app.client_id });
    assert.match(explained.body, /Step 2: Authenticator app \(TOTP\)/);
  });

  test('hostile: every form without or with a forged CSRF token is refused (403); another tenant\'s flows, applications and users do nothing here; a console cookie is nothing at another tenant', async () => {
    const { api, browser, screen } = await signedIn();
    const { page } = await screen('/flows/default');
    const slug = api.tenant.slug;
    const posts: Array<[string, Record<string, string>]> = [
      ['/flows', { application: 'x' }],
      ['/flows/default', { view: 'json', version: '0', document: JSON.stringify(financeNeedsTotp) }],
      ['/flows/default/validate', { document: '{}' }],
      ['/flows/default/rollback', { version: '1', confirm: 'yes' }],
      ['/flows/default/explain', { groups: 'Finance' }],
    ];
    for (const [action, fields] of posts) {
      assert.equal((await browser.postForm(`/t/${slug}/console${action}`, fields)).status, 403, `${action} without a token`);
      assert.equal((await browser.postForm(`/t/${slug}/console${action}`, { ...fields, csrf: 'forged' })).status, 403, `${action} with a forged token`);
    }
    assert.deepEqual(await versionsOf(api), [], 'nothing was published');

    const other = await adminApi();
    const theirs = (await other.call('POST', '/applications', { client_name: 'Theirs', redirect_uris: ['https://theirs.example/cb'] })).json<{ client_id: string }>();
    assert.equal((await other.call('PUT', `/flows/${theirs.client_id}`, financeNeedsTotp)).status, 200);
    const theirUser = (await other.call('POST', '/users', { emails: [{ value: `them-${other.tenant.slug}@example.com`, verified: true }] })).json<{ id: string }>();
    const csrf = csrfTokenOf(page.body);
    const name = theirs.client_id;
    for (const path of [`/flows/${name}`, `/flows/${name}/versions`, `/flows/${name}/explain`, `/flows/${encodeURIComponent('../default')}`, `/flows/${'x'.repeat(300)}`]) {
      assert.equal((await browser.get(`/t/${slug}/console${path}`)).status, 404, path);
    }
    for (const [action, fields] of [[`/flows/${name}`, { view: 'json', version: '1', document: JSON.stringify({ steps: [{ options: ['password'] }] }) }], [`/flows/${name}/validate`, { document: '{}' }], [`/flows/${name}/rollback`, { version: '1', confirm: 'yes' }], [`/flows/${name}/explain`, { groups: 'Finance' }]] as const) {
      assert.equal((await browser.postForm(`/t/${slug}/console${action}`, { ...fields, csrf })).status, 404, action);
    }
    refusal(await browser.postForm(`/t/${slug}/console/flows`, { csrf, application: name }), /No such application/);
    refusal(await browser.postForm(`/t/${slug}/console/flows/default/explain`, { csrf, user: theirUser.id }), /No such user/);
    refusal(await browser.postForm(`/t/${slug}/console/flows/default/explain`, { csrf, user: `them-${other.tenant.slug}@example.com` }), /There is no user/);
    const their = await currentFlow(other, name);
    assert.deepEqual([their.version, await versionsOf(other, name)], [1, [1]], 'their flow is as they left it');
    assert.deepEqual(await versionsOf(api), []);

    const cookie = browser.jar.get('console_session')!.value;
    const elsewhere = await webClient(sharedRuntime.url).get(`/t/${other.tenant.slug}/console/flows/default`, { cookie: `console_session=${cookie}` });
    assert.equal(elsewhere.status, 303, 'tenant A\'s console session is no session at tenant B');
  });
});
