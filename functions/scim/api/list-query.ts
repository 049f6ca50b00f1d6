import { compareForSort, parseFilter, sortValue, type Filter } from '../../../shared/domain/scim/filter.ts';
import { parseAttributeList, project } from '../../../shared/domain/scim/projection.ts';
import { scimError } from './scim-route.ts';

export const listResponseSchema = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const searchRequestSchema = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
/** The most resources one answer holds (ServiceProviderConfig filter.maxResults). */
export const maxResults = 200;

export interface ListQuery {
  readonly filter?: Filter;
  /** The filter as sent, to see which attributes it touches. */
  readonly filterText?: string;
  readonly startIndex: number;
  readonly count: number;
  readonly sortBy?: string;
  readonly sortOrder: 'ascending' | 'descending';
  readonly attributes?: string[];
  readonly excludedAttributes?: string[];
}

function integer(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = typeof value === 'number' ? value : /^-?\d{1,9}$/.test(String(value)) ? Number(value) : NaN;
  if (!Number.isInteger(n)) throw scimError(400, `${name} must be an integer`, 'invalidValue');
  return n;
}

function build(raw: { filter?: unknown; startIndex?: unknown; count?: unknown; sortBy?: unknown; sortOrder?: unknown; attributes?: string[]; excludedAttributes?: string[] }): ListQuery {
  if (raw.filter !== undefined && typeof raw.filter !== 'string') throw scimError(400, 'filter must be a string', 'invalidFilter');
  if (raw.sortBy !== undefined && (typeof raw.sortBy !== 'string' || raw.sortBy.length > 200)) throw scimError(400, 'sortBy must be an attribute path', 'invalidValue');
  const order = raw.sortOrder ?? 'ascending';
  if (order !== 'ascending' && order !== 'descending') throw scimError(400, 'sortOrder must be ascending or descending', 'invalidValue');
  return {
    ...(raw.filter ? { filter: parseFilter(raw.filter), filterText: raw.filter } : {}),
    // RFC 7644 §3.4.2.4: below 1 counts as 1; a negative count as 0; more than the maximum as the maximum.
    startIndex: Math.max(1, integer(raw.startIndex, 'startIndex', 1)),
    count: Math.min(maxResults, Math.max(0, integer(raw.count, 'count', 100))),
    ...(raw.sortBy ? { sortBy: raw.sortBy } : {}),
    sortOrder: order,
    ...(raw.attributes?.length ? { attributes: raw.attributes } : {}),
    ...(raw.excludedAttributes?.length ? { excludedAttributes: raw.excludedAttributes } : {}),
  };
}

/** The query string of GET /Users or /Groups. */
export function listQueryFromUrl(query: URLSearchParams): ListQuery {
  for (const name of new Set(query.keys())) if (query.getAll(name).length > 1) throw scimError(400, `${name} was sent more than once`, 'invalidSyntax');
  return build({
    filter: query.get('filter') ?? undefined,
    startIndex: query.get('startIndex') ?? undefined,
    count: query.get('count') ?? undefined,
    sortBy: query.get('sortBy') ?? undefined,
    sortOrder: query.get('sortOrder') ?? undefined,
    ...(query.has('attributes') ? { attributes: parseAttributeList(query.get('attributes')) ?? [] } : {}),
    ...(query.has('excludedAttributes') ? { excludedAttributes: parseAttributeList(query.get('excludedAttributes')) ?? [] } : {}),
  });
}

const stringList = (value: unknown, name: string): string[] | undefined => {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw scimError(400, `${name} must be an array of strings`, 'invalidValue');
  return value as string[];
};

/** The body of POST /.search (RFC 7644 §3.4.3). */
export function listQueryFromSearch(body: Record<string, unknown>): ListQuery {
  if (!Array.isArray(body.schemas) || !body.schemas.includes(searchRequestSchema)) throw scimError(400, `schemas must contain ${searchRequestSchema}`, 'invalidSyntax');
  const attributes = stringList(body.attributes, 'attributes');
  const excludedAttributes = stringList(body.excludedAttributes, 'excludedAttributes');
  return build({ filter: body.filter, startIndex: body.startIndex, count: body.count, sortBy: body.sortBy, sortOrder: body.sortOrder, ...(attributes ? { attributes } : {}), ...(excludedAttributes ? { excludedAttributes } : {}) });
}

/** Sorts (when asked), pages and projects matching resources into a ListResponse. */
export function listResponse(matching: Array<Record<string, unknown>>, query: ListQuery) {
  const sorted = query.sortBy
    ? [...matching].sort((a, b) => {
        const order = compareForSort(sortValue(a, query.sortBy!), sortValue(b, query.sortBy!));
        return query.sortOrder === 'descending' ? -order : order;
      })
    : matching;
  const page = sorted.slice(query.startIndex - 1, query.startIndex - 1 + query.count);
  return {
    schemas: [listResponseSchema],
    totalResults: matching.length,
    startIndex: query.startIndex,
    itemsPerPage: page.length,
    Resources: page.map((r) => projected(r, query)),
  };
}

export const projected = (resource: Record<string, unknown>, query: Pick<ListQuery, 'attributes' | 'excludedAttributes'>) =>
  query.attributes || query.excludedAttributes ? project(resource, { ...(query.attributes ? { attributes: query.attributes } : {}), ...(query.excludedAttributes ? { excludedAttributes: query.excludedAttributes } : {}) }) : resource;
