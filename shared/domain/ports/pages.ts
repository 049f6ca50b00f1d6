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
