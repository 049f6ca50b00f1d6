import type { LogoutExchange, LogoutInitiator, LogoutLeg } from '../ports/saml-exchanges.ts';
import type { SessionParticipant } from '../ports/session-participants.ts';

/** How long the participants of a front-channel logout have to answer before the exchange is abandoned. */
export const logoutExchangeLifetimeMs = 5 * 60_000;

/** The participants an exchange visits: every SAML participant of the ended session but the SP that asked. */
export function openLogoutExchange(input: {
  tenant: string;
  id: string;
  initiator: LogoutInitiator;
  participants: readonly SessionParticipant[];
  backchannelFailures: number;
  now: number;
}): LogoutExchange {
  const asking = input.initiator.kind === 'sp' ? input.initiator.spId : undefined;
  const legs: LogoutLeg[] = input.participants
    .filter((p) => p.saml && p.saml.spId !== asking)
    .map((p) => ({ spId: p.saml!.spId, nameId: p.saml!.nameId, nameIdFormat: p.saml!.nameIdFormat, sessionIndex: p.saml!.sessionIndex }));
  const userId = input.participants[0]?.userId;
  return { tenant: input.tenant, id: input.id, initiator: input.initiator, ...(userId ? { userId } : {}), legs, backchannelFailures: input.backchannelFailures, expiresAt: input.now + logoutExchangeLifetimeMs };
}

export type LegResult = 'success' | 'failure' | 'no_answer';

/** How a logout went: each participant's result (one that never answered counts as failed) and whether it was partial. */
export function logoutOutcome(exchange: LogoutExchange): { partial: boolean; legs: { spId: string; result: LegResult }[] } {
  const legs = exchange.legs.map((leg) => ({ spId: leg.spId, result: leg.outcome ?? ('no_answer' as const) }));
  return { partial: exchange.backchannelFailures > 0 || legs.some((leg) => leg.result !== 'success'), legs };
}
