import { invalidFilter, invalidPath, type ScimError } from './errors.ts';
import type { ComparisonValue, CompareOperator, Filter } from './filter.ts';

/**
 * SCIM attribute paths (RFC 7644 §3.10) and the filter grammar they share with `filter`
 * (RFC 7644 §3.4.2.2 and the PATCH `path` of §3.5.2): a PATCH path `emails[type eq "work"].value`
 * embeds a filter, so the one parser for both lives here and filter.ts evaluates what it builds.
 * Attribute names are case-insensitive (RFC 7643 §2.1): lookups go through `findKey`.
 */

export const coreUserSchema = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const coreGroupSchema = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const enterpriseUserSchema = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const knownSchemas = [coreUserSchema, coreGroupSchema, enterpriseUserSchema];
const coreSchemaPrefix = 'urn:ietf:params:scim:schemas:core:';

export interface AttributePath {
  /** The schema URN the path was qualified with (canonical spelling when it is a known schema). */
  readonly schema?: string;
  /** The attribute, or a whole extension's URN (`urn:…:enterprise:2.0:User`), which is how the resource JSON keys it. */
  readonly attribute: string;
  readonly subAttribute?: string;
  /** PATCH only: the value filter of `attr[filter]`, whose attribute paths are relative to each value. */
  readonly filter?: Filter;
}

/** Bounds on hostile input: a filter or path longer or deeper than this is refused. */
export const maxFilterLength = 4096;
export const maxFilterDepth = 32;

/** Canonical spelling of the attributes of RFC 7643 §4 (User, Group, enterprise User) and §3.1 (common). */
const canonicalNames = new Map(
  [
    'id', 'externalId', 'meta', 'resourceType', 'created', 'lastModified', 'location', 'version',
    'userName', 'name', 'formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix',
    'displayName', 'nickName', 'profileUrl', 'title', 'userType', 'preferredLanguage', 'locale', 'timezone', 'active', 'password',
    'emails', 'phoneNumbers', 'ims', 'photos', 'addresses', 'groups', 'entitlements', 'roles', 'x509Certificates',
    'value', 'display', 'type', 'primary', '$ref', 'streetAddress', 'locality', 'region', 'postalCode', 'country',
    'members', 'schemas',
    'employeeNumber', 'costCenter', 'organization', 'division', 'department', 'manager',
  ].map((name) => [name.toLowerCase(), name]),
);

/** The multi-valued attributes of those schemas: a value written to one where there was none becomes a list. */
const multiValued = new Set(['emails', 'phonenumbers', 'ims', 'photos', 'addresses', 'groups', 'entitlements', 'roles', 'x509certificates', 'members', 'schemas']);

export const canonicalName = (name: string): string => canonicalNames.get(name.toLowerCase()) ?? name;
export const isMultiValued = (name: string): boolean => multiValued.has(name.toLowerCase());

export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The key under which `object` holds `name`, matched case-insensitively; the exact spelling wins. */
export function findKey(object: Record<string, unknown>, name: string): string | undefined {
  if (Object.hasOwn(object, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(object).find((key) => key.toLowerCase() === lower);
}

export function getAttribute(object: Record<string, unknown>, name: string): unknown {
  const key = findKey(object, name);
  return key === undefined ? undefined : object[key];
}

/** True for a schema whose attributes live in an object keyed by the schema URN; core schemas' live at the top level. */
export const isExtensionSchema = (schema: string | undefined): schema is string => schema !== undefined && !schema.toLowerCase().startsWith(coreSchemaPrefix);

/** The object holding the path's attribute: the resource, or its extension object (absent when the resource has none). */
export function attributeHolder(resource: Record<string, unknown>, path: AttributePath): Record<string, unknown> | undefined {
  if (!isExtensionSchema(path.schema)) return resource;
  const extension = getAttribute(resource, path.schema);
  return isObject(extension) ? extension : undefined;
}

/**
 * `urn:acme:scim:Ext` parses as attribute `Ext` of schema `urn:acme:scim`, since the grammar cannot
 * tell a whole extension from an attribute of one; a resource that has (or lists in `schemas`) a
 * key by the full URN can, so paths are read against it before use.
 */
export function againstResource(resource: Record<string, unknown>, path: AttributePath): AttributePath {
  if (path.schema === undefined || path.subAttribute !== undefined || path.filter !== undefined) return path;
  const urn = `${path.schema}:${path.attribute}`;
  const key = findKey(resource, urn);
  if (key !== undefined) return { attribute: key };
  const schemas = getAttribute(resource, 'schemas');
  const listed = Array.isArray(schemas) ? schemas.find((schema) => typeof schema === 'string' && schema.toLowerCase() === urn.toLowerCase()) : undefined;
  return typeof listed === 'string' ? { attribute: listed } : path;
}

/** `schema:attribute.sub` as written in messages and lookup tables (lower-cased there by the callers). */
export function pathName(path: AttributePath, parent?: string): string {
  const prefix = parent !== undefined ? `${parent}.` : isExtensionSchema(path.schema) ? `${path.schema}:` : '';
  return `${prefix}${path.attribute}${path.subAttribute !== undefined ? `.${path.subAttribute}` : ''}`;
}

/** Parses a PATCH `path`, an `attributes` entry or a `sortBy`: `attr`, `attr.sub`, `urn:…:attr.sub`, `attr[filter]`, `attr[filter].sub`. */
export function parsePath(text: string): AttributePath {
  if (typeof text !== 'string' || text.trim() === '') throw invalidPath('The path is empty');
  if (text.length > maxFilterLength) throw invalidPath(`The path is longer than ${maxFilterLength} characters`);
  const parser = new Parser(text.trim(), invalidPath);
  const path = parser.attributePath();
  if (parser.peek() !== '[') {
    parser.end();
    return path;
  }
  if (path.subAttribute !== undefined) throw parser.error('A value filter applies to an attribute, not to a sub-attribute');
  const filter = parser.bracketed(parser.position);
  let subAttribute: string | undefined;
  if (parser.peek() === '.') {
    parser.position++;
    subAttribute = parser.name();
  }
  parser.end();
  return { ...path, filter, ...(subAttribute !== undefined ? { subAttribute } : {}) };
}

/** Parses a filter; `filter.ts` exports this as `parseFilter`. */
export function parseFilterSyntax(text: string): Filter {
  if (typeof text !== 'string' || text.trim() === '') throw invalidFilter('The filter is empty');
  if (text.length > maxFilterLength) throw invalidFilter(`The filter is longer than ${maxFilterLength} characters`);
  const parser = new Parser(text, invalidFilter);
  const filter = parser.filter(false);
  parser.end();
  return filter;
}

const compareOperators = new Set<string>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const orderingOperators = new Set<string>(['gt', 'ge', 'lt', 'le']);
const stringOperators = new Set<string>(['co', 'sw', 'ew']);
/** Characters of an attribute path token: names, `$ref`, the `:` and `.` of URNs and sub-attributes. */
const pathCharacter = /[A-Za-z0-9_$:.-]/;
const attributeName = /^(?:[A-Za-z][A-Za-z0-9_-]*|\$ref)$/;
const numberLiteral = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const space = /\s/;

/**
 * Recursive descent over RFC 7644 §3.4.2.2's grammar, with precedence not > and > or.
 * Keywords and operators are case-insensitive; errors name the 0-based position.
 */
class Parser {
  readonly text: string;
  readonly fail: (message: string) => ScimError;
  position = 0;
  depth = 0;

  constructor(text: string, fail: (message: string) => ScimError) {
    this.text = text;
    this.fail = fail;
  }

  error(message: string, at = this.position): ScimError {
    return this.fail(`${message} at position ${at}`);
  }

  peek(): string | undefined {
    return this.text[this.position];
  }

  end(): void {
    this.skipSpace();
    if (this.position < this.text.length) throw this.error(`Unexpected ${this.describe()}`);
  }

  filter(inValueFilter: boolean): Filter {
    const filters = [this.and(inValueFilter)];
    while (this.keyword('or')) filters.push(this.and(inValueFilter));
    return filters.length === 1 ? filters[0]! : { op: 'or', filters };
  }

  attributePath(): AttributePath {
    const start = this.position;
    const token = this.token(start);
    if (token === '') throw this.error(`Expected an attribute name, found ${this.describe()}`);
    this.position += token.length;
    return splitAttributePath(token, (message) => this.error(message, start));
  }

  name(): string {
    const start = this.position;
    const token = this.token(start);
    if (!attributeName.test(token)) throw this.error(token === '' ? `Expected a sub-attribute name, found ${this.describe()}` : `'${token}' is not a sub-attribute name`);
    this.position += token.length;
    return token;
  }

  /** `[valFilter]`, with the position at the `[`. */
  bracketed(start: number): Filter {
    this.position++;
    this.enter(start);
    const filter = this.filter(true);
    this.expect(']', start);
    this.depth--;
    return filter;
  }

  private and(inValueFilter: boolean): Filter {
    const filters = [this.unary(inValueFilter)];
    while (this.keyword('and')) filters.push(this.unary(inValueFilter));
    return filters.length === 1 ? filters[0]! : { op: 'and', filters };
  }

  private unary(inValueFilter: boolean): Filter {
    this.skipSpace();
    const start = this.position;
    if (this.peek() === '(') return this.grouped(start, inValueFilter);
    const token = this.token(start);
    if (token.toLowerCase() === 'not') {
      let after = start + token.length;
      while (after < this.text.length && space.test(this.text[after]!)) after++;
      if (this.text[after] === '(') {
        this.position = after;
        return { op: 'not', filter: this.grouped(start, inValueFilter) };
      }
    }
    const path = this.attributePath();
    if (this.peek() !== '[') return this.comparison(path);
    const bracket = this.position;
    if (inValueFilter) throw this.error('Value filters cannot be nested', bracket);
    if (path.subAttribute !== undefined) throw this.error('A value filter applies to an attribute, not to a sub-attribute', bracket);
    const filter = this.bracketed(bracket);
    if (this.peek() !== '.') return { op: 'valuePath', path, filter };
    // `emails[type eq "work"].value co "x"`: a value matching the filter whose sub-attribute matches too.
    this.position++;
    const condition = this.comparison({ attribute: this.name() });
    return { op: 'valuePath', path, filter: filter.op === 'and' ? { op: 'and', filters: [...filter.filters, condition] } : { op: 'and', filters: [filter, condition] } };
  }

  private grouped(start: number, inValueFilter: boolean): Filter {
    this.position++;
    this.enter(start);
    const filter = this.filter(inValueFilter);
    this.expect(')', start);
    this.depth--;
    return filter;
  }

  private comparison(path: AttributePath): Filter {
    const before = this.position;
    this.skipSpace();
    if (this.position === before) throw this.error(`Expected a space and an operator after '${pathName(path)}', found ${this.describe()}`);
    const at = this.position;
    const word = this.token(at);
    const op = word.toLowerCase();
    if (op === 'pr') {
      this.position += word.length;
      return { op: 'pr', path };
    }
    if (!compareOperators.has(op) && word !== '' && pathName(path).toLowerCase() === 'not') throw this.error("'not' takes a filter in parentheses, as in not (title pr)", at);
    if (!compareOperators.has(op)) throw this.error(word === '' ? `Expected an operator, found ${this.describe()}` : `Unknown operator '${word}'`, at);
    this.position += word.length;
    const gap = this.position;
    this.skipSpace();
    if (this.position === gap) throw this.error(`Expected a space and a value after '${word}', found ${this.describe()}`);
    const valueAt = this.position;
    const value = this.value();
    if (orderingOperators.has(op) && (typeof value === 'boolean' || value === null)) throw this.error(`'${op}' cannot compare with ${String(value)}`, valueAt);
    if (stringOperators.has(op) && typeof value !== 'string') throw this.error(`'${op}' needs a string value`, valueAt);
    return { op: op as CompareOperator, path, value };
  }

  private value(): ComparisonValue {
    const start = this.position;
    if (this.peek() === '"') return this.string();
    numberLiteral.lastIndex = start;
    const number = numberLiteral.exec(this.text);
    if (number && !this.continuesToken(start + number[0].length)) {
      this.position += number[0].length;
      return Number(number[0]);
    }
    const word = this.token(start);
    const literal = ({ true: true, false: false, null: null } as Record<string, ComparisonValue>)[word.toLowerCase()];
    if (literal !== undefined && !this.continuesToken(start + word.length)) {
      this.position += word.length;
      return literal;
    }
    throw this.error(`Expected a value (a string in double quotes, a number, true, false or null), found ${this.describe()}`);
  }

  private string(): string {
    const start = this.position;
    let at = start + 1;
    while (at < this.text.length && this.text[at] !== '"') at += this.text[at] === '\\' ? 2 : 1;
    if (at >= this.text.length) throw this.error('Unterminated string', start);
    let value: unknown;
    try {
      value = JSON.parse(this.text.slice(start, at + 1));
    } catch {
      throw this.error('Invalid string (a bad escape or a control character)', start);
    }
    this.position = at + 1;
    return value as string;
  }

  /** Consumes `word` as a keyword if it is next (case-insensitively); otherwise leaves the position alone. */
  private keyword(word: string): boolean {
    const before = this.position;
    this.skipSpace();
    const token = this.token(this.position);
    const separated = this.position > before || /[)\]"]/.test(this.text[before - 1] ?? '');
    if (token.toLowerCase() === word && separated) {
      this.position += token.length;
      return true;
    }
    this.position = before;
    return false;
  }

  private expect(character: string, opened: number): void {
    this.skipSpace();
    if (this.peek() !== character) throw this.error(`Expected '${character}' to close the one opened at position ${opened}, found ${this.describe()}`);
    this.position++;
  }

  private enter(at: number): void {
    if (++this.depth > maxFilterDepth) throw this.error(`Nested deeper than ${maxFilterDepth} levels`, at);
  }

  private token(from: number): string {
    let end = from;
    while (end < this.text.length && pathCharacter.test(this.text[end]!)) end++;
    return this.text.slice(from, end);
  }

  private continuesToken(at: number): boolean {
    return at < this.text.length && pathCharacter.test(this.text[at]!);
  }

  private skipSpace(): void {
    while (this.position < this.text.length && space.test(this.text[this.position]!)) this.position++;
  }

  private describe(): string {
    const next = this.peek();
    return next === undefined ? 'the end' : `'${next}'`;
  }
}

/** `[URN ":"] ATTRNAME ["." ATTRNAME]`, the URN being a known schema or everything up to the last colon. */
function splitAttributePath(token: string, fail: (message: string) => ScimError): AttributePath {
  const lower = token.toLowerCase();
  const whole = knownSchemas.find((schema) => schema.toLowerCase() === lower);
  if (whole !== undefined) return { attribute: whole };
  let schema = knownSchemas.find((known) => lower.startsWith(`${known.toLowerCase()}:`));
  let rest = token;
  if (schema !== undefined) rest = token.slice(schema.length + 1);
  else if (token.includes(':')) {
    const cut = token.lastIndexOf(':');
    schema = token.slice(0, cut);
    rest = token.slice(cut + 1);
    if (!/^urn:[^:]+:/i.test(schema)) throw fail(`'${schema}' is not a schema URN`);
  }
  const parts = rest.split('.');
  if (parts.length > 2) throw fail(`'${token}' has more than one sub-attribute level`);
  for (const part of parts) if (!attributeName.test(part)) throw fail(part === '' ? `'${token}' has an empty attribute name` : `'${part}' is not an attribute name`);
  return {
    ...(schema !== undefined ? { schema } : {}),
    attribute: parts[0]!,
    ...(parts[1] !== undefined ? { subAttribute: parts[1] } : {}),
  };
}
