import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyClaimMappings, claimMappingsSchema, patternProblems, type ClaimMapping } from '../../../shared/domain/federation/claim-mapping.ts';

const now = new Date('2026-12-01T12:00:00Z');
const parse = (mappings: unknown) => claimMappingsSchema.parse(mappings) as ClaimMapping[];
const errorsOf = (mappings: unknown) => {
  const result = claimMappingsSchema.safeParse(mappings);
  assert.equal(result.success, false, 'refused');
  return result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('claim transformation language', async () => {
  test('rename, constant, concatenate, lowercase, split, regex replace, join', async () => {
    const out = await applyClaimMappings(parse([
      { target: 'email', value: { lower: { claim: 'mail' } } },
      { target: 'email_verified', value: { const: true } },
      { target: 'displayName', value: { concat: [{ claim: 'given_name' }, { claim: 'family_name' }], separator: ' ' } },
      { target: 'domain', value: { split: { claim: 'mail' }, separator: '@', index: -1 } },
      { target: 'phone', value: { replace: { claim: 'tel' }, pattern: '[^0-9+]', with: '', flags: 'g' } },
      { target: 'roles', value: { join: { claim: 'groups' }, separator: ',' } },
    ]), { mail: 'Ann.Lee@Example.COM', given_name: 'Ann', family_name: 'Lee', tel: '+44 (20) 7946-0000', groups: ['staff', 'admins'] }, now);
    assert.deepEqual(out, { email: 'ann.lee@example.com', email_verified: true, displayName: 'Ann Lee', domain: 'Example.COM', phone: '+442079460000', roles: 'staff,admins' });
  });

  test('age from a birth date, value tables with a default, conditionals', async () => {
    const mappings = parse([
      { target: 'age', value: { ageFrom: { claim: 'birthdate' } } },
      { target: 'adult', value: { if: { atLeast: [{ ageFrom: { claim: 'birthdate' } }, 18] }, then: { const: true }, else: { const: false } } },
      { target: 'department', value: { map: { claim: 'dept' }, table: { '10': 'Engineering', '20': 'Sales' }, default: { const: 'Other' } } },
      { target: 'tier', value: { if: { any: [{ in: { claim: 'groups' }, values: ['gold'] }, { matches: { claim: 'mail' }, pattern: '@vip\\.example$', flags: 'i' }] }, then: { const: 'premium' } } },
    ]);
    assert.deepEqual(await applyClaimMappings(mappings, { birthdate: '2008-12-02', dept: '20', groups: ['gold'] }, now), { age: 17, adult: false, department: 'Sales', tier: 'premium' });
    assert.deepEqual(await applyClaimMappings(mappings, { birthdate: '2008-12-01', dept: '99', mail: 'x@VIP.example' }, now), { age: 18, adult: true, department: 'Other', tier: 'premium' });
    assert.deepEqual(await applyClaimMappings(mappings, { birthdate: '2008-02-30', dept: '10' }, now), { adult: false, department: 'Engineering' }, 'an impossible date has no age; no tier when no condition holds');
  });

  test('SAML attribute names with dots and colons are read whole; prototype keys are not claims', async () => {
    const out = await applyClaimMappings(parse([
      { target: 'email', value: { claim: 'urn:oid:0.9.2342.19200300.100.1.3' } },
      { target: 'nested', value: { claim: 'address.locality' } },
      { target: 'proto', value: { claim: 'constructor' } },
      { target: 'missing', value: { lower: { claim: 'nope' } } },
    ]), { 'urn:oid:0.9.2342.19200300.100.1.3': 'a@b.example', address: { locality: 'Oslo' } }, now);
    assert.deepEqual(out, { email: 'a@b.example', nested: 'Oslo' });
  });

  test('values the language does not know (objects, huge strings) are absent, not errors', async () => {
    const out = await applyClaimMappings(parse([{ target: 'a', value: { claim: 'obj' } }, { target: 'b', value: { claim: 'huge' } }, { target: 'c', value: { concat: [{ claim: 'huge' }, { const: 'x' }] } }]), { obj: { x: 1 }, huge: 'x'.repeat(5000) }, now);
    assert.deepEqual(out, { c: 'x' });
  });

  test('validated at save time with the path of each error', async () => {
    assert.deepEqual(errorsOf([{ target: 'a', value: { replace: { claim: 'x' }, pattern: '(a)\\1', with: '' } }]), ['0.value.pattern: backreferences and lookarounds are not allowed (patterns run on RE2)']);
    assert.deepEqual(await patternProblems(parse([{ target: 'a', value: { if: { matches: { claim: 'x' }, pattern: 'a{1001}' }, then: { const: 1 } } }])).then((p) => p.map((x) => x.path)), ['0.value.if.pattern'], 'RE2 bounds repeat counts at 1000');
    assert.equal(claimMappingsSchema.safeParse([{ target: 'a', value: { replace: { claim: 'x' }, pattern: '[', with: '' } }]).success, false, 'invalid regex');
    assert.equal(claimMappingsSchema.safeParse([{ target: 'a', value: { eval: 'process.exit()' } }]).success, false, 'unknown operation');
    assert.equal(claimMappingsSchema.safeParse([{ target: 'a b', value: { const: 1 } }]).success, false, 'target name');
    assert.deepEqual(errorsOf([{ target: 'a', value: { const: 1 } }, { target: 'a', value: { const: 2 } }]), ['1.target: a is mapped twice']);
    let deep: unknown = { claim: 'x' };
    for (let i = 0; i < 15; i++) deep = { lower: deep };
    assert.deepEqual(errorsOf([{ target: 'a', value: deep }]), ['0.value: is nested 16 deep; at most 12']);
    const wide = Array.from({ length: 50 }, (_, i) => ({ target: `t${i}`, value: { concat: Array.from({ length: 9 }, () => ({ claim: 'x' })) } }));
    assert.deepEqual(errorsOf(wide), [': the mappings have 500 expressions; at most 400']);
  });


  test('patterns run in linear time: the classic catastrophic ones finish on the largest input', async () => {
    const mappings = parse([
      { target: 'a', value: { replace: { claim: 'x' }, pattern: '^(a+)+$', with: 'y' } },
      { target: 'b', value: { if: { matches: { claim: 'x' }, pattern: '^(a|aa)*b$' }, then: { const: 'matched' }, else: { const: 'no' } } },
    ]);
    // With a backtracking engine, either pattern on 4,000 a's and a final c would not finish in any test's lifetime.
    assert.deepEqual(await applyClaimMappings(mappings, { x: `${'a'.repeat(4000)}c` }, now), { a: `${'a'.repeat(4000)}c`, b: 'no' });
  });
});
