/** A relying party that joined an SSO session (ARCHITECTURE §5, SessionIndex table). */
export interface SessionParticipant {
  readonly tenant: string;
  readonly sid: string;
  readonly clientId: string;
  readonly userId: string;
  readonly backchannelLogoutUri?: string;
  readonly expiresAt: number;
}

export interface SessionParticipants {
  join(participant: SessionParticipant): Promise<void>;
  list(tenant: string, sid: string): Promise<SessionParticipant[]>;
  forget(tenant: string, sid: string): Promise<void>;
}
