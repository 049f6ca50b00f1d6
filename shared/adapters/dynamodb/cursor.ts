import { InvalidCursor } from '../../domain/ports/pages.ts';

/** An opaque page cursor: DynamoDB's LastEvaluatedKey, base64url JSON. */
export const encodeCursor = (lastKey: Record<string, unknown> | undefined): string | undefined =>
  lastKey ? Buffer.from(JSON.stringify(lastKey)).toString('base64url') : undefined;

/**
 * The key to start after. A cursor that does not decode to string-valued key attributes, or
 * whose partition is not `expectedPk`, is refused: a cursor never reaches another tenant's items.
 */
export function decodeCursor(cursor: string | undefined, expectedPk: string): Record<string, string> | undefined {
  if (cursor === undefined) return undefined;
  let key: unknown;
  try {
    if (!/^[A-Za-z0-9_-]{1,2048}$/.test(cursor)) throw new Error('shape');
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursor('The cursor is malformed');
  }
  if (typeof key !== 'object' || key === null || Array.isArray(key) || Object.values(key).some((v) => typeof v !== 'string')) throw new InvalidCursor('The cursor is malformed');
  if ((key as Record<string, string>).pk !== expectedPk) throw new InvalidCursor('The cursor belongs to another listing');
  return key as Record<string, string>;
}
