import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { adminApi, type AdminApi } from '../../support/admin-api.ts';
import { auditEventsOf } from '../../support/audit.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { directoryItems } from '../../support/directory.ts';
import { linkMailedTo, requestReset } from '../../support/password-reset.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { eventually } from '../../support/wait.ts';
import { csrfTokenOf, webClient } from '../../support/web-client.ts';
import { accountCall, signedInBrowser } from '../../support/account-api.ts';

before(useSharedRuntimeEnvironment);

const path = (a: AdminApi) => `/t/${a.tenant.slug}/account/api/security-questions`;
const school = 'What was the name of your first school?';
const street = 'What is the name of the street you grew up on?';

/** The reset link's form, and a submission of it with these answers and password. */
async function resetWith(link: string, answers: readonly string[], password: string) {
  const browser = webClient(sharedRuntime.url);
  const url = new URL(link);
  const form = await browser.get(`${url.pathname}${url.search}`);
  if (form.status !== 200) return { form, answer: form };
  const fields: Record<string, string> = { csrf: csrfTokenOf(form.body), token: url.searchParams.get('token')!, password };
  answers.forEach((answer, i) => (fields[`answer_${i}`] = answer));
  return { form, answer: await browser.postForm(url.pathname, fields) };
}

describe('security questions (off by default; an extra check on reset links)', () => {
  test('off: the account API says so and a reset link asks nothing', async () => {
    const a = await adminApi();
    const browser = await signedInBrowser(a);
    const off = await accountCall(browser, 'GET', path(a));
    assert.equal(off.status, 404);
    assert.equal(off.json<{ code: string }>().code, 'not_enabled');
    await requestReset(a.tenant.slug, a.tenant.adminEmail);
    const { form } = await resetWith(await linkMailedTo(a.tenant.adminEmail, /reset/i), [], 'x');
    assert.doesNotMatch(form.body, /security-questions/);
  });

  test('on: a user chooses answers (only hashes stored); a reset link then needs them, and three wrong tries spend it', async () => {
    const a = await adminApi();
    const enabled = await a.call('PATCH', '/settings', { securityQuestions: { enabled: true, answersRequired: 2 } });
    assert.equal(enabled.status, 200, enabled.body);
    const browser = await signedInBrowser(a);
    const offered = await eventually('the setting in effect', async () => {
      const res = await accountCall(browser, 'GET', path(a));
      return res.status === 200 ? res.json<{ questions: string[]; answersRequired: number; chosen: string[]; note: string }>() : undefined;
    });
    assert.equal(offered.answersRequired, 2);
    assert.ok(offered.questions.includes(school) && offered.questions.includes(street));
    assert.match(offered.note, /weaker than a second factor/);

    for (const [name, answers] of [
      ['one answer', [{ question: school, answer: 'Hillside Primary' }]],
      ['the same question twice', [{ question: school, answer: 'Hillside Primary' }, { question: school, answer: 'Other Primary' }]],
      ['a question not offered', [{ question: school, answer: 'Hillside Primary' }, { question: 'What is your password?', answer: 'hunter2 hunter2' }]],
      ['the same answer twice', [{ question: school, answer: 'Oak Road' }, { question: street, answer: 'oak road!' }]],
      ['too short', [{ question: school, answer: 'a' }, { question: street, answer: 'Oak Road' }]],
      ['not a list', 'Hillside'],
    ] as const) {
      const res = await accountCall(browser, 'PUT', path(a), { answers });
      assert.equal(res.status, 400, `${name}: ${res.body}`);
    }
    const chosen = await accountCall(browser, 'PUT', path(a), { answers: [{ question: school, answer: 'Hillside Primary' }, { question: street, answer: "St. John's Road" }] });
    assert.equal(chosen.status, 200, chosen.body);
    assert.deepEqual((await accountCall(browser, 'GET', path(a))).json<{ chosen: string[] }>().chosen, [school, street]);
    const stored = JSON.stringify(await directoryItems(a.tenant.slug));
    assert.ok(!/hillside|john/i.test(stored), 'no answer is stored readable');
    assert.match(stored, /security_questions/);

    await requestReset(a.tenant.slug, a.tenant.adminEmail);
    const link = await linkMailedTo(a.tenant.adminEmail, /reset/i);
    const newPassword = 'a fresh passphrase for the winter';
    const first = await resetWith(link, ['Hillside Primary', 'Elm Street'], newPassword);
    assert.match(first.form.body, /Answer your security questions/);
    assert.ok(first.form.body.includes("What was the name of your first school?") && first.form.body.includes(street));
    assert.equal(first.answer.status, 400);
    assert.match(first.answer.body, /The answers do not match/);
    assert.equal((await resetWith(link, ['', ''], newPassword)).answer.status, 400);
    const third = await resetWith(link, ['wrong', 'wrong too'], newPassword);
    assert.match(third.answer.body, /This link cannot be used/, 'the third wrong try spends the link');
    assert.match((await resetWith(link, ['Hillside Primary', "St. John's Road"], newPassword)).answer.body, /This link cannot be used/, 'even with the right answers');

    await requestReset(a.tenant.slug, a.tenant.adminEmail);
    const next = await eventually('a second link', async () => {
      const l = await linkMailedTo(a.tenant.adminEmail, /reset/i);
      return l !== link ? l : undefined;
    });
    // Compared without case, punctuation or spacing.
    const done = await resetWith(next, ['  hillside PRIMARY ', 'st johns road'], newPassword);
    assert.equal(done.answer.status, 200, done.answer.body);
    assert.match(done.answer.body, /Your password is set/);

    const failures = (await auditEventsOf(a.tenant.slug)).filter((e) => e.type === 'password.reset' && e.outcome === 'failure');
    assert.equal(failures.length, 3);
    assert.ok(failures.every((e) => e.details.reason === 'wrong_security_answers'));
    assert.ok(!JSON.stringify(failures).includes('Elm Street'), 'answers are not logged');

    // Removing them needs a recent sign-in (the new password is one); then resets ask nothing again.
    const again = await signedInBrowser({ ...a, tenant: { ...a.tenant, adminPassword: newPassword } });
    assert.equal((await accountCall(again, 'DELETE', path(a))).status, 204);
    assert.equal((await accountCall(again, 'DELETE', path(a))).status, 404);
  });

  test('another tenant that has them off: the same user id and session mean nothing there', async () => {
    const a = await adminApi();
    const b = await adminApi();
    await a.call('PATCH', '/settings', { securityQuestions: { enabled: true, answersRequired: 1, questions: ['Which city were you born in?', 'What was your first pet called?', 'What is your favourite book?'] } });
    const browser = await signedInBrowser(a);
    await eventually('the setting in effect', async () => ((await accountCall(browser, 'GET', path(a))).status === 200 ? true : undefined));
    assert.equal((await accountCall(browser, 'PUT', path(a), { answers: [{ question: 'Which city were you born in?', answer: 'Lisbon' }] })).status, 200);
    const cookie = `idp_session=${browser.jar.get('idp_session')!.value}`;
    const there = await webClient(sharedRuntime.url).send('GET', path(b), undefined, { cookie, accept: 'application/json' });
    assert.equal(there.status, 401);
    const invalid = await a.call('PATCH', '/settings', { securityQuestions: { answersRequired: 4 } });
    assert.equal(invalid.status, 400, 'more answers than questions');
  });
});
