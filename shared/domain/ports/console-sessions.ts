/**
 * A tenant administrator's session in the console (issue: console): begun by an OpenID Connect
 * sign-in of the console client at the tenant's own login, kept server-side under the hash of a
 * cookie's random id, with a short idle timeout and an absolute one.
 */
export interface ConsoleSession {
  readonly idHash: string;
  readonly tenant: string;
  readonly userId: string;
  /** The SSO session's `sid` the console's ID token named (the login behind this console session). */
  readonly sid?: string;
  readonly createdAt: number;
  readonly idleExpiresAt: number;
  readonly absoluteExpiresAt: number;
}

export interface ConsoleSessions {
  create(session: ConsoleSession): Promise<void>;
  find(tenant: string, idHash: string, now: number): Promise<ConsoleSession | undefined>;
  /** Moves the idle expiry forward (at most once a minute). */
  touch(session: ConsoleSession, idleExpiresAt: number): Promise<void>;
  end(tenant: string, idHash: string): Promise<void>;
}
