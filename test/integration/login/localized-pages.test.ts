import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { generate } from 'otplib';
import { adminApi, type AdminApi } from '../../support/admin-api.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { mailTo } from '../../support/mailbox.ts';
import { callbackUri, registerClient } from '../../support/oidc-flows.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { confirmationTokenOf, signupBody } from '../../support/signup.ts';
import { eventually } from '../../support/wait.ts';
import { csrfTokenOf, webClient, type WebClient, type WebResponse } from '../../support/web-client.ts';

before(useSharedRuntimeEnvironment);

/**
 * The hosted pages and the signup console in the person's language (issue 12): the
 * application's ui_locales first, then the browser's Accept-Language, else English; the same
 * choice on every page of one sign-in, and in the mails it sends.
 */

const mfaForAdministrators = {
  steps: [{ options: ['password'] }, { options: ['totp', 'email_otp', 'recovery_code'], optional: true }],
  rules: [{ description: 'administrators use a second factor', when: { memberOf: 'administrators' }, then: { requireStep: 2 } }],
};

const french = { 'accept-language': 'fr-FR,fr;q=0.9' };

/** A browser whose every request carries the given headers (its language). */
function browserWith(headers: Record<string, string> = {}) {
  const client = webClient(sharedRuntime.url);
  return {
    client,
    get: (path: string) => client.get(path, headers),
    post: (path: string, fields: Record<string, string>) => client.postForm(path, fields, headers),
  };
}
type Browser = ReturnType<typeof browserWith>;

/** Follows this site's redirects up to a page (or to the application's redirect, which is answered as it is). */
async function follow(browser: Browser, first: WebResponse): Promise<WebResponse> {
  let res = first;
  for (let hops = 0; hops < 8 && (res.status === 302 || res.status === 303); hops++) {
    const location = new URL(String(res.headers.location), sharedRuntime.url);
    if (location.origin !== new URL(sharedRuntime.url).origin) return res;
    res = await browser.get(`${location.pathname}${location.search}`);
  }
  return res;
}

const heading = (res: WebResponse) => /<h1>([^<]*)<\/h1>/.exec(res.body)?.[1];
const lang = (res: WebResponse) => /<html lang="([^"]+)">/.exec(res.body)?.[1];
const txOf = (res: WebResponse) => /name="tx" value="([^"]+)"/.exec(res.body)![1]!;
const hrefOf = (res: WebResponse, id: string) => new RegExp(`<a href="([^"]+)" id="${id}">`).exec(res.body)![1]!.replace(/&amp;/g, '&');

const authorizePath = (a: AdminApi, clientId: string, extra: Record<string, string> = {}) =>
  `/t/${a.tenant.slug}/oauth2/authorize?${new URLSearchParams({ client_id: clientId, redirect_uri: callbackUri, response_type: 'code', scope: 'openid email', state: 'st', ...extra })}`;

/** The login page of an authorization request. */
async function loginPageOf(browser: Browser, a: AdminApi, clientId: string, extra: Record<string, string> = {}) {
  const page = await follow(browser, await browser.get(authorizePath(a, clientId, extra)));
  assert.equal(page.status, 200, page.body);
  return page;
}

/** The login form posted as its page carries it (the sign-in's transaction, or the account page to go back to). */
function passwordStep(browser: Browser, a: AdminApi, page: WebResponse, who: { email: string; password: string }) {
  const returnTo = /name="return_to" value="([^"]+)"/.exec(page.body)?.[1];
  return browser.post(`/t/${a.tenant.slug}/login`, { csrf: csrfTokenOf(page.body), identifier: who.email, password: who.password, ...(/name="tx"/.test(page.body) ? { tx: txOf(page) } : {}), ...(returnTo ? { return_to: returnTo } : {}) });
}

const mailNamed = (address: string, subject: RegExp) =>
  eventually(`a mail to ${address}`, async () => (await mailTo(address)).filter((m) => subject.test(m.subject)).at(-1));

const linkIn = (text: string, path: string) => new RegExp(`https?://\\S+${path}\\?token=[A-Za-z0-9_-]{43}\\S*`).exec(text)![0];

const nextCode = (secret: string) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });

describe('hosted pages in the person\'s language', () => {
  let a: AdminApi;
  let partner: { client_id: string };
  let secret: string;
  let recoveryCodes: string[] = [];
  const admin = () => ({ email: a.tenant.adminEmail, password: a.tenant.adminPassword });

  before(async () => {
    a = await adminApi();
    // Settings first: the login pages cache the tenant for a while once read.
    assert.equal((await a.call('PATCH', '/settings', { selfRegistration: true })).status, 200);
    assert.equal((await a.call('PUT', '/flows/default', mfaForAdministrators)).status, 200);
    partner = await registerClient(a.tenant, { first_party: false, client_name: 'Partner App' });
  });

  test('ui_locales=fr: the enrolment of two-step verification, the recovery codes and the consent page speak French', async () => {
    const browser = browserWith();
    const login = await loginPageOf(browser, a, partner.client_id, { ui_locales: 'fr' });
    assert.equal(heading(login), 'Connexion');
    const enrol = await follow(browser, await passwordStep(browser, a, login, admin()));
    assert.equal(lang(enrol), 'fr');
    assert.equal(heading(enrol), 'Configurer la validation en deux étapes');
    assert.match(enrol.body, /Impossible de le scanner.*<code id="manual-key">/);
    assert.match(enrol.body, /alt="QR code pour votre application d’authentification"/);
    secret = /<code id="manual-key">([A-Z2-7 ]+)<\/code>/.exec(enrol.body)![1]!.replace(/ /g, '');

    const wrong = await browser.post(`/t/${a.tenant.slug}/login/step/enrol`, { csrf: csrfTokenOf(enrol.body), code: '000000' });
    assert.equal(wrong.status, 401);
    assert.match(wrong.body, /Ce code est incorrect\. Vérifiez l’heure de votre téléphone/);
    const codes = await browser.post(`/t/${a.tenant.slug}/login/step/enrol`, { csrf: csrfTokenOf(wrong.body), code: await generate({ secret }) });
    assert.equal(heading(codes), 'Enregistrez vos codes de récupération');
    assert.equal(lang(codes), 'fr');
    assert.match(codes.body, /Je les ai enregistrés, continuer/);
    recoveryCodes = [...codes.body.matchAll(/<li><code>([0-9A-Z-]{14})<\/code><\/li>/g)].map((m) => m[1]!);

    const consent = await follow(browser, await browser.post(`/t/${a.tenant.slug}/login/step/continue`, { csrf: csrfTokenOf(codes.body) }));
    assert.equal(consent.status, 200, consent.body);
    assert.equal(lang(consent), 'fr');
    assert.match(heading(consent) ?? '', /^Autoriser Partner App à accéder à votre compte .+\u00a0\?$/);
    assert.match(consent.body, /<li>Confirmer votre identité<\/li>/);
    assert.match(consent.body, /<li>Votre adresse e-mail<\/li>/);
    assert.match(consent.body, /value="allow">Autoriser<\/button>/);
    const allowed = await browser.post(`/t/${a.tenant.slug}/oauth2/consent`, { csrf: csrfTokenOf(consent.body), tx: txOf(consent), decision: 'allow' });
    assert.ok(new URL(String(allowed.headers.location)).searchParams.get('code'), 'the application gets its code');
  });

  test('ui_locales=fr: the code step, its wrong-code message, the other ways and the mailed code are French', async () => {
    assert.ok(secret, 'the enrolment test ran first');
    const browser = browserWith();
    const login = await loginPageOf(browser, a, partner.client_id, { ui_locales: 'fr' });
    const step = await follow(browser, await passwordStep(browser, a, login, admin()));
    assert.equal(lang(step), 'fr');
    assert.equal(heading(step), 'Saisissez le code de votre application d’authentification');
    assert.match(step.body, /Autres moyens\u00a0: .*Recevoir un code par e-mail.*Utiliser un code de récupération/);
    const wrong = await browser.post(`/t/${a.tenant.slug}/login/step`, { csrf: csrfTokenOf(step.body), method: 'totp', code: '000000' });
    assert.equal(wrong.status, 401);
    assert.match(wrong.body, /Ce code est incorrect\. Réessayez\./);

    const byMail = await browser.get(`/t/${a.tenant.slug}/login/step?method=email_otp`);
    assert.equal(heading(byMail), 'Consultez votre messagerie');
    const mail = await mailNamed(a.tenant.adminEmail, /^Votre code de connexion/);
    assert.match(mail.body.text ?? '', /Il est valable 10 minutes\./);

    const passed = await follow(browser, await browser.post(`/t/${a.tenant.slug}/login/step`, { csrf: csrfTokenOf(byMail.body), method: 'totp', code: await nextCode(secret) }));
    assert.ok([200, 302, 303].includes(passed.status), passed.body);
    assert.doesNotMatch(passed.body, /Saisissez le code/, 'the step is passed');
  });

  test('Accept-Language fr: the step pages of a sign-in without an application are French; English stays the default', async () => {
    assert.ok(secret, 'the enrolment test ran first');
    const browser = browserWith(french);
    const login = await browser.get(`/t/${a.tenant.slug}/login`);
    assert.equal(lang(login), 'fr');
    const step = await follow(browser, await passwordStep(browser, a, login, admin()));
    assert.equal(lang(step), 'fr');
    assert.equal(heading(step), 'Saisissez le code de votre application d’authentification');
    const recovery = await browser.get(`/t/${a.tenant.slug}/login/step?method=recovery_code`);
    assert.equal(heading(recovery), 'Utilisez un code de récupération');
    const signedIn = await browser.post(`/t/${a.tenant.slug}/login/step`, { csrf: csrfTokenOf(recovery.body), method: 'recovery_code', code: recoveryCodes[0]! });
    assert.equal(heading(signedIn), 'Vous êtes connecté');
    const portal = await browser.get(`/t/${a.tenant.slug}/account`);
    assert.equal(heading(portal), 'Votre compte');
    assert.match(portal.body, /Codes de récupération <span class="muted">9 restants<\/span>/, 'the count in French');

    const english = browserWith();
    const plain = await english.get(`/t/${a.tenant.slug}/login`);
    assert.equal(lang(plain), 'en');
    const englishStep = await follow(english, await passwordStep(english, a, plain, admin()));
    assert.equal(lang(englishStep), 'en');
    assert.equal(heading(englishStep), 'Enter the code from your authenticator app');
    assert.match(englishStep.body, /Other ways: /);
  });

  test('ui_locales=fr: a password reset started from the sign-in page is French, its mail and link too; without it, English', async () => {
    const email = `reset-${Date.now()}@example.com`;
    assert.equal((await a.call('POST', '/users', { emails: [{ value: email }], password: 'an old but decent passphrase 7' })).status, 201);
    const browser = browserWith();
    const login = await loginPageOf(browser, a, partner.client_id, { ui_locales: 'fr' });
    const forgot = await browser.get(hrefOf(login, 'forgot-password'));
    assert.equal(lang(forgot), 'fr');
    assert.equal(heading(forgot), 'Réinitialisez votre mot de passe');
    const sent = await browser.post(`/t/${a.tenant.slug}/login/forgot`, { csrf: csrfTokenOf(forgot.body), tx: txOf(forgot), email });
    assert.equal(heading(sent), 'Consultez votre messagerie');
    assert.match(sent.body, new RegExp(`href="/t/${a.tenant.slug}/login\\?tx=${txOf(forgot)}">Retour à la connexion`), 'back to the same sign-in');
    const mail = await mailNamed(email, /^Réinitialisez votre mot de passe/);
    const link = new URL(linkIn(mail.body.text ?? '', '/login/reset'));
    assert.equal(link.searchParams.get('ui_locales'), 'fr', 'the link opens in the mail\'s language');

    const other = browserWith();
    const choose = await other.get(`${link.pathname}${link.search}`);
    assert.equal(lang(choose), 'fr');
    assert.equal(heading(choose), 'Choisissez un nouveau mot de passe');
    const weak = await other.post(link.pathname, { csrf: csrfTokenOf(choose.body), token: link.searchParams.get('token')!, ui_locales: 'fr', password: 'short' });
    assert.equal(weak.status, 400);
    assert.match(weak.body, /Utilisez au moins \d+ caractères\./);
    const done = await other.post(link.pathname, { csrf: csrfTokenOf(weak.body), token: link.searchParams.get('token')!, ui_locales: 'fr', password: 'a brand new passphrase for 2026' });
    assert.equal(heading(done), 'Votre mot de passe est défini');
    assert.equal(lang(done), 'fr');

    const englishBrowser = browserWith();
    const englishForgot = await englishBrowser.get(`/t/${a.tenant.slug}/login/forgot`);
    assert.equal(heading(englishForgot), 'Reset your password');
    await englishBrowser.post(`/t/${a.tenant.slug}/login/forgot`, { csrf: csrfTokenOf(englishForgot.body), email });
    const englishMail = await mailNamed(email, /^Reset your /);
    assert.doesNotMatch(englishMail.body.text ?? '', /ui_locales/);
  });

  test('an invitation to a user whose profile says French: the mail and the page its link opens are French', async () => {
    const email = `invitee-${Date.now()}@example.com`;
    const user = (await a.call('POST', '/users', { emails: [{ value: email }], locale: 'fr' })).json<{ id: string }>();
    assert.equal((await a.call('POST', `/users/${user.id}/invite`)).status, 202);
    const mail = await mailNamed(email, /^Vous êtes invité à rejoindre /);
    assert.match(mail.body.text ?? '', /le lien fonctionne une seule fois, pendant 7 jours/);
    const link = new URL(linkIn(mail.body.text ?? '', '/login/reset'));
    const page = await browserWith().get(`${link.pathname}${link.search}`);
    assert.equal(lang(page), 'fr');
    assert.equal(heading(page), 'Choisissez votre mot de passe');
  });

  test('self-registration in French (ui_locales, then the link of its mail), with an invalid field said in French', async () => {
    const browser = browserWith();
    const login = await loginPageOf(browser, a, partner.client_id, { ui_locales: 'fr' });
    const form = await browser.get(hrefOf(login, 'register'));
    assert.equal(lang(form), 'fr');
    assert.equal(heading(form), 'Créez votre compte');
    const email = `newcomer-${Date.now()}@example.com`;
    const invalid = await browser.post(`/t/${a.tenant.slug}/login/register`, { csrf: csrfTokenOf(form.body), tx: txOf(form), email: 'not an address', password: 'a fresh and unusual passphrase 11' });
    assert.equal(invalid.status, 400);
    assert.match(invalid.body, /Saisissez une adresse e-mail valide\./);
    const sent = await browser.post(`/t/${a.tenant.slug}/login/register`, { csrf: csrfTokenOf(invalid.body), tx: txOf(invalid), givenName: 'Zoé', email, password: 'a fresh and unusual passphrase 11' });
    assert.equal(heading(sent), 'Consultez votre messagerie');
    const mail = await mailNamed(email, /^Confirmez votre compte/);
    const link = new URL(linkIn(mail.body.text ?? '', '/login/verify'));
    const confirm = await browser.get(`${link.pathname}${link.search}`);
    assert.equal(heading(confirm), 'Confirmez votre adresse e-mail');
    const ready = await browser.post(link.pathname, { csrf: csrfTokenOf(confirm.body), token: link.searchParams.get('token')!, ui_locales: 'fr' });
    assert.equal(heading(ready), 'Votre compte est prêt');
    assert.equal(lang(ready), 'fr');
  });

  test('Accept-Language fr: self-registration and the login function\'s error pages are French', async () => {
    const browser = browserWith(french);
    const form = await browser.get(`/t/${a.tenant.slug}/login/register`);
    assert.equal(heading(form), 'Créez votre compte');
    assert.match(form.body, /<label for="givenName">Prénom/);
    const refused = await browser.client.postForm(`/t/${a.tenant.slug}/login/register`, { email: 'x@example.com' }, { ...french, accept: 'text/html' });
    assert.equal(refused.status, 403);
    assert.equal(lang(refused), 'fr');
    assert.equal(heading(refused), 'Accès refusé');
    assert.match(refused.body, /Ce formulaire a expiré ou ne provient pas de ce site\./);
    assert.match(refused.body, /Référence\u00a0: <code>/);
    const english = await webClient(sharedRuntime.url).postForm(`/t/${a.tenant.slug}/login/register`, { email: 'x@example.com' }, { accept: 'text/html' });
    assert.equal(heading(english), 'Forbidden');
    assert.match(english.body, /This form has expired or did not come from this site\./);
  });
});

describe('the account portal in the user\'s language', () => {
  test('Accept-Language fr, or the language of the user\'s profile: headings, counts and dates in French', async () => {
    const a = await adminApi();
    const email = `portal-${Date.now()}@example.com`;
    const user = (await a.call('POST', '/users', { emails: [{ value: email }], password: 'a portal passphrase for 2026' })).json<{ id: string }>();
    const signedIn = async (headers: Record<string, string>) => {
      const browser = browserWith(headers);
      const login = await browser.get(`/t/${a.tenant.slug}/login?return_to=${encodeURIComponent(`/t/${a.tenant.slug}/account`)}`);
      return follow(browser, await passwordStep(browser, a, login, { email, password: 'a portal passphrase for 2026' }));
    };
    const portal = await signedIn(french);
    assert.equal(portal.status, 200, portal.body);
    assert.equal(lang(portal), 'fr');
    assert.equal(heading(portal), 'Votre compte');
    assert.match(portal.body, /<h2 id="factors-heading">Méthodes de connexion<\/h2>/);
    assert.match(portal.body, /Uniquement votre mot de passe pour l’instant\./);
    assert.match(portal.body, /Depuis le \d{1,2} [a-zéû]+\.? \d{4} à \d{2}:\d{2} UTC, avec mot de passe/);
    assert.match(portal.body, /data-failed="Cela n’a pas fonctionné\. Réessayez\."/, 'the script\'s own message too');

    assert.equal((await a.call('PATCH', `/users/${user.id}`, { locale: 'fr-CA' })).status, 200);
    const byProfile = await signedIn({});
    assert.equal(heading(byProfile), 'Votre compte', 'the profile\'s language without a French browser');
    const english = await signedIn({ 'accept-language': 'en' });
    assert.equal(heading(english), 'Votre compte', 'the profile\'s language comes first');
  });
});

describe('the signup console in the browser\'s language', () => {
  test('Accept-Language fr: the form, its field problems, "check your email", the confirmation and the ready page are French', async () => {
    const browser: WebClient = webClient(sharedRuntime.url);
    const form = await browser.get('/signup', french);
    assert.equal(lang(form), 'fr');
    assert.equal(heading(form), 'Créez votre locataire');
    assert.match(form.body, /<label for="f-organizationName">Nom de l’organisation/);
    const body = signupBody();
    const invalid = await browser.postForm('/signup', { csrf: csrfTokenOf(form.body), ...body, organizationName: '', adminEmail: 'nope' }, french);
    assert.equal(invalid.status, 400);
    assert.match(invalid.body, /<span id="f-organizationName-error" class="field-error">Obligatoire\.<\/span>/);
    assert.match(invalid.body, /<span id="f-adminEmail-error" class="field-error">Saisissez une adresse e-mail valide\.<\/span>/);
    const sent = await browser.postForm('/signup', { csrf: csrfTokenOf(invalid.body), ...body }, french);
    assert.equal(heading(sent), 'Consultez votre messagerie');
    assert.ok(sent.body.includes(`Nous avons envoyé un lien de confirmation à <strong>${body.adminEmail}</strong>.`));

    const token = confirmationTokenOf((await eventually('the confirmation mail', async () => (await mailTo(body.adminEmail)).at(-1))).body.text ?? '')!;
    const confirm = await browser.get(`/signup/confirm?token=${token}`, { ...french, accept: 'text/html' });
    assert.equal(heading(confirm), 'Confirmez votre adresse e-mail');
    const ready = await browser.postForm('/signup/confirm', { csrf: csrfTokenOf(confirm.body), token }, { ...french, accept: 'text/html' });
    assert.equal(ready.status, 200, ready.body);
    assert.equal(heading(ready), 'Votre locataire est prêt');
    assert.match(ready.body, new RegExp(`Se connecter à ${body.tenant}`));

    const spent = await browser.postForm('/signup/confirm', { csrf: csrfTokenOf(confirm.body), token }, { ...french, accept: 'text/html' });
    assert.equal(heading(spent), 'Requête incorrecte');
    assert.match(spent.body, /Ce lien de confirmation a expiré ou a déjà été utilisé\./);
    assert.equal(heading(await webClient(sharedRuntime.url).get('/signup')), 'Create your tenant', 'English without a French browser');
  });
});
