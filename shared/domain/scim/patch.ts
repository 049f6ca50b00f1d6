import { isDeepStrictEqual } from 'node:util';
import { invalidPath, invalidSyntax, invalidValue, mutability, noTarget, ScimError } from './errors.ts';
import { matchesValue, type Filter } from './filter.ts';
import {
  againstResource,
  attributeHolder,
  canonicalName,
  enterpriseUserSchema,
  findKey,
  getAttribute,
  isExtensionSchema,
  isMultiValued,
  isObject,
  parsePath,
  pathName,
  type AttributePath,
} from './path.ts';

export const patchOpSchema = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
/** Bounds on hostile input: operations in one request, and characters (roughly, as JSON) of all their values. */
export const maxPatchOperations = 1000;
export const maxPatchValueSize = 512 * 1024;
const maxValueDepth = 32;

export interface PatchOptions {
  /** Attributes the request must leave as they are (e.g. `id`, `meta`, `groups`); `attr` covers its sub-attributes. */
  readonly readOnly?: readonly string[];
  /**
   * A `replace` whose value filter matches nothing adds the value instead of failing with
   * noTarget: Entra ID sends `replace emails[type eq "work"].value` for users without one.
   */
  readonly replaceMissingAsAdd?: boolean;
}

type OperationName = 'add' | 'replace' | 'remove';

interface Operation {
  readonly op: OperationName;
  readonly path?: AttributePath;
  readonly value: unknown;
}

type Json = Record<string, unknown>;

/**
 * Applies a SCIM PATCH request (RFC 7644 §3.5.2) to a copy of a resource in its client-facing
 * JSON form and returns the copy; the input is never modified. Operations apply in order and
 * the request fails whole on the first error. Beyond the RFC, as the common clients need:
 * `op` in any case (Entra sends `Replace`), `"True"`/`"False"` for `active` and `primary`, a
 * bare string for the enterprise `manager`, attribute paths as keys of a path-less value
 * (`{"name.givenName": …}`, `{"urn:…:User:department": …}`), a `remove` with a `value` list
 * taking those values out of a multi-valued attribute, and an `add` whose value filter matches
 * nothing adding a value built from the filter's `eq` conditions. A value's `primary: true`
 * unsets it on the attribute's other values (RFC 7643 §2.4). Schema rules (required attributes,
 * types, `schemas` itself) are the caller's to check on the result.
 */
export function applyPatch(resource: Record<string, unknown>, request: unknown, options: PatchOptions = {}): Record<string, unknown> {
  const operations = parseRequest(request);
  const result = structuredClone(resource);
  operations.forEach((operation, index) => {
    try {
      if (operation.path !== undefined) {
        const path = againstResource(result, operation.path);
        try {
          apply(result, operation.op, path, operation.value);
        } catch (error) {
          const missing = error instanceof ScimError && error.scimType === 'noTarget' && operation.op === 'replace' && path.filter !== undefined;
          if (!missing || !options.replaceMissingAsAdd) throw error;
          apply(result, 'add', path, operation.value);
        }
      }
      else for (const [key, value] of Object.entries(operation.value as Json)) apply(result, operation.op, againstResource(result, parsePath(key)), value);
    } catch (error) {
      if (error instanceof ScimError) throw new ScimError(error.status, `Operations[${index}]: ${error.message}`, error.scimType);
      throw error;
    }
  });
  for (const name of options.readOnly ?? []) {
    const path = parsePath(name);
    if (!isDeepStrictEqual(readAt(resource, path), readAt(result, path))) throw mutability(`${pathName(path)} is read-only`);
  }
  return result;
}

function parseRequest(request: unknown): Operation[] {
  if (!isObject(request)) throw invalidSyntax('A PATCH request must be a JSON object');
  const schemas = getAttribute(request, 'schemas');
  if (!Array.isArray(schemas) || !schemas.some((schema) => typeof schema === 'string' && schema.toLowerCase() === patchOpSchema.toLowerCase())) {
    throw invalidSyntax(`schemas must contain ${patchOpSchema}`);
  }
  const operations = getAttribute(request, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) throw invalidSyntax('Operations must be a non-empty array');
  if (operations.length > maxPatchOperations) throw invalidSyntax(`A request can have at most ${maxPatchOperations} operations`);
  const budget = { size: 0 };
  return operations.map((operation, index) => parseOperation(operation, `Operations[${index}]`, budget));
}

function parseOperation(raw: unknown, where: string, budget: { size: number }): Operation {
  if (!isObject(raw)) throw invalidSyntax(`${where} must be an object`);
  const name = getAttribute(raw, 'op');
  const op = typeof name === 'string' ? name.toLowerCase() : undefined;
  if (op !== 'add' && op !== 'replace' && op !== 'remove') throw invalidSyntax(`${where}.op must be add, replace or remove`);
  const pathText = getAttribute(raw, 'path') ?? undefined;
  if (pathText !== undefined && typeof pathText !== 'string') throw invalidPath(`${where}.path must be a string`);
  const value = getAttribute(raw, 'value');
  measure(value, 0, budget);
  if (op !== 'remove' && value === undefined) throw invalidSyntax(`${where}: ${op} needs a value`);
  if (pathText === undefined) {
    if (op === 'remove') throw noTarget(`${where}: remove needs a path`);
    if (!isObject(value)) throw invalidSyntax(`${where}: without a path, the value must be an object of attributes`);
    return { op, value: structuredClone(value) };
  }
  let path: AttributePath;
  try {
    path = parsePath(pathText);
  } catch (error) {
    if (error instanceof ScimError) throw new ScimError(error.status, `${where}.path: ${error.message}`, error.scimType);
    throw error;
  }
  return { op, path, value: structuredClone(value) };
}

/** Bounds the size and depth of a value, and refuses `__proto__` keys, which assignment would turn into a prototype change. */
function measure(value: unknown, depth: number, budget: { size: number }): void {
  if (depth > maxValueDepth) throw invalidValue(`A value is nested deeper than ${maxValueDepth} levels`);
  if (Array.isArray(value)) {
    budget.size += 2;
    for (const each of value) measure(each, depth + 1, budget);
  } else if (isObject(value)) {
    budget.size += 2;
    for (const [key, each] of Object.entries(value)) {
      if (key === '__proto__') throw invalidValue('A value has a __proto__ member');
      budget.size += key.length + 3;
      measure(each, depth + 1, budget);
    }
  } else budget.size += typeof value === 'string' ? value.length + 2 : 8;
  if (budget.size > maxPatchValueSize) throw invalidValue(`The operations' values are larger than ${maxPatchValueSize} characters`);
}

function apply(resource: Json, op: OperationName, path: AttributePath, value: unknown): void {
  let holder = attributeHolder(resource, path);
  if (holder === undefined) {
    if (op === 'remove') return;
    const schema = path.schema as string;
    holder = {};
    resource[findKey(resource, schema) ?? schema] = holder;
  }
  const key = findKey(holder, path.attribute) ?? canonicalName(path.attribute);
  const written = coerce(path, key, value);
  if (path.filter !== undefined) applyFiltered(holder, key, path.filter, pathName({ ...path, subAttribute: undefined }), path.subAttribute, op, written);
  else if (path.subAttribute !== undefined) applyToSubAttribute(holder, key, path.subAttribute, op, written);
  else applyToAttribute(holder, key, op, written);
}

/** Entra sends `"False"` for `active` and `"True"` for `primary`, and a bare id for the enterprise `manager`. */
function coerce(path: AttributePath, key: string, value: unknown): unknown {
  const name = (path.subAttribute ?? key).toLowerCase();
  if ((name === 'active' && path.subAttribute === undefined && !isExtensionSchema(path.schema)) || name === 'primary') return booleanOf(value);
  if (path.schema === enterpriseUserSchema && key.toLowerCase() === 'manager' && path.subAttribute === undefined && typeof value === 'string') return { value };
  if (key.toLowerCase() === enterpriseUserSchema.toLowerCase() && isObject(value)) {
    const manager = findKey(value, 'manager');
    if (manager !== undefined && typeof value[manager] === 'string') value[manager] = { value: value[manager] };
  }
  return coercePrimaries(value);
}

function booleanOf(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const lower = value.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : value;
}

function coercePrimaries(value: unknown): unknown {
  if (Array.isArray(value)) value.forEach(coercePrimaries);
  else if (isObject(value)) {
    for (const [key, each] of Object.entries(value)) {
      if (key.toLowerCase() === 'primary') value[key] = booleanOf(each);
      else coercePrimaries(each);
    }
  }
  return value;
}

function applyToAttribute(holder: Json, key: string, op: OperationName, value: unknown): void {
  const current = holder[key];
  if (op === 'remove') {
    if (value !== undefined && value !== null && Array.isArray(current)) {
      // Entra removes group members as {"op":"remove","path":"members","value":[{"value":"<id>"}]}.
      const unwanted = (Array.isArray(value) ? value : [value]).filter((item) => !isObject(item) || Object.keys(item).length > 0);
      setOrUnset(holder, key, current.filter((each) => !unwanted.some((item) => contains(each, item))));
    } else delete holder[key];
    return;
  }
  if (value === null) {
    delete holder[key];
    return;
  }
  if (op === 'add') {
    const { result, written } = added(current, value, isMultiValued(key));
    holder[key] = result;
    singlePrimary(result, written);
    return;
  }
  if (Array.isArray(current) || (current === undefined && isMultiValued(key))) {
    const list = Array.isArray(value) ? value : [value];
    setOrUnset(holder, key, list);
    singlePrimary(list, list);
  } else holder[key] = replaced(current, value);
}

function applyToSubAttribute(holder: Json, key: string, subAttribute: string, op: OperationName, value: unknown): void {
  const current = holder[key];
  if (current === undefined || current === null) {
    if (op === 'remove' || value === null) return;
    const element: Json = { [canonicalName(subAttribute)]: value };
    holder[key] = isMultiValued(key) ? [element] : element;
    return;
  }
  const values = Array.isArray(current) ? current : [current];
  if (!values.every(isObject)) throw invalidPath(`${key} has no sub-attributes`);
  for (const each of values) writeSubAttribute(each, subAttribute, op, value);
  if (isPrimary(subAttribute)) singlePrimary(current, values);
}

function applyFiltered(holder: Json, key: string, filter: Filter, attribute: string, subAttribute: string | undefined, op: OperationName, value: unknown): void {
  const current = holder[key];
  if (current !== undefined && current !== null && !Array.isArray(current)) throw invalidPath(`${key} is not multi-valued, so it takes no value filter`);
  const list: unknown[] = Array.isArray(current) ? current : [];
  const matched = list.filter((each): each is Json => isObject(each) && matchesValue(filter, each, attribute));
  if (matched.length === 0) {
    if (op === 'remove') return;
    if (op === 'replace') throw noTarget(`No value of ${key} matches the filter`);
    const element = elementFrom(filter);
    if (element === undefined) throw noTarget(`No value of ${key} matches the filter, and the filter does not describe a new one`);
    if (subAttribute !== undefined) writeSubAttribute(element, subAttribute, 'add', value);
    else if (isObject(value)) mergeAdded(element, value);
    else throw invalidValue(`The value for ${key}[…] must be an object`);
    holder[key] = [...list, element];
    singlePrimary(holder[key] as unknown[], [element]);
    return;
  }
  if (op === 'remove') {
    if (subAttribute !== undefined) for (const each of matched) writeSubAttribute(each, subAttribute, 'remove', undefined);
    else setOrUnset(holder, key, list.filter((each) => !matched.includes(each as Json)));
    return;
  }
  if (subAttribute !== undefined) {
    for (const each of matched) writeSubAttribute(each, subAttribute, op, value);
    if (isPrimary(subAttribute)) singlePrimary(list, matched);
    return;
  }
  if (!isObject(value)) throw invalidValue(`The value for ${key}[…] must be an object`);
  if (op === 'add') {
    for (const each of matched) mergeAdded(each, structuredClone(value));
    if (findKey(value, 'primary') !== undefined) singlePrimary(list, matched);
    return;
  }
  // RFC 7644 §3.5.2.3: "all matching record values SHALL be replaced".
  const replacements: Json[] = [];
  holder[key] = list.map((each) => {
    if (!matched.includes(each as Json)) return each;
    const replacement = structuredClone(value);
    replacements.push(replacement);
    return replacement;
  });
  singlePrimary(holder[key] as unknown[], replacements);
}

function writeSubAttribute(element: Json, subAttribute: string, op: OperationName, value: unknown): void {
  const key = findKey(element, subAttribute) ?? canonicalName(subAttribute);
  if (op === 'remove' || value === null) delete element[key];
  else if (op === 'add') element[key] = added(element[key], structuredClone(value), false).result;
  else element[key] = replaced(element[key], structuredClone(value));
}

/**
 * RFC 7644 §3.5.2.1: a value added to a multi-valued attribute is appended unless one already
 * there contains it; a complex value's sub-attributes are added to it; anything else replaces.
 */
function added(current: unknown, value: unknown, multiValued: boolean): { result: unknown; written: unknown[] } {
  if (Array.isArray(current) || ((current === undefined || current === null) && multiValued)) {
    const list: unknown[] = Array.isArray(current) ? current : [];
    const written: unknown[] = [];
    for (const item of Array.isArray(value) ? value : [value]) {
      if (list.some((each) => contains(each, item))) continue;
      list.push(item);
      written.push(item);
    }
    return { result: list, written };
  }
  if (isObject(current) && isObject(value)) {
    mergeAdded(current, value);
    return { result: current, written: [] };
  }
  return { result: value, written: [] };
}

function mergeAdded(target: Json, value: Json): void {
  for (const [name, each] of Object.entries(value)) {
    const key = findKey(target, name) ?? name;
    if (each === null) delete target[key];
    else target[key] = added(target[key], each, false).result;
  }
}

/** RFC 7644 §3.5.2.3: a complex value replaces the sub-attributes it names and leaves the others. */
function replaced(current: unknown, value: unknown): unknown {
  if (!isObject(current) || !isObject(value)) return value;
  for (const [name, each] of Object.entries(value)) {
    const key = findKey(current, name) ?? name;
    if (each === null) delete current[key];
    else current[key] = replaced(current[key], each);
  }
  return current;
}

/** Whether `item` is already there: equal, or (for complex values) every sub-attribute it names equal. */
function contains(existing: unknown, item: unknown): boolean {
  if (!isObject(existing) || !isObject(item)) return isDeepStrictEqual(existing, item);
  return Object.entries(item).every(([name, value]) => {
    const key = findKey(existing, name);
    return key !== undefined && isDeepStrictEqual(existing[key], value);
  });
}

const isPrimary = (name: string) => name.toLowerCase() === 'primary';

/** RFC 7643 §2.4: at most one value is primary, so the one just written wins. `written` are the values this operation set `primary` on (or added whole). */
function singlePrimary(list: unknown, written: readonly unknown[]): void {
  if (!Array.isArray(list)) return;
  const claims = written.filter((each) => isObject(each) && getAttribute(each, 'primary') === true);
  if (claims.length > 1) throw invalidValue('Only one value can be primary');
  if (claims.length === 0) return;
  for (const each of list) {
    if (each === claims[0] || !isObject(each)) continue;
    const key = findKey(each, 'primary');
    if (key !== undefined && each[key] === true) each[key] = false;
  }
}

/** `emails[type eq "work"]` with nothing to match describes a new value `{type: "work"}`; other filters describe none. */
function elementFrom(filter: Filter): Json | undefined {
  const conditions = filter.op === 'and' ? filter.filters : [filter];
  const element: Json = {};
  for (const condition of conditions) {
    if (condition.op !== 'eq' || condition.path.schema !== undefined || condition.path.subAttribute !== undefined) return undefined;
    element[canonicalName(condition.path.attribute)] = condition.value;
  }
  return element;
}

function setOrUnset(holder: Json, key: string, list: unknown[]): void {
  if (list.length) holder[key] = list;
  else delete holder[key];
}

function readAt(resource: Json, named: AttributePath): unknown {
  const path = againstResource(resource, named);
  const holder = attributeHolder(resource, path);
  const value = holder && getAttribute(holder, path.attribute);
  const sub = path.subAttribute;
  if (sub === undefined) return value;
  if (Array.isArray(value)) return value.map((each) => (isObject(each) ? getAttribute(each, sub) : undefined));
  return isObject(value) ? getAttribute(value, sub) : undefined;
}
