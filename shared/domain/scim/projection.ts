import { invalidPath } from './errors.ts';
import { againstResource, isExtensionSchema, isObject, maxFilterLength, parsePath } from './path.ts';

export interface ProjectionOptions {
  readonly attributes?: readonly string[];
  readonly excludedAttributes?: readonly string[];
  /** Returned whatever `attributes` says and never excluded, beside `id` and `schemas` (RFC 7643 `returned: always`). */
  readonly alwaysReturned?: readonly string[];
}

/** Lower-cased names down the resource JSON (extension URN, attribute, sub-attribute); `true` takes the whole value. */
type Selection = Map<string, Selection | true>;

const neverExcluded = ['id', 'schemas'];

/**
 * The resource as RFC 7644 §3.9 shapes it: with `attributes`, only those (and what is always
 * returned); with `excludedAttributes`, all but those. Names are case-insensitive and may be
 * `attr.sub` (applied to each value of a multi-valued attribute) or URN-qualified; a name the
 * resource does not have is ignored. Values emptied by the projection are left out.
 */
export function project(resource: Record<string, unknown>, options: ProjectionOptions = {}): Record<string, unknown> {
  const always = [...neverExcluded, ...(options.alwaysReturned ?? [])];
  let result = structuredClone(resource);
  if (options.attributes?.length) result = select(result, selection(resource, [...options.attributes, ...always]));
  if (options.excludedAttributes?.length) {
    const excluded = selection(resource, options.excludedAttributes);
    for (const key of selection(resource, always).keys()) excluded.delete(key);
    result = exclude(result, excluded);
  }
  return result;
}

/** Splits the `attributes` or `excludedAttributes` query parameter; undefined when absent or blank. */
export function parseAttributeList(text: string | null): string[] | undefined {
  if (text === null) return undefined;
  if (text.length > maxFilterLength) throw invalidPath(`The attribute list is longer than ${maxFilterLength} characters`);
  const names = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
  if (names.length === 0) return undefined;
  for (const name of names) if (parsePath(name).filter !== undefined) throw invalidPath(`${name}: an attribute list takes no value filters`);
  const seen = new Set<string>();
  return names.filter((name) => !seen.has(name.toLowerCase()) && seen.add(name.toLowerCase()));
}

function selection(resource: Record<string, unknown>, names: readonly string[]): Selection {
  const root: Selection = new Map();
  for (const name of names) {
    const path = againstResource(resource, parsePath(name));
    if (path.filter !== undefined) throw invalidPath(`${name}: an attribute list takes no value filters`);
    const steps = [...(isExtensionSchema(path.schema) ? [path.schema] : []), path.attribute, ...(path.subAttribute !== undefined ? [path.subAttribute] : [])];
    let node: Selection = root;
    for (const [index, step] of steps.entries()) {
      const key = step.toLowerCase();
      if (index === steps.length - 1) {
        node.set(key, true);
        break;
      }
      let child: Selection | true | undefined = node.get(key);
      if (child === true) break;
      if (child === undefined) node.set(key, (child = new Map()));
      node = child;
    }
  }
  return root;
}

function select(object: Record<string, unknown>, wanted: Selection): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    const node = wanted.get(key.toLowerCase());
    if (node === undefined) continue;
    const kept = node === true ? value : narrowed(value, (each) => select(each, node));
    if (kept !== undefined) result[key] = kept;
  }
  return result;
}

function exclude(object: Record<string, unknown>, unwanted: Selection): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    const node = unwanted.get(key.toLowerCase());
    if (node === true) continue;
    const kept = node === undefined ? value : narrowed(value, (each) => exclude(each, node), true);
    if (kept !== undefined) result[key] = kept;
  }
  return result;
}

/** Applies `narrow` to a complex value or to each of a multi-valued attribute's; undefined when nothing is left. */
function narrowed(value: unknown, narrow: (object: Record<string, unknown>) => Record<string, unknown>, keepSimple = false): unknown {
  const one = (each: unknown): unknown => {
    if (!isObject(each)) return keepSimple ? each : undefined;
    const result = narrow(each);
    return Object.keys(result).length ? result : undefined;
  };
  if (!Array.isArray(value)) return one(value);
  const values = value.map(one).filter((each) => each !== undefined);
  return values.length ? values : undefined;
}
