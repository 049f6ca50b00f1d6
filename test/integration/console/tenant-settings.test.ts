import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { TenantSettings } from '../../../shared/domain/tenants/settings.ts';
import { adminApi, type AdminApi } from '../../support/admin-api.ts';
import { auditEventsOf } from '../../support/audit.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { consoleScreen, intoConsole } from '../../support/console.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { eventually } from '../../support/wait.ts';
import { webClient, type WebClient, type WebResponse } from '../../support/web-client.ts';

before(useSharedRuntimeEnvironment);

const settingsOf = async (api: AdminApi) => (await api.call('GET', '/settings')).json<TenantSettings>();
const settingsVersionOf = async (api: AdminApi) => String((await api.call('GET', '/settings')).headers.etag).replace(/\D/g, '');

/** The notice a console form answered with: ok (role=status) or refused (role=alert), and its text. */
function noticeOf(res: WebResponse) {
  assert.equal(res.status, 200, res.body.slice(0, 300));
  const match = /<p class="(?:note|notice)" role="(status|alert)" id="console-notice">([^<]*)<\/p>/.exec(res.body);
  assert.ok(match, 'the page has a notice');
  return { ok: match[1] === 'status', text: match[2]!.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&') };
}

const settingsChanges = async (slug: string) => (await auditEventsOf(slug)).filter((e) => e.type === 'tenant.settings_changed');

/** A screen's form fields as the page filled them (text inputs, the selected options, ticked boxes, text areas): what a browser would send back. */
function formFieldsOf(body: string, action: string): Record<string, string> {
  const form = new RegExp(`<form method="post" action="[^"]*${action}"[^>]*>([\\s\\S]*?)</form>`).exec(body)![1]!;
  const fields: Record<string, string> = {};
  for (const [, tag] of form.matchAll(/<input ([^>]*)>/g)) {
    const name = /name="([^"]+)"/.exec(tag!)?.[1];
    if (!name || name === 'csrf') continue;
    if (/type="checkbox"/.test(tag!) && !/ checked/.test(tag!)) continue;
    fields[name] = (/value="([^"]*)"/.exec(tag!)?.[1] ?? '').replace(/&amp;/g, '&');
  }
  for (const [, name, options] of form.matchAll(/<select [^>]*name="([^"]+)">([\s\S]*?)<\/select>/g)) fields[name!] = /<option value="([^"]+)" selected>/.exec(options!)![1]!;
  for (const [, name, text] of form.matchAll(/<textarea [^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g)) fields[name!] = text!;
  return fields;
}

async function screenOf(browser: WebClient, api: AdminApi, path: string) {
  const screen = await consoleScreen(browser, api, path);
  assert.equal(screen.page.status, 200, screen.page.body.slice(0, 300));
  return { ...screen, fields: formFieldsOf(screen.page.body, path) };
}

describe('the console\'s branding, policies, consent purposes and settings', () => {
  test('branding: the name, logo and colour saved through the API (audited), previewed with the real sign-in page\'s markup, and shown on the tenant\'s real login page', async () => {
    const api = await adminApi();
    const { browser } = await intoConsole(api);
    const screen = await screenOf(browser, api, '/branding');
    assert.match(screen.page.body, /<h1>Branding<\/h1>/);
    assert.match(screen.page.body, /<div class="login-preview" id="login-preview" inert><div class="preview-main"><div class="brand"><strong>Org t-[0-9a-f]+<\/strong><\/div>\n<h1>Sign in<\/h1>/, 'the preview is the sign-in page\'s own content');
    assert.match(screen.page.body, /<script nonce="[^"]+">\(\(\) => \{/, 'the preview\'s script runs under the page\'s nonce');
    assert.deepEqual([screen.fields.display_name, screen.fields.primary_color, screen.fields.logo_url], [`Org ${api.tenant.slug}`, '#3b5bdb', '']);

    const saved = noticeOf(await screen.post('/branding', { ...screen.fields, display_name: 'Acme <Travel> & Co', primary_color: '#0b7285', logo_url: 'https://cdn.example.com/acme.png' }));
    assert.deepEqual(saved, { ok: true, text: 'Saved. The change applies everywhere within 30 seconds.' });
    assert.deepEqual((await settingsOf(api)).branding, { displayName: 'Acme <Travel> & Co', primaryColor: '#0b7285', logoUrl: 'https://cdn.example.com/acme.png' });
    const change = (await settingsChanges(api.tenant.slug)).at(-1)!;
    assert.equal(change.actor.kind, 'user', 'the administrator made the change');
    assert.deepEqual(Object.keys(change.details.after as object), ['branding']);

    const login = await eventually('the new branding on the login page', async () => {
      const res = await webClient(sharedRuntime.url).get(`/t/${api.tenant.slug}/login`);
      return res.body.includes('Acme &lt;Travel&gt; &amp; Co') ? res : undefined;
    });
    assert.match(login.body, /<div class="brand"><img src="https:\/\/cdn\.example\.com\/acme\.png" alt=""><strong>Acme &lt;Travel&gt; &amp; Co<\/strong><\/div>/);
    assert.match(login.body, /:root\{--accent:#0b7285\}<\/style>/);
    assert.match(String(login.headers['content-security-policy']), /img-src 'self' https: data:/, 'the logo is an https image the page\'s CSP allows');

    const page = await screenOf(browser, api, '/branding');
    assert.match(page.page.body, /<nav aria-label="Console"[^>]*>\s*<strong[^>]*>Acme &lt;Travel&gt; &amp; Co<\/strong>/, 'the console\'s own frame in the new name');
    const cleared = await page.post('/branding', { ...page.fields, logo_url: '' });
    assert.equal(noticeOf(cleared).ok, true);
    assert.equal((await settingsOf(api)).branding.logoUrl, undefined, 'an emptied logo field removes the logo');
    const unchanged = await screenOf(browser, api, '/branding');
    assert.equal(noticeOf(await unchanged.post('/branding', unchanged.fields)).text, 'Nothing changed.');
  });

  test('branding, hostile: a colour that breaks out of CSS, a javascript: or http logo, a garbled or oversized form are refused with the API\'s reason and change nothing', async () => {
    const api = await adminApi();
    const { browser } = await intoConsole(api);
    const screen = await screenOf(browser, api, '/branding');
    const before = await settingsOf(api);
    const changes = (await settingsChanges(api.tenant.slug)).length;

    const light = await screen.post('/branding', { ...screen.fields, primary_color: '#ffd43b' });
    assert.deepEqual([noticeOf(light).ok, /contrast of 1\.\d:1, below the 4\.5:1/.test(noticeOf(light).text)], [false, true], noticeOf(light).text);
    const css = await screen.post('/branding', { ...screen.fields, primary_color: 'red;}body{display:none' });
    assert.deepEqual([noticeOf(css).ok, /branding\.primaryColor/.test(noticeOf(css).text)], [false, true], noticeOf(css).text);
    assert.match(css.body, /value="red;}body{display:none"/, 'what was typed is shown back, as an attribute value');
    const styles = [...css.body.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)].map((m) => m[1]).join('');
    assert.doesNotMatch(styles, /display:none|--accent:red/, 'never inside the stylesheet');

    for (const logo of ['javascript:alert(1)', 'http://cdn.example.com/logo.png', 'data:image/svg+xml,<svg onload=alert(1)>']) {
      const res = await screen.post('/branding', { ...screen.fields, logo_url: logo });
      assert.deepEqual([noticeOf(res).ok, /branding\.logoUrl/.test(noticeOf(res).text)], [false, true], `${logo}: ${noticeOf(res).text}`);
      assert.doesNotMatch(res.body, /src="(?:javascript|data|http):/);
      assert.doesNotMatch(res.body, /<svg/);
    }
    const long = await screen.post('/branding', { ...screen.fields, display_name: 'n'.repeat(5000) });
    assert.match(noticeOf(long).text, /branding\.displayName/);
    const empty = await screen.post('/branding', { ...screen.fields, display_name: '   ' });
    assert.match(noticeOf(empty).text, /branding\.displayName/);
    assert.match(noticeOf(await screen.post('/branding', { ...screen.fields, logo_url: `https://cdn.example.com/${'l'.repeat(100_000)}.png` })).text, /branding\.logoUrl/);
    assert.equal((await screen.post('/branding', { ...screen.fields, display_name: 'n'.repeat(3 * 1024 * 1024) })).status, 413, 'a body over the function\'s limit: refused, not a 500');
    assert.match(noticeOf(await screen.post('/branding', { ...screen.fields, version: 'v1; drop' })).text, /out of date/);
    const noVersion = { ...screen.fields };
    delete noVersion.version;
    assert.match(noticeOf(await screen.post('/branding', noVersion)).text, /out of date/);
    const twice = await browser.send('POST', `/t/${api.tenant.slug}/console/branding`, `csrf=x&display_name=a&display_name=b`, { 'content-type': 'application/x-www-form-urlencoded' });
    assert.ok(twice.status >= 400 && twice.status < 500, `a field sent twice: ${twice.status}`);
    const json = await browser.postJson(`/t/${api.tenant.slug}/console/branding`, { display_name: 'x' });
    assert.ok(json.status >= 400 && json.status < 500, `JSON instead of a form: ${json.status}`);

    assert.deepEqual(await settingsOf(api), before, 'nothing changed');
    assert.equal((await settingsChanges(api.tenant.slug)).length, changes, 'and nothing was audited as changed');

    // A tag in the name is text on every page, the console's and the login's.
    const tag = await screen.post('/branding', { ...screen.fields, display_name: '<img src=x onerror=alert(1)>' });
    assert.equal(noticeOf(tag).ok, true);
    assert.doesNotMatch(tag.body, /<img src=x/);
    const login = await eventually('the renamed login page', async () => {
      const res = await webClient(sharedRuntime.url).get(`/t/${api.tenant.slug}/login`);
      return res.body.includes('&lt;img src=x onerror=alert(1)&gt;') ? res : undefined;
    });
    assert.doesNotMatch(login.body, /<img src=x/);
  });

  test('the API a screen saves through: null removes an optional setting (JSON Merge Patch), never a required one', async () => {
    const api = await adminApi();
    assert.equal((await api.call('PATCH', '/settings', { branding: { logoUrl: 'https://cdn.example.com/a.png' }, privacy: { controller: 'Acme', email: 'dpo@acme.example' } })).status, 200);
    const removed = await api.call('PATCH', '/settings', { branding: { logoUrl: null }, privacy: { email: null } });
    assert.equal(removed.status, 200, removed.body);
    assert.deepEqual([removed.json<TenantSettings>().branding.logoUrl, removed.json<TenantSettings>().privacy], [undefined, { controller: 'Acme' }]);
    for (const bad of [{ branding: { displayName: null } }, { branding: { primaryColor: null } }, { lockout: { maxFailures: null } }, { selfRegistration: null }]) {
      assert.equal((await api.call('PATCH', '/settings', bad)).status, 400, JSON.stringify(bad));
    }
  });

  test('a form left open while someone else saved is refused (its version), showing the settings as they are now', async () => {
    const api = await adminApi();
    const { browser } = await intoConsole(api);
    const screen = await screenOf(browser, api, '/branding');
    assert.equal(screen.fields.version, await settingsVersionOf(api));
    assert.equal((await api.call('PATCH', '/settings', { branding: { displayName: 'Changed by the API' } })).status, 200);
    const stale = await screen.post('/branding', { ...screen.fields, primary_color: '#862e9c' });
    assert.deepEqual([noticeOf(stale).ok, /Someone else changed/.test(noticeOf(stale).text)], [false, true]);
    assert.match(stale.body, /value="Changed by the API"/);
    assert.deepEqual((await settingsOf(api)).branding, { displayName: 'Changed by the API', primaryColor: '#3b5bdb' });
  });

  test('policies: password, lockout and session limits in minutes, hours and days, saved as seconds (audited); the API\'s reason when idle exceeds absolute', async () => {
    const api = await adminApi();
    const { browser } = await intoConsole(api);
    const screen = await screenOf(browser, api, '/policies');
    assert.match(screen.page.body, /<h1>Policies<\/h1>/);
    assert.deepEqual(
      [screen.fields.min_length, screen.fields.reject_breached, screen.fields.require_digit, screen.fields.lock_duration, screen.fields.lock_duration_unit, screen.fields.idle, screen.fields.idle_unit, screen.fields.absolute, screen.fields.absolute_unit],
      ['12', 'on', undefined, '15', 'minutes', '2', 'hours', '1', 'days'],
      'durations in the largest whole unit, not seconds',
    );
    assert.match(screen.page.body, /aria-describedby="field-idle-help"/, 'each field has its help text');

    const saved = await screen.post('/policies', { ...screen.fields, min_length: '14', require_digit: 'on', require_symbol: 'on', history_count: '5', max_failures: '10', lock_duration: '1', lock_duration_unit: 'hours', idle: '30', idle_unit: 'minutes', absolute: '7', absolute_unit: 'days' });
    assert.equal(noticeOf(saved).ok, true, noticeOf(saved).text);
    const after = await settingsOf(api);
    assert.deepEqual(after.passwordPolicy, { minLength: 14, maxLength: 128, requireLowercase: false, requireUppercase: false, requireDigit: true, requireSymbol: true, rejectBreached: true, historyCount: 5 });
    assert.deepEqual(after.lockout, { maxFailures: 10, lockSeconds: 3600 });
    assert.deepEqual(after.sessions, { idleSeconds: 1800, absoluteSeconds: 7 * 86_400 });
    assert.deepEqual(Object.keys((await settingsChanges(api.tenant.slug)).at(-1)!.details.after as object).sort(), ['lockout', 'passwordPolicy', 'sessions']);
    const shown = formFieldsOf(saved.body, '/policies');
    assert.deepEqual([shown.absolute, shown.absolute_unit, shown.lock_duration, shown.lock_duration_unit], ['7', 'days', '1', 'hours']);

    const fields = shown;
    const idle = await screen.post('/policies', { ...fields, idle: '2', idle_unit: 'days', absolute: '1', absolute_unit: 'days' });
    assert.deepEqual(noticeOf(idle), { ok: false, text: 'sessions.idleSeconds cannot exceed sessions.absoluteSeconds' });
    assert.deepEqual([formFieldsOf(idle.body, '/policies').idle, formFieldsOf(idle.body, '/policies').idle_unit], ['2', 'days'], 'what was typed stays in the form');
    for (const [field, value, reason] of [['min_length', '4', /passwordPolicy\.minLength/], ['min_length', 'twelve', /Minimum length must be a whole number/], ['max_failures', '-1', /whole number/], ['idle_unit', 'weeks', /unit of idle timeout/], ['lock_duration', '99999999', /lockout\.lockSeconds/], ['history_count', '1e3', /whole number/]] as const) {
      const res = await screen.post('/policies', { ...fields, [field]: value });
      assert.deepEqual([noticeOf(res).ok, reason.test(noticeOf(res).text)], [false, true], `${field}=${value}: ${noticeOf(res).text}`);
    }
    assert.deepEqual(await settingsOf(api), after, 'nothing changed');
  });

  test('consent purposes: created, changed (a new version, at the version the form showed) and removed through the API\'s operations, audited; refused input explained', async () => {
    const api = await adminApi();
    const { browser } = await intoConsole(api);
    const screen = await screenOf(browser, api, '/consent');
    assert.match(screen.page.body, /<h1>Consent purposes<\/h1>/);
    assert.match(screen.page.body, /No purposes yet/);

    const created = await screen.post('/consent', { intent: 'create', name: 'Newsletter', description: 'News about our products, monthly.', claims: 'email, given_name', legal_basis: 'consent' });
    assert.deepEqual(noticeOf(created), { ok: true, text: 'The purpose “Newsletter” was created.' });
    const [purpose] = (await api.call('GET', '/consent-purposes')).json<{ items: Array<{ id: string; name: string; claims: string[]; legalBasis: string; mandatory: boolean; version: number }> }>().items;
    assert.deepEqual([purpose!.name, purpose!.claims, purpose!.legalBasis, purpose!.mandatory, purpose!.version], ['Newsletter', ['email', 'given_name'], 'consent', false, 1]);
    assert.match(created.body, /<td><strong>Newsletter<\/strong>/);

    const edit = await browser.get(`/t/${api.tenant.slug}/console/consent?edit=${purpose!.id}`);
    assert.match(edit.body, /<h2 id="edit-heading">Change “Newsletter”<\/h2>/);
    const fields = formFieldsOf(edit.body, '/consent');
    assert.deepEqual([fields.intent, fields.id, fields.version, fields.name, fields.claims], ['update', purpose!.id, '1', 'Newsletter', 'email, given_name']);
    const changed = await screen.post('/consent', { ...fields, description: 'News about our products, weekly.', mandatory: 'on', legal_basis: 'contract' });
    assert.equal(noticeOf(changed).ok, true, noticeOf(changed).text);
    const now = (await api.call('GET', `/consent-purposes/${purpose!.id}`)).json<{ description: string; mandatory: boolean; legalBasis: string; version: number }>();
    assert.deepEqual(now, { ...now, description: 'News about our products, weekly.', mandatory: true, legalBasis: 'contract', version: 2 });

    const stale = await screen.post('/consent', { ...fields, description: 'From a form left open.' });
    assert.deepEqual([noticeOf(stale).ok, /Someone else changed/.test(noticeOf(stale).text)], [false, true]);
    assert.equal((await api.call('GET', `/consent-purposes/${purpose!.id}`)).json<{ version: number }>().version, 2);

    for (const [input, reason] of [[{ claims: 'e-mail; DROP' }, /claims/], [{ name: '' }, /name/], [{ legal_basis: 'because' }, /legalBasis/], [{ description: 'd'.repeat(5000) }, /description/]] as const) {
      const res = await screen.post('/consent', { intent: 'create', name: 'Analytics', description: 'How the product is used.', legal_basis: 'consent', ...input });
      assert.deepEqual([noticeOf(res).ok, reason.test(noticeOf(res).text)], [false, true], `${JSON.stringify(input)}: ${noticeOf(res).text}`);
      assert.match(res.body, /<h2 id="new-heading">New purpose<\/h2>/, 'the form comes back with what was typed');
    }
    assert.match(noticeOf(await screen.post('/consent', { intent: 'explode' })).text, /Choose what to do/);
    assert.match(noticeOf(await screen.post('/consent', { intent: 'remove', id: purpose!.id, version: 'two' })).text, /out of date/);

    const removed = await screen.post('/consent', { intent: 'remove', id: purpose!.id, version: '2' });
    assert.deepEqual(noticeOf(removed), { ok: true, text: 'The purpose “Newsletter” was removed.' });
    assert.equal((await api.call('GET', `/consent-purposes/${purpose!.id}`)).status, 404);
    assert.deepEqual((await auditEventsOf(api.tenant.slug)).filter((e) => e.type.startsWith('consent.purpose_')).map((e) => [e.type, e.actor.kind]), [['consent.purpose_created', 'user'], ['consent.purpose_updated', 'user'], ['consent.purpose_deleted', 'user']]);
    assert.match(noticeOf(await browser.get(`/t/${api.tenant.slug}/console/consent?edit=${purpose!.id}`)).text, /No such consent purpose/);
    assert.match(noticeOf(await browser.get(`/t/${api.tenant.slug}/console/consent?edit=${'%3Cscript%3E'.repeat(30)}`)).text, /No such consent purpose/);
  });

  test('settings: self-registration, security questions, allowed origins and privacy saved (audited) and in effect; a bad origin is refused with the API\'s reason', async () => {
    const api = await adminApi();
    const { browser } = await intoConsole(api);
    const screen = await screenOf(browser, api, '/settings');
    assert.match(screen.page.body, /<h1>Settings<\/h1>/);
    const saved = await screen.post('/settings', {
      ...screen.fields, self_registration: 'on', questions_enabled: 'on', answers_required: '3', allowed_origins: 'https://app.example.com\r\n\r\n  http://localhost:5173  \r\n',
      privacy_controller: 'Acme Ltd', privacy_email: 'privacy@acme.example', privacy_policy_url: 'https://acme.example/privacy', privacy_jurisdiction: 'EU',
    });
    assert.equal(noticeOf(saved).ok, true, noticeOf(saved).text);
    const after = await settingsOf(api);
    assert.deepEqual([after.selfRegistration, after.securityQuestions, after.allowedOrigins, after.privacy], [true, { enabled: true, answersRequired: 3 }, ['https://app.example.com', 'http://localhost:5173'], { controller: 'Acme Ltd', email: 'privacy@acme.example', jurisdiction: 'EU', policyUrl: 'https://acme.example/privacy' }]);
    assert.deepEqual(Object.keys((await settingsChanges(api.tenant.slug)).at(-1)!.details.after as object).sort(), ['allowedOrigins', 'privacy', 'securityQuestions', 'selfRegistration']);
    await eventually('registration offered on the login page', async () => ((await webClient(sharedRuntime.url).get(`/t/${api.tenant.slug}/login`)).body.includes('id="register"') ? true : undefined));

    const fields = formFieldsOf(saved.body, '/settings');
    assert.equal(fields.allowed_origins, 'https://app.example.com\nhttp://localhost:5173');
    const cleared = await screen.post('/settings', { ...fields, privacy_email: '', allowed_origins: '', questions: 'What was the name of your first school?\nWhat is your favourite dish?\nIn which town did you grow up?' });
    assert.equal(noticeOf(cleared).ok, true, noticeOf(cleared).text);
    const now = await settingsOf(api);
    assert.deepEqual([now.privacy?.email, now.allowedOrigins, now.securityQuestions?.questions?.length], [undefined, [], 3]);

    const current = formFieldsOf(cleared.body, '/settings');
    for (const [input, reason] of [[{ allowed_origins: 'https://app.example.com/path' }, /allowedOrigins/], [{ allowed_origins: 'javascript:alert(1)' }, /allowedOrigins/], [{ privacy_email: 'not an email' }, /privacy\.email/], [{ answers_required: '9' }, /answersRequired/], [{ questions: 'Too short?\nAlso short\nShort' }, /securityQuestions\.questions/], [{ allowed_origins: Array.from({ length: 60 }, (_, i) => `https://a${i}.example.com`).join('\n') }, /allowedOrigins/]] as const) {
      const res = await screen.post('/settings', { ...current, ...input });
      assert.deepEqual([noticeOf(res).ok, reason.test(noticeOf(res).text)], [false, true], `${JSON.stringify(input).slice(0, 80)}: ${noticeOf(res).text}`);
    }
    assert.deepEqual(await settingsOf(api), now, 'nothing changed');
  });

  test('every form needs its CSRF token; tenant A\'s console cookie is nothing at tenant B\'s screens; tenant B\'s purpose is not found in tenant A\'s console', async () => {
    const a = await adminApi();
    const b = await adminApi();
    const { browser } = await intoConsole(a);
    const before = await settingsOf(a);
    for (const path of ['/branding', '/policies', '/consent', '/settings']) {
      const screen = await screenOf(browser, a, path);
      const body: Record<string, string> = path === '/consent' ? { intent: 'create', name: 'X', description: 'Y', legal_basis: 'consent' } : { ...screen.fields, display_name: 'Forged', self_registration: 'on' };
      assert.equal((await browser.postForm(`/t/${a.tenant.slug}/console${path}`, body)).status, 403, `${path} without a CSRF token`);
      assert.equal((await browser.postForm(`/t/${a.tenant.slug}/console${path}`, { ...body, csrf: 'forged' })).status, 403, `${path} with a forged CSRF token`);
    }
    assert.deepEqual(await settingsOf(a), before);
    assert.deepEqual((await a.call('GET', '/consent-purposes')).json<{ items: unknown[] }>().items, []);

    const cookie = browser.jar.get('console_session')!.value;
    const stranger = webClient(sharedRuntime.url);
    for (const path of ['/branding', '/policies', '/consent', '/settings']) {
      const res = await stranger.get(`/t/${b.tenant.slug}/console${path}`, { cookie: `console_session=${cookie}` });
      assert.deepEqual([res.status, res.headers.location], [303, `/t/${b.tenant.slug}/console/login`], `tenant A's cookie at tenant B's ${path}`);
      const post = await stranger.postForm(`/t/${b.tenant.slug}/console${path}`, { csrf: 'x' }, { cookie: `console_session=${cookie}` });
      assert.equal(post.status, 303, `a POST to tenant B's ${path}`);
    }

    const theirs = (await b.call('POST', '/consent-purposes', { name: 'B only', description: 'Tenant B\'s purpose.' })).json<{ id: string }>().id;
    assert.match(noticeOf(await browser.get(`/t/${a.tenant.slug}/console/consent?edit=${theirs}`)).text, /No such consent purpose/);
    const screen = await screenOf(browser, a, '/consent');
    for (const intent of ['update', 'remove']) {
      const res = await screen.post('/consent', { intent, id: theirs, version: '1', name: 'Taken over', description: 'By tenant A.', legal_basis: 'consent' });
      assert.match(noticeOf(res).text, /No such consent purpose/, intent);
    }
    const unchanged = (await b.call('GET', `/consent-purposes/${theirs}`)).json<{ name: string; version: number }>();
    assert.deepEqual([unchanged.name, unchanged.version], ['B only', 1], 'tenant B\'s purpose is untouched');
  });
});
