/**
 * What the flow engine costs a sign-in: planning a realistic document (five rules, nested
 * conditions, CIDR ranges) for a context, and the session policy's step-up check, in
 * microseconds per evaluation. Pure code, no I/O.
 */
import { parseFlowDocument } from '../../shared/domain/flows/flow-document.ts';
import { planFlow, stepsLeft, type SignInContext } from '../../shared/domain/flows/flow-plan.ts';
import type { BenchResult } from './report.ts';

const flow = parseFlowDocument({
  steps: [{ options: ['password'] }, { options: ['totp', 'email_otp', 'recovery_code'], optional: true }],
  rules: [
    { when: { memberOf: 'administrators' }, then: { requireStep: 2 } },
    { when: { all: [{ memberOf: 'administrators' }, { ipIn: ['10.0.0.0/8', '192.168.0.0/16', '2001:db8::/32'] }] }, then: { skipStep: 2 } },
    { when: { any: [{ newDevice: true }, { timeOfDayUtc: { from: '22:00', to: '06:00' } }] }, then: { requireStep: 2 } },
    { when: { attribute: { name: 'risk', equals: 'high' } }, then: { addOption: { step: 2, authenticator: 'webauthn' } } },
    { when: { failedAttemptsAtLeast: 20 }, then: { deny: 'Too many failed attempts' } },
  ],
});

const context: SignInContext = { groups: ['staff', 'administrators'], attributes: { risk: 'low' }, application: 'app', clientIp: '203.0.113.9', newDevice: false, now: new Date('2026-11-23T12:00:00Z'), failedAttempts: 0, acrValues: [] };

function timeIt(iterations: number, work: () => void): number {
  for (let i = 0; i < 2000; i++) work();
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) work();
  return Number(process.hrtime.bigint() - started) / 1000 / iterations;
}

export async function run(): Promise<BenchResult[]> {
  const session = { amr: ['pwd'], authTime: context.now.getTime() - 60_000 };
  const plan = timeIt(100_000, () => planFlow(flow, context));
  const withSession = timeIt(100_000, () => stepsLeft(flow, planFlow(flow, context), session, context.now.getTime()));
  const parse = timeIt(10_000, () => parseFlowDocument(flow));
  return [
    { name: 'flow plan for a sign-in (5 rules, CIDR and nested conditions)', value: plan, unit: 'µs' },
    { name: 'flow plan and step-up check for an existing session', value: withSession, unit: 'µs' },
    { name: 'validating the flow document (zod)', value: parse, unit: 'µs', note: 'at publish time only; sign-ins read the stored, validated document' },
  ];
}
