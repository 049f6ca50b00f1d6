import type { SamlLoginRequest } from '../../../shared/domain/ports/saml-exchanges.ts';
import type { ServiceProvider } from '../../../shared/domain/saml/service-provider.ts';
import type { Tenant } from '../../../shared/domain/tenants/tenant.ts';
import { badRequest, HttpError } from '../../../shared/http/errors.ts';
import type { HttpRequest } from '../../../shared/http/request.ts';
import type { SamlDeps } from '../deps.ts';
import type { ResponseTarget } from './login-response.ts';

/** Where the answer to a login request goes: the ACS it was registered for, the request it answers, its RelayState. */
export const targetOf = (sp: ServiceProvider, request: Pick<SamlLoginRequest, 'acsUrl' | 'requestId' | 'relayState'>): ResponseTarget => ({
  sp,
  acsUrl: request.acsUrl,
  ...(request.requestId ? { inResponseTo: request.requestId } : {}),
  ...(request.relayState !== undefined ? { relayState: request.relayState } : {}),
});

/** A login request still open (back from the login pages, or at the consent page), with its service provider; anything else stops with a clear page. */
export async function pendingLogin(req: HttpRequest<SamlDeps>, tenant: Tenant, id: string | null | undefined, now: number) {
  if (!id || !/^[A-Za-z0-9_-]{16,64}$/.test(id)) throw badRequest('This sign-in request is malformed.');
  const exchange = await req.deps.samlExchanges.findLogin(tenant.id, id, now);
  if (!exchange) throw new HttpError(400, 'expired_request', 'This sign-in request has expired. Go back to the application and start again.');
  const sp = await req.deps.serviceProviders.get(tenant.id, exchange.request.spId);
  if (!sp) throw badRequest('The service provider is no longer registered.');
  return { id, request: exchange.request, createdAt: exchange.createdAt, sp };
}
