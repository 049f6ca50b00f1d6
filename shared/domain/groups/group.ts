/** A group of users in one tenant; its permissions (e.g. `admin`) are what membership grants. */
export interface Group {
  readonly id: string;
  readonly tenant: string;
  /** Unique within the tenant, compared case-insensitively. */
  readonly name: string;
  readonly description?: string;
  readonly permissions: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Incremented by every change: the optimistic-locking version. */
  readonly version: number;
}

/** The name of the group every tenant starts with; its members administer the tenant. */
export const administratorsGroupName = 'administrators';

/** The permission that makes a group's members administrators of the tenant. */
export const administratorPermission = 'admin';
