/**
 * Differential tests against independent implementations: `scim-patch` for PATCH, and the filter
 * evaluator it is built on, `scim2-parse-filter` (installed with it). Cases are pseudo-random from
 * a fixed seed, so every run checks the same few hundred. The generators stay inside the ground
 * where both implementations follow RFC 7644 the same way; each place where scim-patch is known to
 * read the RFC differently (or not to implement a quirk real clients need) is left out with the
 * reason beside it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scimPatch, type ScimPatchOperation, type ScimResource } from 'scim-patch';
import { filter as referenceFilter, parse as referenceParse } from 'scim2-parse-filter';
import { matches, parseFilter } from '../../../shared/domain/scim/filter.ts';
import { applyPatch, patchOpSchema } from '../../../shared/domain/scim/patch.ts';
import { bare, bjensen, enterprise, group, jsmith } from './samples.ts';

type Json = Record<string, unknown>;
type Random = () => number;

/** xorshift32: small, deterministic, good enough to spread test cases. */
function seeded(seed: number): Random {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
let fresh = 0;
/** A string no sample holds, so an added value is never a duplicate by accident. */
const freshWord = (random: Random) => `${pick(random, ['alpha', 'beta', 'gamma', 'delta'])}-${++fresh}`;

const simpleAttributes = ['title', 'displayName', 'nickName', 'userType', 'locale', 'profileUrl'];
const nameParts = ['givenName', 'familyName', 'middleName', 'formatted'];
const extensionAttributes = ['department', 'costCenter', 'employeeNumber', 'division'];
const types = ['work', 'home', 'other', 'mobile'];

const multiValued = (resource: Json) => ('members' in resource || resource.displayName === 'Tour Guides' ? ['members'] : ['emails', 'phoneNumbers']);
const list = (resource: Json, attribute: string): Json[] | undefined => (Array.isArray(resource[attribute]) ? (resource[attribute] as Json[]) : undefined);
const freshElement = (random: Random, attribute: string): Json =>
  attribute === 'members' ? { value: freshWord(random), display: freshWord(random) } : { value: freshWord(random), type: pick(random, types) };

/** One operation that both implementations should apply alike to `resource`. */
function operation(random: Random, resource: Json): ScimPatchOperation {
  // scim-patch knows these two spellings of each op.
  const add = () => pick(random, ['add', 'Add'] as const);
  const remove = () => pick(random, ['remove', 'Remove'] as const);
  const replace = () => pick(random, ['replace', 'Replace'] as const);
  const addOrReplace = () => (random() < 0.5 ? add() : replace());
  const attribute = pick(random, multiValued(resource));
  const values = list(resource, attribute);
  switch (Math.floor(random() * 13)) {
    case 0:
      return { op: addOrReplace(), path: pick(random, simpleAttributes), value: freshWord(random) };
    case 1:
      return { op: addOrReplace(), path: `name.${pick(random, nameParts)}`, value: freshWord(random) };
    case 2:
      return { op: remove(), path: pick(random, [...simpleAttributes, ...nameParts.map((part) => `name.${part}`), 'name', 'active', 'emails', 'members']) };
    case 3: {
      // Only values not there yet, or exact copies of values there: scim-patch skips a value
      // only when it is deep-equal to one there, where we also skip one that an existing value
      // contains (RFC 7644 §3.5.2.1 "already contains the value"), e.g. {value} of a member.
      // A single value (not a list) only where the attribute exists: to an absent one scim-patch
      // writes the bare object, not a list.
      const items = [freshElement(random, attribute), ...(values && random() < 0.5 ? [structuredClone(pick(random, values))] : [])];
      return { op: add(), path: attribute, value: values && random() < 0.3 ? items[0] : items };
    }
    case 4:
      // A list, never a single value: scim-patch replaces each existing value with a single
      // value where RFC 7644 §3.5.2.3 replaces the attribute. At most one primary: we unset the
      // others' (RFC 7643 §2.4), scim-patch does not.
      return { op: replace(), path: attribute, value: [{ ...freshElement(random, attribute), ...(random() < 0.5 ? { primary: true } : {}) }, freshElement(random, attribute)] };
    case 5: {
      // Filtered sub-attribute. Never `primary` (see case 4); replace with no match is
      // noTarget in both (scim-patch runs with treatMissingAsAdd: false, the RFC's reading).
      if (attribute === 'members') return { op: addOrReplace(), path: `members[value eq "${values ? pick(random, values).value : 'x'}"].display`, value: freshWord(random) };
      return { op: addOrReplace(), path: `${attribute}[type eq "${pick(random, types)}"].${pick(random, ['value', 'display'])}`, value: freshWord(random) };
    }
    case 6: {
      // Remove by filter only where the attribute exists: on an absent one scim-patch throws,
      // while we take "remove what matches" to be no change.
      if (!values) return { op: remove(), path: attribute };
      const path = attribute === 'members' ? `members[value eq "${random() < 0.7 ? pick(random, values).value : 'nobody'}"]` : `${attribute}[type eq "${pick(random, types)}"]`;
      return { op: remove(), path };
    }
    case 7: {
      // A filtered sub-attribute removed only from values that match: when none does,
      // scim-patch throws where we see no change.
      const match = values?.find((value) => typeof value.type === 'string');
      if (!values || !match) return { op: remove(), path: attribute };
      return { op: remove(), path: `${attribute}[type eq "${match.type as string}"].${pick(random, ['display', 'value'])}` };
    }
    case 8: {
      // Entra-style removal by value, only where the attribute exists (scim-patch throws
      // otherwise) and only by whole values (scim-patch compares whole values).
      if (!values) return { op: add(), path: attribute, value: [freshElement(random, attribute)] };
      return { op: remove(), path: attribute, value: [random() < 0.7 ? structuredClone(pick(random, values)) : freshElement(random, attribute)] };
    }
    case 9: {
      // Path-less: simple attributes, dotted and URN-qualified keys, and (for replace) lists.
      // No complex values: scim-patch replaces a complex attribute whole, where RFC 7644
      // §3.5.2.1/§3.5.2.3 add or replace the sub-attributes given and keep the others.
      const kind = addOrReplace();
      const value: Json = {};
      for (let i = 0; i < 1 + Math.floor(random() * 3); i++) {
        const choice = Math.floor(random() * 4);
        if (choice === 0) value[pick(random, simpleAttributes)] = freshWord(random);
        else if (choice === 1) value[`name.${pick(random, nameParts)}`] = freshWord(random);
        else if (choice === 2) value[`${enterprise}:${pick(random, extensionAttributes)}`] = freshWord(random);
        else value[attribute] = [freshElement(random, attribute)];
      }
      return { op: kind, value };
    }
    case 10:
      return random() < 0.6
        ? { op: addOrReplace(), path: `${enterprise}:${pick(random, extensionAttributes)}`, value: freshWord(random) }
        : { op: addOrReplace(), path: `${enterprise}:manager.value`, value: freshWord(random) };
    case 11:
      // A complex value one level deep merges alike; a bare manager id is an Entra quirk we
      // turn into {value}, which scim-patch does not.
      return random() < 0.5
        ? { op: addOrReplace(), path: 'name', value: { [pick(random, nameParts)]: freshWord(random), [pick(random, nameParts)]: freshWord(random) } }
        : { op: addOrReplace(), path: `${enterprise}:manager`, value: { value: freshWord(random) } };
    default: {
      if (random() < 0.5) return { op: addOrReplace(), path: 'active', value: random() < 0.5 };
      // Add to matching values without a sub-attribute. Replace is left out: scim-patch merges
      // into the matching values, RFC 7644 §3.5.2.3 replaces them ("all matching record values
      // SHALL be replaced"). Add with no match is left out too: scim-patch then changes nothing,
      // we add a value built from the filter, as clients adding a typed email expect.
      const match = values?.find((value) => typeof value.type === 'string');
      if (!match) return { op: addOrReplace(), path: 'active', value: true };
      return { op: add(), path: `${attribute}[type eq "${match.type as string}"]`, value: { display: freshWord(random) } };
    }
  }
}

/** scim-patch leaves `[]` where removing values emptied a list; RFC 7643 §2.5 makes that the same as absent, which is what we leave. */
function normalised(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalised);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([, each]) => !(Array.isArray(each) && each.length === 0)).map(([key, each]) => [key, normalised(each)]));
}

const outcome = (run: () => unknown): { value?: unknown; error?: string } => {
  try {
    return { value: normalised(run()) };
  } catch (error) {
    return { error: (error as Error).name };
  }
};

test('applyPatch agrees with scim-patch on 400 generated requests', () => {
  const random = seeded(20151);
  const samples = [bjensen, jsmith, bare, group];
  const tally = { applied: 0, bothRefused: 0, operations: 0 };
  for (let n = 0; n < 400; n++) {
    const resource = pick(random, samples)();
    const operations: ScimPatchOperation[] = [];
    let state = resource;
    for (let i = 0; i < 1 + Math.floor(random() * 4); i++) {
      const next = operation(random, state);
      operations.push(next);
      try {
        state = applyPatch(state, { schemas: [patchOpSchema], Operations: [next] });
      } catch {
        break;
      }
    }
    tally.operations += operations.length;
    const ours = outcome(() => applyPatch(resource, { schemas: [patchOpSchema], Operations: operations }));
    const theirs = outcome(() => scimPatch(structuredClone(resource) as unknown as ScimResource, structuredClone(operations), { mutateDocument: true, treatMissingAsAdd: false }));
    const label = `case ${n}: ${JSON.stringify(operations)}`;
    if (ours.error !== undefined || theirs.error !== undefined) {
      assert.ok(ours.error !== undefined && theirs.error !== undefined, `${label}\nours: ${ours.error ?? 'applied'}, scim-patch: ${theirs.error ?? 'applied'}`);
      tally.bothRefused++;
    } else {
      assert.deepEqual(ours.value, theirs.value, label);
      tally.applied++;
    }
  }
  assert.ok(tally.applied > 300, `most requests apply (${JSON.stringify(tally)})`);
  assert.ok(tally.bothRefused > 0, 'some requests are refused by both (replace with no match)');
  assert.ok(tally.operations > 800);
});

/**
 * Users for the filter comparison. scim2-parse-filter compares strings case-sensitively where
 * RFC 7643 §2.1 makes most attributes case-insensitive, so every string here is lower case (as
 * are the generated operands), and the two agree on case by construction.
 */
const people: Json[] = [
  {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', enterprise],
    id: 'u1', userName: 'ada', displayName: 'ada lovelace', title: 'countess', active: true, level: 3,
    name: { givenName: 'ada', familyName: 'lovelace' },
    emails: [{ value: 'ada@example.com', type: 'work', primary: true }, { value: 'ada@home.example.org', type: 'home' }],
    [enterprise]: { department: 'engines', employeeNumber: '1815' },
    meta: { created: '2015-12-10T10:00:00Z' },
  },
  {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    id: 'u2', userName: 'charles', displayName: 'charles babbage', active: false, level: 7,
    name: { givenName: 'charles', familyName: 'babbage' },
    emails: [{ value: 'charles@example.org', type: 'home', primary: false }],
    meta: { created: '2014-01-01T00:00:00Z' },
  },
  {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', enterprise],
    id: 'u3', userName: 'grace', displayName: 'grace hopper', title: 'rear admiral', active: true, level: 10,
    emails: [{ value: 'grace@navy.example.mil', type: 'work' }],
    [enterprise]: { department: 'navy' },
    meta: { created: '2016-06-30T23:59:59Z' },
  },
  {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    id: 'u4', userName: 'alan', displayName: 'alan turing', active: false, level: 3,
    name: { familyName: 'turing' },
    meta: { created: '2015-12-10T10:00:01Z' },
  },
];

interface Leaf { readonly attribute: string; readonly kind: 'string' | 'number' | 'boolean' | 'date'; readonly everywhere: boolean; readonly samples: readonly unknown[] }

/** Attributes to compare, with values to draw operands from; `everywhere` when every person has exactly one value. */
const leaves: Leaf[] = [
  { attribute: 'userName', kind: 'string', everywhere: true, samples: ['ada', 'charles', 'grace', 'alan', 'bob'] },
  { attribute: 'displayName', kind: 'string', everywhere: true, samples: ['ada lovelace', 'grace hopper', 'nobody'] },
  { attribute: 'title', kind: 'string', everywhere: false, samples: ['countess', 'rear admiral', 'clerk'] },
  { attribute: 'name.givenName', kind: 'string', everywhere: false, samples: ['ada', 'charles', 'zed'] },
  { attribute: 'name.familyName', kind: 'string', everywhere: false, samples: ['lovelace', 'babbage', 'turing'] },
  { attribute: 'emails.value', kind: 'string', everywhere: false, samples: ['ada@example.com', 'charles@example.org', 'grace@navy.example.mil', 'x@y.z'] },
  { attribute: 'emails.type', kind: 'string', everywhere: false, samples: ['work', 'home', 'other'] },
  { attribute: `${enterprise}:department`, kind: 'string', everywhere: false, samples: ['engines', 'navy', 'sales'] },
  // No negative numbers: scim2-parse-filter's tokenizer fails on one followed by a space or ')'.
  { attribute: 'level', kind: 'number', everywhere: true, samples: [3, 7, 10, 0, 5.5, 1e1] },
  { attribute: 'active', kind: 'boolean', everywhere: true, samples: [true, false] },
  { attribute: 'emails.primary', kind: 'boolean', everywhere: false, samples: [true, false] },
  { attribute: 'meta.created', kind: 'date', everywhere: true, samples: ['2015-12-10T10:00:00Z', '2014-01-01T00:00:00Z', '2016-01-01T00:00:00Z', '2015-12-10T10:00:01Z'] },
];

/** A random casing of an attribute name: names are case-insensitive in both. */
const anyCase = (random: Random, name: string) => (name.startsWith('urn:') ? name : [...name].map((c) => (random() < 0.3 ? c.toUpperCase() : c)).join(''));

function substring(random: Random, text: string): string {
  const start = Math.floor(random() * text.length);
  return text.slice(start, start + 1 + Math.floor(random() * 4));
}

function comparison(random: Random, inEmails: boolean): string {
  const leaf = inEmails
    ? pick(random, leaves.filter((each) => each.attribute.startsWith('emails.')))
    : pick(random, leaves);
  const attribute = anyCase(random, inEmails ? leaf.attribute.slice('emails.'.length) : leaf.attribute);
  const sample = pick(random, leaf.samples);
  if (random() < 0.12) return `${attribute} pr`;
  const operators = ['eq'];
  // scim2-parse-filter's ne holds when some value differs (so never for an absent attribute);
  // ours is the negation of eq (so also for one). They agree where there is exactly one value.
  if (leaf.everywhere && !inEmails) operators.push('ne');
  // Ordering booleans is invalidFilter for us; scim2-parse-filter orders them as JS does.
  if (leaf.kind !== 'boolean') operators.push('gt', 'ge', 'lt', 'le');
  // Substring operators only on strings: scim2-parse-filter also matches them against numbers
  // and booleans turned into text.
  if (leaf.kind === 'string') operators.push('co', 'sw', 'ew', 'co', 'sw');
  const op = pick(random, operators);
  const operand = ['co', 'sw', 'ew'].includes(op) ? substring(random, String(sample)) : sample;
  return `${attribute} ${random() < 0.2 ? op.toUpperCase() : op} ${JSON.stringify(operand)}`;
}

/**
 * A random filter, printed with only the parentheses precedence needs, so precedence is tested.
 * Inside a value filter only comparisons joined by `or`: scim2-parse-filter evaluates a value
 * filter against the whole list rather than each value, so `emails[type eq "home" and value co
 * "x"]` holds for it when one email is a home one and another contains x, where RFC 7644
 * §3.4.2.2 wants one email that is both (and `not` likewise). For `or` the two readings agree.
 */
function randomFilter(random: Random, depth: number, inEmails = false): { text: string; op: string } {
  const roll = random();
  if (depth <= 0 || roll < 0.35) return { text: comparison(random, inEmails), op: 'leaf' };
  if (roll < 0.45 && !inEmails) return { text: `not (${randomFilter(random, depth - 1).text})`, op: 'not' };
  if (roll < 0.55 && !inEmails) return { text: `emails[${randomFilter(random, Math.min(depth - 1, 2), true).text}]`, op: 'leaf' };
  const op = random() < 0.5 && !inEmails ? 'and' : 'or';
  const parts = Array.from({ length: 2 + Math.floor(random() * 2) }, () => {
    const part = randomFilter(random, depth - 1, inEmails);
    const needs = (op === 'and' && part.op === 'or') || (part.op !== 'leaf' && part.op !== 'not' && random() < 0.3);
    return needs ? `(${part.text})` : part.text;
  });
  return { text: parts.join(` ${random() < 0.2 ? op.toUpperCase() : op} `), op };
}

test('matches agrees with scim2-parse-filter on 300 generated filters over four users', () => {
  const random = seeded(7644);
  let matched = 0;
  let unmatched = 0;
  for (let n = 0; n < 300; n++) {
    const { text } = randomFilter(random, 4);
    const ours = parseFilter(text);
    const theirs = referenceFilter(referenceParse(text));
    for (const person of people) {
      const expected = theirs(person);
      assert.equal(matches(ours, person), expected, `${text} on ${person.userName as string}`);
      if (expected) matched++;
      else unmatched++;
    }
  }
  assert.ok(matched > 200 && unmatched > 200, `both outcomes are exercised (${matched} matched, ${unmatched} not)`);
});
