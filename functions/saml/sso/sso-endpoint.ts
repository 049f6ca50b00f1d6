import { randomBytes } from 'node:crypto';
import { forSession } from '../../../shared/domain/flows/sign-in-context.ts';
import type { SamlLoginRequest } from '../../../shared/domain/ports/saml-exchanges.ts';
import type { SsoSession } from '../../../shared/domain/ports/session-store.ts';
import type { User } from '../../../shared/domain/users/user.ts';
import { readAuthnRequest } from '../../../shared/domain/saml/inbound-message.ts';
import { statusCodes, supportedNameIdFormats, nameIdFormats } from '../../../shared/domain/saml/saml-names.ts';
import { acsFor, defaultAcs, type ServiceProvider } from '../../../shared/domain/saml/service-provider.ts';
import { issuerOf, settingsOf, type Tenant } from '../../../shared/domain/tenants/tenant.ts';
import { badRequest, HttpError } from '../../../shared/http/errors.ts';
import { throttle } from '../../../shared/http/rate-limit.ts';
import { tenantOf, type HttpRequest, type HttpResponse } from '../../../shared/http/request.ts';
import { seeOther } from '../../../shared/http/responses.ts';
import { currentSession } from '../../../shared/http/sso-cookie.ts';
import type { SamlDeps } from '../deps.ts';
import { receiveMessage, type Binding } from '../inbound/receive-message.ts';
import { idpEndpoints } from '../saml-entities.ts';
import { refusingBadMessages } from '../saml-errors.ts';
import { statusResponse } from './login-response.ts';
import { answerWithConsent } from './sso-consent.ts';
import { pendingLogin, targetOf } from './pending-login.ts';

type Request = HttpRequest<SamlDeps>;

const transactionLifetimeMs = 10 * 60_000;


/**
 * Whether the session is enough for the SP (fresh when ForceAuthn asked for it, and no step the
 * SP's flow still needs): its user when it is, else whether to sign in or refuse.
 */
async function sessionSatisfies(req: Request, tenant: Tenant, sp: ServiceProvider, session: SsoSession | undefined, request: SamlLoginRequest, since: number, now: number): Promise<User | 'login' | 'denied'> {
  if (!session || (request.forceAuthn && session.authTime < since)) return 'login';
  const user = await req.deps.users.getUser(tenant.id, session.userId);
  if (!user || user.status !== 'active') return 'login';
  // Requested authentication context classes reach the flow's rules as OIDC acr_values do (e.g. step up to MFA).
  const acrValues = request.requestedAuthnContext?.classRefs ?? [];
  const verdict = await forSession(req.deps, tenant.id, user, session, { application: sp.id, clientIp: req.state.clientIp, newDevice: false, acrValues, now });
  if (verdict.denied) return 'denied';
  return verdict.left.length > 0 ? 'login' : user;
}

/** Answers now with an assertion when the session will do; otherwise opens a sign-in and sends the browser to the login pages. */
async function answerOrSignIn(req: Request, tenant: Tenant, sp: ServiceProvider, request: SamlLoginRequest, isPassive: boolean): Promise<HttpResponse> {
  const now = Date.now();
  const session = await currentSession(req, tenant, req.deps.sessions, settingsOf(tenant), now);
  const target = targetOf(sp, request);
  // ForceAuthn: only a sign-in after this request counts.
  const verdict = await sessionSatisfies(req, tenant, sp, session, request, now, now);
  if (verdict === 'denied') return statusResponse(req, tenant, target, statusCodes.responder, statusCodes.requestDenied, 'The sign-in policy does not allow this user here');
  const open = (id: string) =>
    req.deps.samlExchanges.openLogin(tenant.id, id, request, {
      returnTo: `/t/${tenant.slug}/saml2/sso/resume?tx=${id}`,
      expiresAt: now + transactionLifetimeMs,
      // ForceAuthn asks for a fresh sign-in; otherwise a live session only adds the steps it lacks (step-up).
      forceLogin: request.forceAuthn,
      clientOrigin: new URL(request.acsUrl).origin,
      now,
    });
  if (typeof verdict === 'object') return answerWithConsent(req, tenant, target, session!, verdict, request, { isPassive, open });
  if (isPassive) return statusResponse(req, tenant, target, statusCodes.responder, statusCodes.noPassive, 'The user must sign in, and the request was passive');
  const id = randomBytes(24).toString('base64url');
  await open(id);
  return seeOther(`/t/${tenant.slug}/login?tx=${id}`);
}

/** The NameID format the answer uses: the SP's own, or a supported one its request names. */
function formatFor(sp: ServiceProvider, asked: string | undefined): string | undefined {
  if (asked === undefined || asked === nameIdFormats.unspecified) return sp.nameIdFormat;
  return supportedNameIdFormats.includes(asked) ? asked : undefined;
}

/**
 * GET|POST /t/{tenant}/saml2/sso: an AuthnRequest by the Redirect or POST binding. Until the
 * SP and an ACS registered for it are known, problems are an error page; after that, they are
 * signed status responses to that ACS.
 */
export async function ssoEndpoint(req: Request): Promise<HttpResponse> {
  const tenant = tenantOf(req);
  const binding: Binding = req.method === 'POST' ? 'post' : 'redirect';
  await throttle(req, `saml-sso#${tenant.id}#ip#${req.state.clientIp}`, { hits: 60, windowSeconds: 60 }, { tenant: tenant.id, endpoint: 'saml-sso', subject: `ip:${req.state.clientIp}` });
  const issuer = issuerOf(req.deps.publicUrl, tenant);
  const received = await refusingBadMessages(() =>
    receiveMessage(req, tenant, { binding, parameter: 'SAMLRequest', kinds: ['AuthnRequest'], destination: idpEndpoints(issuer).sso, signatureRequired: (sp) => sp.requireSignedAuthnRequests }),
  );
  const { sp, message } = received;
  const fields = await refusingBadMessages(async () => readAuthnRequest(message));
  const acs = acsFor(sp, { ...(fields.acsUrl !== undefined ? { url: fields.acsUrl } : {}), ...(fields.acsIndex !== undefined ? { index: fields.acsIndex } : {}), ...(fields.protocolBinding !== undefined ? { binding: fields.protocolBinding } : {}) });
  if (!acs) throw badRequest('The AuthnRequest names an assertion consumer service (or binding) that is not registered for this service provider.');
  const format = formatFor(sp, fields.nameIdFormat);
  const request: SamlLoginRequest = {
    spId: sp.id, requestId: message.id, acsUrl: acs.url, forceAuthn: fields.forceAuthn, nameIdFormat: format ?? sp.nameIdFormat,
    ...(received.relayState !== undefined ? { relayState: received.relayState } : {}),
    ...(fields.requestedAuthnContext ? { requestedAuthnContext: fields.requestedAuthnContext } : {}),
  };
  if (!format) return statusResponse(req, tenant, targetOf(sp, request), statusCodes.requester, statusCodes.invalidNameIdPolicy, 'The requested NameID format is not supported');
  return answerOrSignIn(req, tenant, sp, request, fields.isPassive);
}

/** GET /t/{tenant}/saml2/sso/resume?tx=…: back from the login pages with a session for the pending request. */
export async function resumeSso(req: Request): Promise<HttpResponse> {
  const tenant = tenantOf(req);
  const now = Date.now();
  const pending = await pendingLogin(req, tenant, req.query.get('tx'), now);
  const { id, sp } = pending;
  const session = await currentSession(req, tenant, req.deps.sessions, settingsOf(tenant), now);
  const verdict = await sessionSatisfies(req, tenant, sp, session, pending.request, pending.createdAt, now);
  if (verdict === 'login') return seeOther(`/t/${tenant.slug}/login?tx=${id}`);
  const target = targetOf(sp, pending.request);
  if (verdict === 'denied') {
    await req.deps.samlExchanges.closeLogin(tenant.id, id);
    return statusResponse(req, tenant, target, statusCodes.responder, statusCodes.requestDenied, 'The sign-in policy does not allow this user here');
  }
  return answerWithConsent(req, tenant, target, session!, verdict, pending.request, { id, isPassive: false, open: async () => undefined });
}

/**
 * GET /t/{tenant}/saml2/sso/initiate?sp={entityID}&RelayState=…: IdP-initiated SSO to a
 * registered SP (unsolicited response to its default ACS), after a sign-in when needed.
 */
export async function idpInitiatedSso(req: Request): Promise<HttpResponse> {
  const tenant = tenantOf(req);
  for (const name of new Set(req.query.keys())) if (req.query.getAll(name).length > 1) throw badRequest(`The parameter ${name} was sent more than once.`);
  const entityId = req.query.get('sp') ?? '';
  const sp = entityId && entityId.length <= 1024 ? await req.deps.serviceProviders.findByEntityId(tenant.id, entityId) : undefined;
  if (!sp || !sp.allowIdpInitiated) throw new HttpError(404, 'unknown_service_provider', 'No such service provider accepts sign-ins started here.');
  const relayState = req.query.get('RelayState') ?? undefined;
  if (relayState !== undefined && relayState.length > 1024) throw badRequest('RelayState is too long.');
  const request: SamlLoginRequest = { spId: sp.id, acsUrl: defaultAcs(sp).url, forceAuthn: false, nameIdFormat: sp.nameIdFormat, ...(relayState !== undefined ? { relayState } : {}) };
  return answerOrSignIn(req, tenant, sp, request, false);
}
