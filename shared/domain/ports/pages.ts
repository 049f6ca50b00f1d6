/** One page of a listing, with the opaque cursor of the next page when there is one. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly cursor?: string;
}

export interface PageRequest {
  /** 1–200. */
  readonly limit: number;
  /** A cursor a previous page returned; a malformed or foreign one raises InvalidCursor. */
  readonly cursor?: string;
}

export class InvalidCursor extends Error {
  override name = 'InvalidCursor';
}

/** Every item of a listing, following its cursors (for sets a request must see whole, such as a group's members). */
export async function allPages<T>(fetchPage: (page: PageRequest) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage({ limit: 200, ...(cursor ? { cursor } : {}) });
    items.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return items;
}
