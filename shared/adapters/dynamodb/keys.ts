/** Key shapes of the items a tenant owns; every key begins with the tenant (ARCHITECTURE §5). */
export const tenantPk = (tenant: string) => `TENANT#${tenant}`;
export const userSk = (userId: string) => `USER#${userId}`;
export const loginSk = (normalized: string) => `LOGIN#${normalized}`;
export const groupSk = (groupId: string) => `GROUP#${groupId}`;
export const memberSk = (groupId: string, userId: string) => `GROUP#${groupId}#MEMBER#${userId}`;
export const clientSk = (clientId: string) => `CLIENT#${clientId}`;
export const sessionPk = (tenant: string, idHash: string) => `TENANT#${tenant}#SESSION#${idHash}`;
export const userSessionsPk = (tenant: string, userId: string) => `TENANT#${tenant}#USER#${userId}`;
export const confirmationPk = (hash: string) => `SIGNUP#${hash}`;

/** DynamoDB TTL wants epoch seconds. */
export const ttlSeconds = (epochMs: number) => Math.ceil(epochMs / 1000);

export function isConditionFailure(error: unknown): boolean {
  const e = error as { name?: string; CancellationReasons?: Array<{ Code?: string }> };
  return e.name === 'ConditionalCheckFailedException' || (e.name === 'TransactionCanceledException' && (e.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed'));
}
