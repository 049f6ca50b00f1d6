import { randomBytes } from 'node:crypto';
import type { EndedSession } from '../domain/auth/end-session.ts';
import type { LogoutInitiator, SamlExchanges } from '../domain/ports/saml-exchanges.ts';
import { openLogoutExchange } from '../domain/saml/logout-exchange.ts';
import type { Tenant } from '../domain/tenants/tenant.ts';

/** Where the browser goes to sign out of a tenant's SAML service providers (the saml function's logout page). */
export const samlLogoutPath = (tenant: Tenant, exchangeId: string) => `/t/${tenant.slug}/saml2/slo/propagate?logout=${exchangeId}`;

/**
 * SAML participants of an ended session hear of it only through the browser: this opens the
 * front-channel exchange and answers the path to send the browser to, or undefined when no SAML
 * participant (other than the one that asked) is left to visit — unless `always`: then the
 * exchange's page answers the initiator once something else (an upstream logout) is done.
 */
export async function startSamlLogout(deps: { samlExchanges: SamlExchanges }, tenant: Tenant, ended: EndedSession, initiator: LogoutInitiator, now = Date.now(), options: { always?: boolean } = {}): Promise<string | undefined> {
  const exchange = openLogoutExchange({ tenant: tenant.id, id: randomBytes(24).toString('base64url'), initiator, participants: ended.samlParticipants, backchannelFailures: ended.failed, now });
  if (exchange.legs.length === 0 && !options.always) return undefined;
  await deps.samlExchanges.saveLogout(exchange);
  return samlLogoutPath(tenant, exchange.id);
}
