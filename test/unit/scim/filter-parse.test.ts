import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ScimError } from '../../../shared/domain/scim/errors.ts';
import { parseFilter, type Filter } from '../../../shared/domain/scim/filter.ts';
import { maxFilterDepth, maxFilterLength } from '../../../shared/domain/scim/path.ts';

const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** A compact rendering of the AST, so tables can show precedence at a glance. */
function show(filter: Filter): string {
  const path = (p: { schema?: string; attribute: string; subAttribute?: string }) =>
    `${p.schema !== undefined ? `<${p.schema}>:` : ''}${p.attribute}${p.subAttribute !== undefined ? `.${p.subAttribute}` : ''}`;
  switch (filter.op) {
    case 'and':
    case 'or':
      return `(${filter.filters.map(show).join(` ${filter.op} `)})`;
    case 'not':
      return `not ${show(filter.filter)}`;
    case 'valuePath':
      return `${path(filter.path)}[${show(filter.filter)}]`;
    case 'pr':
      return `${path(filter.path)} pr`;
    default:
      return `${path(filter.path)} ${filter.op} ${JSON.stringify(filter.value)}`;
  }
}

test('parses every RFC 7644 §3.4.2.2 example filter', () => {
  const table: Array<[string, string]> = [
    ['userName Eq "john"', 'userName eq "john"'],
    ['Username eq "john"', 'Username eq "john"'],
    ['userName eq "bjensen"', 'userName eq "bjensen"'],
    ['name.familyName co "O\'Malley"', `name.familyName co "O'Malley"`],
    ['userName sw "J"', 'userName sw "J"'],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"', '<urn:ietf:params:scim:schemas:core:2.0:User>:userName sw "J"'],
    ['title pr', 'title pr'],
    ['meta.lastModified gt "2011-05-13T04:42:34Z"', 'meta.lastModified gt "2011-05-13T04:42:34Z"'],
    ['meta.lastModified ge "2011-05-13T04:42:34Z"', 'meta.lastModified ge "2011-05-13T04:42:34Z"'],
    ['meta.lastModified lt "2011-05-13T04:42:34Z"', 'meta.lastModified lt "2011-05-13T04:42:34Z"'],
    ['meta.lastModified le "2011-05-13T04:42:34Z"', 'meta.lastModified le "2011-05-13T04:42:34Z"'],
    ['title pr and userType eq "Employee"', '(title pr and userType eq "Employee")'],
    ['title pr or userType eq "Intern"', '(title pr or userType eq "Intern")'],
    ['schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"', `schemas eq "${enterprise}"`],
    ['userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")', '(userType eq "Employee" and (emails co "example.com" or emails.value co "example.org"))'],
    ['userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")', '(userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org"))'],
    ['userType eq "Employee" and (emails.type eq "work")', '(userType eq "Employee" and emails.type eq "work")'],
    ['userType eq "Employee" and emails[type eq "work" and value co "@example.com"]', '(userType eq "Employee" and emails[(type eq "work" and value co "@example.com")])'],
    [
      'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
      '(emails[(type eq "work" and value co "@example.com")] or ims[(type eq "xmpp" and value co "@foo.com")])',
    ],
  ];
  for (const [text, expected] of table) assert.equal(show(parseFilter(text)), expected, text);
});

test('not binds tighter than and, and tighter than or; parentheses regroup', () => {
  const table: Array<[string, string]> = [
    ['a pr or b pr and c pr', '(a pr or (b pr and c pr))'],
    ['a pr and b pr or c pr', '((a pr and b pr) or c pr)'],
    ['a pr and b pr and c pr or d pr or e pr and f pr', '((a pr and b pr and c pr) or d pr or (e pr and f pr))'],
    ['(a pr or b pr) and c pr', '((a pr or b pr) and c pr)'],
    ['not (a pr) and b pr', '(not a pr and b pr)'],
    ['not (a pr) or not (b pr and c pr)', '(not a pr or not (b pr and c pr))'],
    ['not(a pr)', 'not a pr'],
    ['NOT (a pr) AND b pr OR c pr', '((not a pr and b pr) or c pr)'],
    ['((a pr))', 'a pr'],
    ['(a pr)and(b pr)', '(a pr and b pr)'],
    ['a eq "x"and b pr', '(a eq "x" and b pr)'],
    ['emails[not (type eq "work")]', 'emails[not type eq "work"]'],
    ['emails[(type eq "work" or type eq "home") and primary eq true]', 'emails[((type eq "work" or type eq "home") and primary eq true)]'],
    ['  userName   eq   "x"  ', 'userName eq "x"'],
  ];
  for (const [text, expected] of table) assert.equal(show(parseFilter(text)), expected, text);
});

test('operators and keywords are case-insensitive; an attribute may be called not', () => {
  assert.equal(show(parseFilter('title PR')), 'title pr');
  assert.equal(show(parseFilter('userName Sw "a" Or userName eW "b"')), '(userName sw "a" or userName ew "b")');
  assert.equal(show(parseFilter('not eq "x"')), 'not eq "x"');
  assert.equal(show(parseFilter('and pr and or pr')), '(and pr and or pr)');
});

test('values are JSON: escapes, numbers, true, false, null', () => {
  const table: Array<[string, Filter['op'], unknown]> = [
    ['a eq "quote \\" backslash \\\\ slash \\/ tab \\t unicode \\u00e9 \\ud83d\\ude00"', 'eq', 'quote " backslash \\ slash / tab \t unicode é 😀'],
    ['a eq "brackets ] and ) and [ inside"', 'eq', 'brackets ] and ) and [ inside'],
    ['a eq ""', 'eq', ''],
    ['a gt 42', 'gt', 42],
    ['a ge -1.5', 'ge', -1.5],
    ['a lt 1e3', 'lt', 1000],
    ['a le 2.5E-1', 'le', 0.25],
    ['a eq 0', 'eq', 0],
    ['a eq true', 'eq', true],
    ['a ne False', 'ne', false],
    ['a eq null', 'eq', null],
  ];
  for (const [text, op, value] of table) {
    const filter = parseFilter(text);
    assert.equal(filter.op, op, text);
    assert.deepEqual((filter as { value: unknown }).value, value, text);
  }
});

test('attribute paths: sub-attributes, schema URNs, $ref', () => {
  assert.deepEqual(parseFilter('name.familyName eq "J"'), { op: 'eq', path: { attribute: 'name', subAttribute: 'familyName' }, value: 'J' });
  assert.deepEqual(parseFilter(`${enterprise}:manager.value eq "26118915"`), { op: 'eq', path: { schema: enterprise, attribute: 'manager', subAttribute: 'value' }, value: '26118915' });
  assert.deepEqual(parseFilter(`${enterprise.toUpperCase()}:employeeNumber pr`), { op: 'pr', path: { schema: enterprise, attribute: 'employeeNumber' } }, 'known schema URNs come back canonical');
  assert.deepEqual(parseFilter(`${enterprise} pr`), { op: 'pr', path: { attribute: enterprise } }, 'a whole extension');
  assert.deepEqual(parseFilter('urn:acme:scim:1.0:Ext:badge eq "7"'), { op: 'eq', path: { schema: 'urn:acme:scim:1.0:Ext', attribute: 'badge' }, value: '7' });
  assert.deepEqual(parseFilter('members.$ref co "/Users/"'), { op: 'co', path: { attribute: 'members', subAttribute: '$ref' }, value: '/Users/' });
});

test('a value filter, and a sub-attribute compared after one', () => {
  assert.deepEqual(parseFilter('emails[type eq "work"]'), {
    op: 'valuePath',
    path: { attribute: 'emails' },
    filter: { op: 'eq', path: { attribute: 'type' }, value: 'work' },
  });
  assert.deepEqual(parseFilter('emails[type eq "work"].value ew "@example.com"'), {
    op: 'valuePath',
    path: { attribute: 'emails' },
    filter: {
      op: 'and',
      filters: [
        { op: 'eq', path: { attribute: 'type' }, value: 'work' },
        { op: 'ew', path: { attribute: 'value' }, value: '@example.com' },
      ],
    },
  });
  assert.equal(show(parseFilter('emails[type eq "a" and primary eq true].value pr')), 'emails[(type eq "a" and primary eq true and value pr)]');
});

function refused(text: string, pattern: RegExp): void {
  assert.throws(
    () => parseFilter(text),
    (error: unknown) => error instanceof ScimError && error.status === 400 && error.scimType === 'invalidFilter' && pattern.test(error.message),
    `${text} should be refused with ${pattern}`,
  );
}

test('syntax errors are 400 invalidFilter naming the position', () => {
  const table: Array<[string, RegExp]> = [
    ['', /empty/],
    ['   ', /empty/],
    ['userName', /Expected a space and an operator after 'userName', found the end at position 8/],
    ['userName eq', /Expected a space and a value after 'eq', found the end at position 11/],
    ['userName eq ', /Expected a value .* found the end at position 12/],
    ['userName xx "a"', /Unknown operator 'xx' at position 9/],
    ['userName equals "a"', /Unknown operator 'equals' at position 9/],
    ['userName eq"a"', /Expected a space and a value after 'eq'/],
    ['userName eq "a', /Unterminated string at position 12/],
    ['userName eq "a\\"', /Unterminated string at position 12/],
    ['userName eq "\\x"', /Invalid string .* at position 12/],
    ['userName eq "line\nbreak"', /Invalid string/],
    ["userName eq 'single'", /Expected a value .* found ''' at position 12/],
    ['userName eq bjensen', /Expected a value .* at position 12/],
    ['userName eq 01', /Expected a value/],
    ['userName eq 1x', /Expected a value/],
    ['userName eq truex', /Expected a value/],
    ['userName eq "a" and', /Expected an attribute name, found the end at position 19/],
    ['userName eq "a" or or b pr', /Unknown operator 'b' at position 22/],
    ['userName eq "a" xor b pr', /Unexpected 'x' at position 16/],
    ['userName eq "a" userName eq "b"', /Unexpected 'u' at position 16/],
    ['(userName pr', /Expected '\)' to close the one opened at position 0, found the end at position 12/],
    ['userName pr)', /Unexpected '\)' at position 11/],
    ['()', /Expected an attribute name, found '\)' at position 1/],
    ['not userName pr', /'not' takes a filter in parentheses, .* at position 4/],
    ['emails[type eq "work"', /Expected '\]' to close the one opened at position 6, found the end/],
    ['emails[type eq "work"]]', /Unexpected '\]' at position 22/],
    ['emails[]', /Expected an attribute name, found '\]' at position 7/],
    ['emails[type[value pr] pr]', /Value filters cannot be nested at position 11/],
    ['name.familyName[value pr]', /applies to an attribute, not to a sub-attribute at position 15/],
    ['emails[type pr].', /Expected a sub-attribute name, found the end/],
    ['emails[type pr].value', /Expected a space and an operator after 'value'/],
    ['a.b.c eq "x"', /more than one sub-attribute level at position 0/],
    ['1abc eq "x"', /'1abc' is not an attribute name at position 0/],
    ['a. eq "x"', /empty attribute name/],
    ['http:x eq "y"', /'http' is not a schema URN/],
    ['userName eq "a" & b pr', /Unexpected '&'/],
    ['@ pr', /Expected an attribute name, found '@' at position 0/],
  ];
  for (const [text, pattern] of table) refused(text, pattern);
});

test('ordering a boolean or null, and substring operators on non-strings, are invalidFilter', () => {
  refused('active gt true', /'gt' cannot compare with true at position 10/);
  refused('active le false', /'le' cannot compare with false/);
  refused('title lt null', /'lt' cannot compare with null/);
  refused('title co 5', /'co' needs a string value/);
  refused('title sw true', /'sw' needs a string value/);
  refused('title ew null', /'ew' needs a string value/);
});

test('hostile input: length and nesting are bounded, and nothing is slow', () => {
  refused(`userName eq "${'a'.repeat(maxFilterLength)}"`, /longer than 4096 characters/);
  const deep = (n: number) => `${'('.repeat(n)}a pr${')'.repeat(n)}`;
  assert.equal(show(parseFilter(deep(maxFilterDepth))), 'a pr');
  refused(deep(maxFilterDepth + 1), /Nested deeper than 32 levels at position 32/);
  refused(deep(2000), /longer than|Nested deeper/);
  const nots = (n: number) => `${'not ('.repeat(n)}a pr${')'.repeat(n)}`;
  assert.equal(show(parseFilter(nots(maxFilterDepth))).split('not').length - 1, maxFilterDepth);
  refused(nots(maxFilterDepth + 1), /Nested deeper/);
  refused('('.repeat(4000), /Nested deeper/);
  refused(`a eq "${'\\'.repeat(3000)}`, /Unterminated string/);
  const started = performance.now();
  const wide = Array.from({ length: 300 }, (_, i) => `a${i} pr`).join(' or ');
  assert.equal((parseFilter(wide) as Extract<Filter, { op: 'and' | 'or' }>).filters.length, 300, 'a long flat chain stays flat');
  refused(`${wide} and`, /Expected an attribute name, found the end/);
  assert.ok(performance.now() - started < 1000);
});
