import { invalidFilter, invalidPath } from './errors.ts';
import { attributeHolder, canonicalName, getAttribute, isExtensionSchema, isObject, parseFilterSyntax, parsePath, pathName, type AttributePath } from './path.ts';

export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type ComparisonValue = string | number | boolean | null;

/** A parsed SCIM filter (RFC 7644 §3.4.2.2). `and`/`or` are n-ary; `valuePath` is `attr[filter]`. */
export type Filter =
  | { readonly op: CompareOperator; readonly path: AttributePath; readonly value: ComparisonValue }
  | { readonly op: 'pr'; readonly path: AttributePath }
  | { readonly op: 'and' | 'or'; readonly filters: readonly Filter[] }
  | { readonly op: 'not'; readonly filter: Filter }
  | { readonly op: 'valuePath'; readonly path: AttributePath; readonly filter: Filter };

/** Parses a `filter` query parameter or body member; throws ScimError 400 invalidFilter naming the position. */
export const parseFilter = (text: string): Filter => parseFilterSyntax(text);

/**
 * Attributes compared case-sensitively (RFC 7643 `caseExact`), as lower-cased `attr.sub` names.
 * Any `$ref` is case-exact too.
 */
export const defaultCaseExact: ReadonlySet<string> = new Set(['id', 'externalid', 'meta.location', 'meta.version', 'members.value']);

/**
 * Whether a resource (in its client-facing JSON form) matches. A multi-valued attribute matches if
 * any of its values does; `ne` is the negation of `eq`, so it also matches a resource without the
 * attribute. `eq null` matches an absent attribute and `ne null` a present one. Strings compare
 * case-insensitively unless the attribute is in `caseExact` (added to `defaultCaseExact`); two
 * date-times compare as instants. Ordering a boolean attribute is invalidFilter (RFC 7644 §3.4.2.2).
 */
export function matches(filter: Filter, resource: Record<string, unknown>, caseExact?: ReadonlySet<string>): boolean {
  return evaluate(filter, resource, undefined, exactNames(caseExact));
}

/** Whether one value of multi-valued `attribute` (e.g. `members`) matches a value filter, as in `members[value eq "…"]`. */
export function matchesValue(filter: Filter, value: Record<string, unknown>, attribute: string, caseExact?: ReadonlySet<string>): boolean {
  return evaluate(filter, value, attribute, exactNames(caseExact));
}

function exactNames(extra: ReadonlySet<string> | undefined): ReadonlySet<string> {
  return extra === undefined || extra.size === 0 ? defaultCaseExact : new Set([...defaultCaseExact, ...[...extra].map((name) => name.toLowerCase())]);
}

function evaluate(filter: Filter, target: Record<string, unknown>, parent: string | undefined, caseExact: ReadonlySet<string>): boolean {
  switch (filter.op) {
    case 'and':
      return filter.filters.every((each) => evaluate(each, target, parent, caseExact));
    case 'or':
      return filter.filters.some((each) => evaluate(each, target, parent, caseExact));
    case 'not':
      return !evaluate(filter.filter, target, parent, caseExact);
    case 'valuePath': {
      const holder = parent === undefined ? attributeHolder(target, filter.path) : target;
      const raw = holder && getAttribute(holder, filter.path.attribute);
      const name = pathName(filter.path, parent);
      return (Array.isArray(raw) ? raw : [raw]).some((value) => isObject(value) && evaluate(filter.filter, value, name, caseExact));
    }
    case 'pr':
      return valuesAt(target, filter.path, parent).some(isPresent);
    default: {
      const name = pathName(filter.path, parent).toLowerCase();
      const exact = caseExact.has(name) || name.endsWith('$ref');
      const values = valuesAt(target, filter.path, parent).map((value) => (isObject(value) ? getAttribute(value, 'value') : value)).filter((value) => value !== undefined && value !== null);
      if (filter.value === null) return filter.op === 'eq' ? !values.some(isPresent) : values.some(isPresent);
      if (filter.op === 'ne') return !values.some((value) => equal(value, filter.value, exact));
      return values.some((value) => compare(filter.op, value, filter.value, exact, name));
    }
  }
}

/** Every value at the path, multi-valued attributes flattened, absent and null values dropped. */
function valuesAt(target: Record<string, unknown>, path: AttributePath, parent: string | undefined): unknown[] {
  const holder = parent === undefined ? attributeHolder(target, path) : target;
  if (!holder) return [];
  let values = flat(getAttribute(holder, path.attribute));
  const sub = path.subAttribute;
  if (sub !== undefined) values = values.flatMap((value) => (isObject(value) ? flat(getAttribute(value, sub)) : []));
  return values.filter((value) => value !== undefined && value !== null);
}

const flat = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/** RFC 7644 `pr`: has a non-empty value (RFC 7643 §2.5 treats "", [] and {} as unassigned). */
function isPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.some(isPresent);
  if (isObject(value)) return Object.values(value).some(isPresent);
  return true;
}

const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/i;

/** Milliseconds when both are ISO 8601 date-times (RFC 7643 §2.3.5), so `…:34Z` equals `…:34.000Z`. */
function instants(a: string, b: string): [number, number] | undefined {
  if (!dateTime.test(a) || !dateTime.test(b)) return undefined;
  const times: [number, number] = [Date.parse(a), Date.parse(b)];
  return Number.isNaN(times[0]) || Number.isNaN(times[1]) ? undefined : times;
}

const fold = (text: string, exact: boolean): string => (exact ? text : text.toLowerCase());

function equal(value: unknown, operand: ComparisonValue, exact: boolean): boolean {
  if (typeof value === 'string' && typeof operand === 'string') {
    const times = instants(value, operand);
    return times ? times[0] === times[1] : fold(value, exact) === fold(operand, exact);
  }
  return value === operand;
}

function compare(op: CompareOperator, value: unknown, operand: ComparisonValue, exact: boolean, name: string): boolean {
  switch (op) {
    case 'eq':
      return equal(value, operand, exact);
    case 'co':
      return typeof value === 'string' && fold(value, exact).includes(fold(String(operand), exact));
    case 'sw':
      return typeof value === 'string' && fold(value, exact).startsWith(fold(String(operand), exact));
    case 'ew':
      return typeof value === 'string' && fold(value, exact).endsWith(fold(String(operand), exact));
    default: {
      if (typeof value === 'boolean') throw invalidFilter(`'${op}' cannot compare the boolean attribute ${name}`);
      const order = ordering(value, operand, exact);
      if (order === undefined) return false;
      return op === 'gt' ? order > 0 : op === 'ge' ? order >= 0 : op === 'lt' ? order < 0 : order <= 0;
    }
  }
}

function ordering(value: unknown, operand: ComparisonValue, exact: boolean): number | undefined {
  if (typeof value === 'number' && typeof operand === 'number') return Math.sign(value - operand);
  if (typeof value !== 'string' || typeof operand !== 'string') return undefined;
  const times = instants(value, operand);
  if (times) return Math.sign(times[0] - times[1]);
  const [a, b] = [fold(value, exact), fold(operand, exact)];
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The value a resource sorts by for `sortBy` (RFC 7644 §3.4.2.3): a multi-valued attribute's
 * primary value, else its first; a complex value's `value` sub-attribute; undefined when missing.
 */
export function sortValue(resource: Record<string, unknown>, path: string | AttributePath): unknown {
  const parsed = typeof path === 'string' ? parsePath(path) : path;
  if (parsed.filter !== undefined) throw invalidPath('sortBy takes no value filter');
  const holder = attributeHolder(resource, parsed);
  let value = holder && getAttribute(holder, parsed.attribute);
  if (Array.isArray(value)) value = value.find((each) => isObject(each) && getAttribute(each, 'primary') === true) ?? value[0];
  if (parsed.subAttribute !== undefined) value = isObject(value) ? getAttribute(value, parsed.subAttribute) : undefined;
  else if (isObject(value) && getAttribute(value, 'value') !== undefined) value = getAttribute(value, 'value');
  return value ?? undefined;
}

const typeRank = (value: unknown): number => ['boolean', 'number', 'string'].indexOf(typeof value) + 1 || 4;

/**
 * Ascending order of two sort values: missing values last (so reversing the comparison for
 * `descending` puts them first, as RFC 7644 §3.4.2.3 asks), strings case-insensitively,
 * date-times as instants, values of different types grouped by type.
 */
export function compareForSort(a: unknown, b: unknown): number {
  const [missingA, missingB] = [a === undefined || a === null, b === undefined || b === null];
  if (missingA || missingB) return Number(missingA) - Number(missingB);
  if (typeof a === 'string' && typeof b === 'string') return ordering(a, b, false) || (a < b ? -1 : a > b ? 1 : 0);
  if (typeof a === 'number' && typeof b === 'number') return Math.sign(a - b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return typeRank(a) - typeRank(b);
}

/**
 * The `attr eq "string"` conditions every matching resource satisfies: the conjuncts at the top
 * of the filter, and those inside a value filter (as `emails.value`). Nothing under `or` or
 * `not` is a condition. Core attribute names come back in their canonical spelling
 * (`USERNAME` → `userName`), extension ones prefixed by their schema URN. The value is as the
 * client wrote it: compare it as the attribute's case rules require.
 */
export function equalityConditions(filter: Filter): Array<{ path: string; value: string }> {
  switch (filter.op) {
    case 'eq':
      return typeof filter.value === 'string' ? [{ path: conditionPath(filter.path), value: filter.value }] : [];
    case 'and':
      return filter.filters.flatMap(equalityConditions);
    case 'valuePath': {
      const parent = conditionPath(filter.path);
      return equalityConditions(filter.filter)
        .filter((condition) => !condition.path.includes('.') && !condition.path.includes(':'))
        .map((condition) => ({ path: `${parent}.${condition.path}`, value: condition.value }));
    }
    default:
      return [];
  }
}

function conditionPath(path: AttributePath): string {
  const prefix = isExtensionSchema(path.schema) ? `${path.schema}:` : '';
  return `${prefix}${canonicalName(path.attribute)}${path.subAttribute !== undefined ? `.${canonicalName(path.subAttribute)}` : ''}`;
}
