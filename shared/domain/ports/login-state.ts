import type { UpstreamSession } from './session-store.ts';
/**
 * A sign-in in progress after its first step: who, which steps are left and which methods
 * passed. Held server-side under a random id the browser keeps in a cookie, for ten minutes.
 */
export interface LoginState {
  readonly id: string;
  readonly tenant: string;
  readonly userId: string;
  /** The protocol transaction to return to, if a protocol started the sign-in. */
  readonly transaction?: string;
  /** Options of each step still to pass, in order. */
  readonly stepsLeft: ReadonlyArray<readonly string[]>;
  /** RFC 8176 methods passed so far. */
  readonly amr: readonly string[];
  /** The SSO session a step-up will replace (its id hash), when the user was already signed in. */
  readonly replacing?: string;
  /** An account-portal page to return to when no protocol is waiting (a sign-in again before a sensitive change). */
  readonly returnTo?: string;
  /** The user must choose a new password before the sign-in goes on (an administrator's forced reset). */
  readonly mustChangePassword?: boolean;
  /** The upstream session the sign-in began with (federation), for the SSO session it will make. */
  readonly upstream?: UpstreamSession;
  /** Users may enrol a factor the step needs (the flow's enrolment setting). */
  readonly mayEnrol: boolean;
  /** Wrong codes so far: the state is dropped when they reach the limit. */
  readonly failures: number;
  /** A one-time code mailed for this sign-in: its hash, and when it expires. */
  readonly emailCode?: { readonly hash: string; readonly expiresAt: number; readonly sentAt: number };
  /** A TOTP secret offered for enrolment, sealed, until the user confirms it with a code. */
  readonly pendingTotp?: { readonly factorId: string; readonly sealedSecret: string };
  readonly expiresAt: number;
}

export interface LoginStates {
  create(state: LoginState): Promise<void>;
  find(tenant: string, id: string, now: number): Promise<LoginState | undefined>;
  /** Replaces the state if it still has the failure count it was read with (no lost updates between tabs). */
  update(state: LoginState, expectedFailures: number): Promise<boolean>;
  remove(tenant: string, id: string): Promise<void>;
}
