import type { AuditEvent } from '../audit/event.ts';
import type { Factor } from '../factors/factor.ts';

/** Users' second factors (Directory table, under the tenant), each change written with its events. */
export interface FactorStore {
  listFactors(tenant: string, userId: string): Promise<Factor[]>;
  /** Adds a factor; a user has at most one authenticator app and one set of recovery codes (`exists` otherwise). */
  addFactor(factor: Factor, events: readonly AuditEvent[]): Promise<'done' | 'exists'>;
  removeFactor(tenant: string, userId: string, factorId: string, events: readonly AuditEvent[]): Promise<boolean>;
  /** Accepts a TOTP code's time step once: false when that step (or a later one) was already used. */
  useTotpStep(tenant: string, userId: string, factorId: string, timeStep: number, now: string): Promise<boolean>;
  /** Records a passkey's use with its new signature counter: false when the counter did not move forward. */
  usePasskey(tenant: string, userId: string, factorId: string, counter: number, now: string): Promise<boolean>;
  /** Spends one recovery code, once: false when it is already spent. */
  useRecoveryCode(tenant: string, userId: string, factorId: string, lookupId: string, now: string): Promise<boolean>;
}
