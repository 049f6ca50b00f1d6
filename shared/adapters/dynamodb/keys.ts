/** Key shapes of the items a tenant owns; every key begins with the tenant (ARCHITECTURE §5). */
export const tenantPk = (tenant: string) => `TENANT#${tenant}`;
export const userSk = (userId: string) => `USER#${userId}`;
export const loginSk = (normalized: string) => `LOGIN#${normalized}`;
export const groupSk = (groupId: string) => `GROUP#${groupId}`;
/** Marker that holds a group name (normalized) for one group: names are unique per tenant. */
export const groupNameSk = (normalized: string) => `GROUPNAME#${normalized}`;
/** A membership; its own prefix, so that listing `GROUP#` items never returns memberships. */
export const memberSk = (groupId: string, userId: string) => `MEMBER#${groupId}#${userId}`;
export const clientSk = (clientId: string) => `CLIENT#${clientId}`;
export const sessionPk = (tenant: string, idHash: string) => `TENANT#${tenant}#SESSION#${idHash}`;
/** gsi1 partition of everything held for one user: sessions, refresh families, group memberships. */
export const userItemsPk = (tenant: string, userId: string) => `TENANT#${tenant}#USER#${userId}`;
export const confirmationPk = (hash: string) => `SIGNUP#${hash}`;

/** DynamoDB TTL wants epoch seconds. */
export const ttlSeconds = (epochMs: number) => Math.ceil(epochMs / 1000);

/** Another transaction was writing the same item at the same moment: try again. */
export function isTransactionConflict(error: unknown): boolean {
  const e = error as { name?: string; CancellationReasons?: Array<{ Code?: string }> };
  return e.name === 'TransactionConflictException' || (e.name === 'TransactionCanceledException' && (e.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict'));
}

export function isConditionFailure(error: unknown): boolean {
  const e = error as { name?: string; CancellationReasons?: Array<{ Code?: string }> };
  return e.name === 'ConditionalCheckFailedException' || (e.name === 'TransactionCanceledException' && (e.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed'));
}

/**
 * The code each item of a cancelled transaction failed with, in the order of its items
 * (`None` for those that did not fail); undefined when the error is not a cancellation.
 */
export function cancellationCodes(error: unknown): string[] | undefined {
  const e = error as { name?: string; CancellationReasons?: Array<{ Code?: string }> };
  if (e.name !== 'TransactionCanceledException') return undefined;
  return (e.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
}

/** Whether the items at `indexes` of a cancelled transaction include one whose condition failed. */
export const conditionFailedAt = (codes: readonly string[] | undefined, indexes: Iterable<number>): boolean =>
  codes !== undefined && [...indexes].some((i) => codes[i] === 'ConditionalCheckFailed');

/** Runs a transaction again when it collided with another on the same items (never on a failed condition). */
export async function retryOnConflict<T>(send: () => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (!isTransactionConflict(error) || attempt >= attempts) throw error;
      await new Promise((r) => setTimeout(r, 10 * attempt + Math.random() * 20));
    }
  }
}

/** Runs a conditional write: true when it was written, false when its condition failed. */
export async function conditionalWrite(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
