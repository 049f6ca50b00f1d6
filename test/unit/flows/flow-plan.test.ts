import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultFlow, InvalidFlowDocument, parseFlowDocument } from '../../../shared/domain/flows/flow-document.ts';
import { explainFlow, needsGroups, planFlow, stepsLeft, type SignInContext } from '../../../shared/domain/flows/flow-plan.ts';

const context = (overrides: Partial<SignInContext> = {}): SignInContext => ({
  groups: [], attributes: {}, clientIp: '203.0.113.7', newDevice: false, now: new Date('2026-11-23T12:00:00Z'), failedAttempts: 0, acrValues: [], ...overrides,
});

const mfaForAdmins = parseFlowDocument({
  steps: [{ options: ['password'] }, { options: ['totp', 'recovery_code'], optional: true }],
  rules: [
    { description: 'administrators use MFA', when: { memberOf: 'administrators' }, then: { requireStep: 2 } },
    { description: 'but not from the office', when: { all: [{ memberOf: 'administrators' }, { ipIn: ['10.0.0.0/8', '2001:db8::/32'] }] }, then: { skipStep: 2 } },
    { when: { acrRequested: 'urn:idp:acr:mfa' }, then: { requireStep: 2 } },
    { when: { newDevice: true }, then: { addOption: { step: 2, authenticator: 'email_otp' } } },
    { when: { failedAttemptsAtLeast: 10 }, then: { deny: 'Too many failed attempts; contact your administrator.' } },
  ],
});

describe('flow engine: documents × contexts → steps', () => {
  const table: Array<[string, SignInContext, number[], string | undefined]> = [
    ['a user outside any rule: the password alone', context(), [1], undefined],
    ['an administrator: password and a second factor', context({ groups: ['Administrators'] }), [1, 2], undefined],
    ['an administrator at the office (a later rule wins for its step)', context({ groups: ['administrators'], clientIp: '10.1.2.3' }), [1], undefined],
    ['an administrator at the office over IPv6', context({ groups: ['administrators'], clientIp: '2001:db8::5' }), [1], undefined],
    ['anyone asking for acr mfa', context({ acrValues: ['urn:idp:acr:mfa'] }), [1, 2], undefined],
    ['ten failures deny, whatever else applies', context({ groups: ['administrators'], failedAttempts: 10 }), [1, 2], 'Too many failed attempts; contact your administrator.'],
  ];
  for (const [name, ctx, steps, denied] of table) {
    test(name, () => {
      const plan = planFlow(mfaForAdmins, ctx);
      assert.deepEqual(plan.steps.map((s) => s.number), steps);
      assert.equal(plan.denied, denied);
    });
  }

  test('a new device adds email OTP as an option of step 2', () => {
    const plan = planFlow(mfaForAdmins, context({ groups: ['administrators'], newDevice: true }));
    assert.deepEqual(plan.steps[1]!.options, ['totp', 'recovery_code', 'email_otp']);
  });

  test('time-of-day windows, including one across midnight', () => {
    const night = parseFlowDocument({ steps: [{ options: ['password'] }, { options: ['totp'], optional: true }], rules: [{ when: { timeOfDayUtc: { from: '22:00', to: '06:00' } }, then: { requireStep: 2 } }] });
    assert.equal(planFlow(night, context({ now: new Date('2026-11-23T23:30:00Z') })).steps.length, 2);
    assert.equal(planFlow(night, context({ now: new Date('2026-11-23T05:59:00Z') })).steps.length, 2);
    assert.equal(planFlow(night, context({ now: new Date('2026-11-23T12:00:00Z') })).steps.length, 1);
  });

  test('not, any, attributes and applications combine', () => {
    const flow = parseFlowDocument({
      steps: [{ options: ['password'] }, { options: ['totp'], optional: true }],
      rules: [{ when: { any: [{ attribute: { name: 'risk', equals: 'high' } }, { all: [{ application: ['payroll'] }, { not: { memberOf: 'trusted' } }] }] }, then: { requireStep: 2 } }],
    });
    assert.equal(planFlow(flow, context({ attributes: { risk: 'high' } })).steps.length, 2);
    assert.equal(planFlow(flow, context({ application: 'payroll' })).steps.length, 2);
    assert.equal(planFlow(flow, context({ application: 'payroll', groups: ['trusted'] })).steps.length, 1);
    assert.equal(planFlow(flow, context({ application: 'wiki' })).steps.length, 1);
  });

  test('the default flow asks for a password only until a rule requires more', () => {
    assert.deepEqual(planFlow(defaultFlow, context()).steps.map((s) => s.options), [['password']]);
  });
});

describe('session policy: step-up of an existing session', () => {
  const now = new Date('2026-11-23T12:00:00Z');
  test('a password-only session must step up for an administrator’s MFA step; an MFA session need not', () => {
    const plan = planFlow(mfaForAdmins, context({ groups: ['administrators'], now }));
    assert.deepEqual(stepsLeft(mfaForAdmins, plan, { amr: ['pwd'], authTime: now.getTime() - 60_000 }, now.getTime()).map((s) => s.number), [2]);
    assert.deepEqual(stepsLeft(mfaForAdmins, plan, { amr: ['pwd', 'otp'], authTime: now.getTime() - 60_000 }, now.getTime()), []);
  });

  test('a session older than maxAgeSeconds does everything again; without step-up a session is trusted as it is', () => {
    const strict = parseFlowDocument({ steps: [{ options: ['password'] }, { options: ['totp'] }], session: { maxAgeSeconds: 300 } });
    const plan = planFlow(strict, context({ now }));
    assert.equal(stepsLeft(strict, plan, { amr: ['pwd', 'otp'], authTime: now.getTime() - 301_000 }, now.getTime()).length, 2);
    const lax = parseFlowDocument({ steps: [{ options: ['password'] }, { options: ['totp'] }], session: { stepUp: false } });
    assert.equal(stepsLeft(lax, planFlow(lax, context({ now })), { amr: ['pwd'], authTime: now.getTime() }, now.getTime()).length, 0);
  });

  test('explain names each rule and step, and what a session still needs', () => {
    const explained = explainFlow(mfaForAdmins, context({ groups: ['administrators'], now }), { amr: ['pwd'], authTime: now.getTime() });
    assert.deepEqual(explained.stepsLeft, [2]);
    assert.ok(explained.trace.includes('rule 1 (administrators use MFA): applies → require step 2'));
    assert.ok(explained.trace.includes('rule 2 (but not from the office): does not apply'));
    assert.ok(explained.trace.some((line) => line.startsWith('step 2 (totp or recovery_code): runs')));
  });
});

describe('flow documents are validated, naming the path', () => {
  const invalid: Array<[string, unknown, string]> = [
    ['an unknown authenticator', { steps: [{ options: ['password'] }, { options: ['carrier_pigeon'] }] }, 'steps.1.options.0'],
    ['a rule about a step that does not exist', { steps: [{ options: ['password'] }], rules: [{ when: { newDevice: true }, then: { requireStep: 3 } }] }, 'rules.0.then'],
    ['skipping the first step', { steps: [{ options: ['password'] }], rules: [{ when: { newDevice: true }, then: { skipStep: 1 } }] }, 'rules.0.then.skipStep'],
    ['a first step that identifies nobody', { steps: [{ options: ['totp'] }] }, 'steps.0.options'],
    ['an unknown condition', { steps: [{ options: ['password'] }], rules: [{ when: { moonPhase: 'full' }, then: { requireStep: 1 } }] }, 'rules.0.when'],
    ['a malformed CIDR', { steps: [{ options: ['password'] }], rules: [{ when: { ipIn: ['10.0.0.0'] }, then: { requireStep: 1 } }] }, 'rules.0.when'],
    ['no steps', { steps: [] }, 'steps'],
    ['an unknown top-level field', { steps: [{ options: ['password'] }], extends: 'other-flow' }, '(document)'],
  ];
  for (const [name, document, path] of invalid) {
    test(`refuses ${name}`, () => {
      assert.throws(() => parseFlowDocument(document), (e: Error) => e instanceof InvalidFlowDocument && e.issues.some((i) => i.path === path || i.path.startsWith(path)), `${name}: expected an issue at ${path}`);
    });
  }

  test('refuses conditions nested without bound, with a clear error rather than a stack overflow', () => {
    let when: unknown = { newDevice: true };
    for (let i = 0; i < 20_000; i++) when = { not: when };
    assert.throws(() => parseFlowDocument({ steps: [{ options: ['password'] }], rules: [{ when, then: { requireStep: 1 } }] }), /nests deeper than 24 levels/);
    let modest: unknown = { newDevice: true };
    for (let i = 0; i < 10; i++) modest = { not: modest };
    assert.doesNotThrow(() => parseFlowDocument({ steps: [{ options: ['password'] }], rules: [{ when: modest, then: { requireStep: 1 } }] }));
  });
});

test('groups are read only for flows whose rules look at them', () => {
  assert.equal(needsGroups(mfaForAdmins), true);
  assert.equal(needsGroups(defaultFlow), false);
  assert.equal(needsGroups(parseFlowDocument({ steps: [{ options: ['password'] }], rules: [{ when: { not: { any: [{ newDevice: true }, { memberOf: 'x' }] } }, then: { requireStep: 1 } }] })), true);
  assert.equal(needsGroups(parseFlowDocument({ steps: [{ options: ['password'] }], rules: [{ when: { ipIn: ['10.0.0.0/8'] }, then: { requireStep: 1 } }] })), false);
});

describe('an application asking for MFA', () => {
  const flow = parseFlowDocument({ steps: [{ options: ['password'] }, { options: ['totp', 'email_otp'], optional: true }], rules: [{ when: { ipIn: ['10.0.0.0/8'] }, then: { skipStep: 2 } }] });
  const context = (acrValues: string[], clientIp = '203.0.113.7') => ({ groups: [], attributes: {}, clientIp, newDevice: false, now: new Date('2026-12-01T12:00:00Z'), failedAttempts: 0, acrValues });
  test('acr_values urn:idp:acr:mfa runs the first optional step; without it, it does not; a rule that skips it still does', () => {
    assert.deepEqual(planFlow(flow, context(['urn:idp:acr:mfa'])).steps.map((s) => s.number), [1, 2]);
    assert.deepEqual(planFlow(flow, context([])).steps.map((s) => s.number), [1]);
    assert.deepEqual(planFlow(flow, context(['urn:idp:acr:mfa'], '10.1.2.3')).steps.map((s) => s.number), [1], 'the tenant said this network skips it');
  });
});
