import type { RE2JS } from 're2js';
import { z } from 'zod';
import { attributeNameFormats } from '../saml/saml-names.ts';

/**
 * The claim transformation language of the broker (the flow document's claim mappings): a small
 * declarative expression tree in JSON that turns one dialect of claims into another, applied
 * inbound (an upstream provider's claims or SAML attributes → the local user) and outbound (the
 * user → an application's OIDC claims or SAML attributes). There is no `eval` and no loop: an
 * expression is a tree of at most `maxNodes` nodes, each a bounded operation on bounded strings,
 * and regular expressions run on RE2 (re2js: linear time in the input, whatever the pattern; no
 * catastrophic backtracking). Everything is checked when the document is saved, with the path of
 * each error. The RE2 engine loads only for mappings that use a pattern, so the token path of a
 * tenant without them does not pay for it.
 */

export type Scalar = string | number | boolean;
export type ClaimValue = Scalar | readonly string[] | undefined;
export type ClaimSource = Readonly<Record<string, unknown>>;

export type Expression =
  | { readonly claim: string }
  | { readonly const: Scalar }
  | { readonly concat: readonly Expression[]; readonly separator?: string }
  | { readonly split: Expression; readonly separator: string; readonly index?: number }
  | { readonly join: Expression; readonly separator: string }
  | { readonly first: Expression }
  | { readonly replace: Expression; readonly pattern: string; readonly with: string; readonly flags?: string }
  | { readonly lower: Expression }
  | { readonly upper: Expression }
  | { readonly trim: Expression }
  | { readonly ageFrom: Expression }
  | { readonly map: Expression; readonly table: Readonly<Record<string, Scalar>>; readonly default?: Expression }
  | { readonly if: Condition; readonly then: Expression; readonly else?: Expression };

export type Condition =
  | { readonly present: Expression }
  | { readonly equals: readonly [Expression, Expression] }
  | { readonly matches: Expression; readonly pattern: string; readonly flags?: string }
  | { readonly in: Expression; readonly values: readonly Scalar[] }
  | { readonly atLeast: readonly [Expression, number] }
  | { readonly not: Condition }
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] };

export interface ClaimMapping {
  /** The claim (or attribute) written: `email`, `attributes.department`, `urn:oid:2.16.840.1.113730.3.1.241`. */
  readonly target: string;
  readonly value: Expression;
  /** For a SAML attribute the application receives: its NameFormat (default: uri for URI-like names, else basic). */
  readonly nameFormat?: string;
}

const maxNodes = 400;
const maxDepth = 12;
const maxString = 4096;
const maxList = 100;
const maxPattern = 200;

const scalar = z.union([z.string().max(1024), z.number().finite(), z.boolean()]);
const claimPath = z.string().regex(/^[A-Za-z_][\w.:/-]{0,255}$/, 'must be a claim name (letters, digits, _ . : / -)');
const flags = z.string().regex(/^(?!.*(.).*\1)[gi]{0,2}$/, 'only the flags g and i').optional();
/** Syntax is checked here with the JavaScript parser; `patternProblems` compiles with RE2 when a document is saved. */
const pattern = z
  .string()
  .min(1)
  .max(maxPattern)
  .superRefine((source, ctx) => {
    try {
      new RegExp(source, 'u');
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not a valid regular expression' });
      return;
    }
    if (/\\[1-9]|\\k<|\(\?<?[=!]/.test(source)) ctx.addIssue({ code: 'custom', message: 'backreferences and lookarounds are not allowed (patterns run on RE2)' });
  });

export const expressionSchema: z.ZodType<Expression> = z.lazy(() =>
  z.union([
    z.strictObject({ claim: claimPath }),
    z.strictObject({ const: scalar }),
    z.strictObject({ concat: z.array(expressionSchema).min(1).max(20), separator: z.string().max(64).optional() }),
    z.strictObject({ split: expressionSchema, separator: z.string().min(1).max(64), index: z.number().int().min(-maxList).max(maxList).optional() }),
    z.strictObject({ join: expressionSchema, separator: z.string().max(64) }),
    z.strictObject({ first: expressionSchema }),
    z.strictObject({ replace: expressionSchema, pattern, with: z.string().max(1024), flags }),
    z.strictObject({ lower: expressionSchema }),
    z.strictObject({ upper: expressionSchema }),
    z.strictObject({ trim: expressionSchema }),
    z.strictObject({ ageFrom: expressionSchema }),
    z.strictObject({ map: expressionSchema, table: z.record(z.string().max(256), scalar).refine((t) => Object.keys(t).length <= 200, 'at most 200 entries'), default: expressionSchema.optional() }),
    z.strictObject({ if: conditionSchema, then: expressionSchema, else: expressionSchema.optional() }),
  ]),
);

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ present: expressionSchema }),
    z.strictObject({ equals: z.tuple([expressionSchema, expressionSchema]) }),
    z.strictObject({ matches: expressionSchema, pattern, flags }),
    z.strictObject({ in: expressionSchema, values: z.array(scalar).min(1).max(200) }),
    z.strictObject({ atLeast: z.tuple([expressionSchema, z.number().finite()]) }),
    z.strictObject({ not: conditionSchema }),
    z.strictObject({ all: z.array(conditionSchema).min(1).max(20) }),
    z.strictObject({ any: z.array(conditionSchema).min(1).max(20) }),
  ]),
);

/** Nodes and depth of a tree of expressions and conditions (every object in it is one node). */
function measure(node: unknown, depth = 1): { nodes: number; depth: number } {
  if (Array.isArray(node)) return node.reduce<{ nodes: number; depth: number }>((acc, item) => {
    const m = measure(item, depth);
    return { nodes: acc.nodes + m.nodes, depth: Math.max(acc.depth, m.depth) };
  }, { nodes: 0, depth: depth - 1 });
  if (node === null || typeof node !== 'object') return { nodes: 0, depth: depth - 1 };
  let result = { nodes: 1, depth };
  for (const [key, value] of Object.entries(node)) {
    if (key === 'table' || key === 'values') continue;
    const m = measure(value, depth + 1);
    result = { nodes: result.nodes + m.nodes, depth: Math.max(result.depth, m.depth) };
  }
  return result;
}

/** A list of mappings, its total size bounded; a target appears once. */
export const claimMappingsSchema = z
  .array(z.strictObject({ target: claimPath, value: expressionSchema, nameFormat: z.enum(Object.values(attributeNameFormats)).optional() }))
  .max(50)
  .superRefine((mappings, ctx) => {
    const seen = new Set<string>();
    let nodes = 0;
    mappings.forEach((mapping, i) => {
      if (seen.has(mapping.target)) ctx.addIssue({ code: 'custom', path: [i, 'target'], message: `${mapping.target} is mapped twice` });
      seen.add(mapping.target);
      const m = measure(mapping.value);
      nodes += m.nodes;
      if (m.depth > maxDepth) ctx.addIssue({ code: 'custom', path: [i, 'value'], message: `is nested ${m.depth} deep; at most ${maxDepth}` });
    });
    if (nodes > maxNodes) ctx.addIssue({ code: 'custom', message: `the mappings have ${nodes} expressions; at most ${maxNodes}` });
  });

/** Claims a mapping may not write: they are the protocol's own (a mapping could otherwise forge a subject or an audience). */
export const reservedClaimNames: ReadonlySet<string> = new Set(['iss', 'sub', 'aud', 'exp', 'iat', 'nbf', 'jti', 'nonce', 'auth_time', 'acr', 'amr', 'sid', 'at_hash', 'c_hash', 's_hash', 'azp', 'cnf', 'events', 'typ', 'scope', 'client_id']);

// ---- evaluation -------------------------------------------------------------------------------

const boundedString = (value: string): string | undefined => (value.length <= maxString ? value : undefined);

/** A claim's value as the language sees it: strings, numbers, booleans and lists of strings; anything else is absent. */
function normalize(value: unknown): ClaimValue {
  if (typeof value === 'string') return boundedString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'boolean') return value;
  if (Array.isArray(value)) {
    const items = value.filter((v): v is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof v)).map(String).filter((v) => v.length <= maxString);
    return items.length ? items.slice(0, maxList) : undefined;
  }
  return undefined;
}

/** Reads `a.b.c` from nested objects; an exact key with dots (SAML attribute names) wins. */
function read(source: ClaimSource, path: string): ClaimValue {
  if (Object.hasOwn(source, path)) return normalize(source[path]);
  let node: unknown = source;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return normalize(node);
}

const asString = (value: ClaimValue): string | undefined => (value === undefined ? undefined : Array.isArray(value) ? value[0] : String(value));
const onEach = (value: ClaimValue, f: (s: string) => string | undefined): ClaimValue => {
  if (Array.isArray(value)) {
    const out = value.map(f).filter((v): v is string => v !== undefined);
    return out.length ? out : undefined;
  }
  const s = asString(value);
  return s === undefined ? undefined : f(s);
};

function ageOn(birthdate: string, now: Date): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthdate);
  if (!match) return undefined;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const born = new Date(Date.UTC(y, m - 1, d));
  if (born.getUTCMonth() !== m - 1 || born.getUTCDate() !== d || born > now) return undefined;
  const age = now.getUTCFullYear() - y - (now.getUTCMonth() + 1 < m || (now.getUTCMonth() + 1 === m && now.getUTCDate() < d) ? 1 : 0);
  return age <= 150 ? age : undefined;
}

type Engine = typeof RE2JS;
const loadEngine = async (): Promise<Engine> => (await import('re2js')).RE2JS;
const compile = (engine: Engine, source: string, flags = '') => engine.compile(source, flags.includes('i') ? engine.CASE_INSENSITIVE : 0);

interface Evaluation {
  readonly source: ClaimSource;
  readonly now: Date;
  readonly engine?: Engine;
}

function evaluate(expression: Expression, context: Evaluation): ClaimValue {
  const e = expression as Record<string, unknown>;
  const sub = (x: unknown) => evaluate(x as Expression, context);
  const { source, now, engine } = context;
  if ('claim' in e) return read(source, e.claim as string);
  if ('const' in e) return e.const as Scalar;
  if ('concat' in e) {
    const parts = (e.concat as Expression[]).map((x) => asString(sub(x))).filter((v): v is string => v !== undefined && v !== '');
    return parts.length ? boundedString(parts.join((e.separator as string | undefined) ?? '')) : undefined;
  }
  if ('split' in e) {
    const s = asString(sub(e.split));
    if (s === undefined) return undefined;
    const parts = s.split(e.separator as string).slice(0, maxList);
    return typeof e.index === 'number' ? parts.at(e.index) : parts;
  }
  if ('join' in e) {
    const v = sub(e.join);
    return Array.isArray(v) ? boundedString(v.join(e.separator as string)) : asString(v);
  }
  if ('first' in e) return asString(sub(e.first));
  if ('replace' in e) {
    const re = compile(engine!, e.pattern as string, e.flags as string | undefined);
    const global = ((e.flags as string | undefined) ?? '').includes('g');
    return onEach(sub(e.replace), (s) => {
      const matcher = re.matcher(s);
      return boundedString(global ? matcher.replaceAll(e.with as string) : matcher.replaceFirst(e.with as string));
    });
  }
  if ('lower' in e) return onEach(sub(e.lower), (s) => s.toLowerCase());
  if ('upper' in e) return onEach(sub(e.upper), (s) => s.toUpperCase());
  if ('trim' in e) return onEach(sub(e.trim), (s) => s.trim());
  if ('ageFrom' in e) {
    const s = asString(sub(e.ageFrom));
    return s === undefined ? undefined : ageOn(s, now);
  }
  if ('map' in e) {
    const key = asString(sub(e.map));
    const table = e.table as Record<string, Scalar>;
    if (key !== undefined && Object.hasOwn(table, key)) return table[key];
    return e.default === undefined ? undefined : sub(e.default);
  }
  if ('if' in e) return holds(e.if as Condition, context) ? sub(e.then) : e.else === undefined ? undefined : sub(e.else);
  return undefined;
}

function holds(condition: Condition, context: Evaluation): boolean {
  const c = condition as Record<string, unknown>;
  const value = (x: unknown) => evaluate(x as Expression, context);
  if ('present' in c) {
    const v = value(c.present);
    return v !== undefined && v !== '';
  }
  if ('equals' in c) {
    const [a, b] = (c.equals as [Expression, Expression]).map(value);
    return a !== undefined && asString(a) === asString(b);
  }
  if ('matches' in c) {
    const s = asString(value(c.matches));
    return s !== undefined && compile(context.engine!, c.pattern as string, c.flags as string | undefined).test(s);
  }
  if ('in' in c) {
    const v = value(c.in);
    const allowed = (c.values as Scalar[]).map(String);
    return Array.isArray(v) ? v.some((item) => allowed.includes(item)) : v !== undefined && allowed.includes(String(v));
  }
  if ('atLeast' in c) {
    const [expression, bound] = c.atLeast as [Expression, number];
    const n = Number(asString(value(expression)));
    return Number.isFinite(n) && n >= bound;
  }
  if ('not' in c) return !holds(c.not as Condition, context);
  if ('all' in c) return (c.all as Condition[]).every((x) => holds(x, context));
  if ('any' in c) return (c.any as Condition[]).some((x) => holds(x, context));
  return false;
}

/** The claim names an expression reads (`{ claim }` nodes anywhere in it). */
export function claimsReadBy(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(claimsReadBy);
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) => (key === 'claim' && typeof value === 'string' ? [value] : key === 'table' || key === 'values' ? [] : claimsReadBy(value)));
}

/** Every regular expression in the mappings, with where it is. */
function patternsOf(node: unknown, path: (string | number)[] = []): { pattern: string; path: (string | number)[] }[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => patternsOf(item, [...path, i]));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) => (key === 'pattern' && typeof value === 'string' ? [{ pattern: value, path: [...path, key] }] : key === 'table' ? [] : patternsOf(value, [...path, key])));
}

/** Patterns RE2 does not accept (its syntax is close to, not the same as, JavaScript's): checked when a document is saved. */
export async function patternProblems(mappingsOrRules: unknown): Promise<{ path: string; message: string }[]> {
  const found = patternsOf(mappingsOrRules);
  if (!found.length) return [];
  const engine = await loadEngine();
  return found.flatMap(({ pattern, path }) => {
    try {
      engine.compile(pattern);
      return [];
    } catch (error) {
      return [{ path: path.join('.'), message: `is not a pattern RE2 accepts (${error instanceof Error ? error.message.slice(0, 100) : 'invalid'})` }];
    }
  });
}

/** Whether a condition holds for these claims (a pattern RE2 refuses makes it false). */
export async function conditionHolds(condition: Condition, source: ClaimSource, now = new Date()): Promise<boolean> {
  const engine = patternsOf(condition).length ? await loadEngine() : undefined;
  try {
    return holds(condition, { source, now, ...(engine ? { engine } : {}) });
  } catch {
    return false;
  }
}

/**
 * Provisioning rules (issue: identity broker): a federated user joins a group when a condition on
 * the upstream's claims holds (e.g. `{ "in": { "claim": "groups" }, "values": ["engineering"] }`).
 * Groups are only ever added by these rules, never taken away.
 */
export const groupRulesSchema = z.array(z.strictObject({ when: conditionSchema, group: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a group id') })).max(20);
export type GroupRule = z.output<typeof groupRulesSchema>[number];

/** The mapped claims: each target with its value, absent ones left out. A pattern RE2 refuses leaves its target absent. */
export async function applyClaimMappings(mappings: readonly ClaimMapping[], source: ClaimSource, now = new Date()): Promise<Record<string, Exclude<ClaimValue, undefined>>> {
  const engine = patternsOf(mappings).length ? await loadEngine() : undefined;
  const out: Record<string, Exclude<ClaimValue, undefined>> = {};
  for (const mapping of mappings) {
    let value: ClaimValue;
    try {
      value = evaluate(mapping.value, { source, now, ...(engine ? { engine } : {}) });
    } catch {
      value = undefined;
    }
    if (value !== undefined) out[mapping.target] = value;
  }
  return out;
}
