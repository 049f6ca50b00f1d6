/** A relying party that joined an SSO session (ARCHITECTURE §5, SessionIndex table). */
export interface SessionParticipant {
  readonly tenant: string;
  readonly sid: string;
  readonly clientId: string;
  readonly userId: string;
  readonly backchannelLogoutUri?: string;
  /** The hash of the SSO session's id, so a logout request that comes without the cookie still finds it. */
  readonly sessionIdHash?: string;
  /** For a SAML service provider: what its assertion said, which its LogoutRequest must repeat. */
  readonly saml?: { readonly spId: string; readonly nameId: string; readonly nameIdFormat: string; readonly sessionIndex: string };
  readonly expiresAt: number;
}

export interface SessionParticipants {
  join(participant: SessionParticipant): Promise<void>;
  list(tenant: string, sid: string): Promise<SessionParticipant[]>;
  forget(tenant: string, sid: string): Promise<void>;
}
