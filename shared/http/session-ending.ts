import { endSsoSession, endSsoSessionWithoutBrowser, endUserSessions, postLogoutToken, type EndSessionDeps } from '../domain/auth/end-session.ts';
import type { SsoSession } from '../domain/ports/session-store.ts';
import { issuerOf, type Tenant } from '../domain/tenants/tenant.ts';
import type { HttpRequest } from './request.ts';
import { samlBackChannel, type SamlBackChannelDeps } from './saml-back-channel.ts';

type Deps = Omit<EndSessionDeps, 'deliver' | 'samlBackChannel'> & SamlBackChannelDeps & { readonly publicUrl: string };

/** Why and by which request a session ends, for its audit events and logout tokens. */
const contextOf = (req: HttpRequest<Deps>, tenant: Tenant, reason: string) => ({
  issuer: issuerOf(req.deps.publicUrl, tenant), reason, clientIp: req.state.clientIp, userAgent: req.state.userAgent, correlationId: req.state.correlationId, now: Date.now(),
});

/** Ends one SSO session from a request; the applications in it hear by back-channel logout. */
export const endSessionFrom = (req: HttpRequest<Deps>, tenant: Tenant, session: SsoSession, reason: string) =>
  endSsoSession({ ...req.deps, deliver: postLogoutToken }, session, contextOf(req, tenant, reason));

/** What ending a session without the user's browser needs: back-channel delivery to OIDC clients and (SOAP) to SAML SPs. */
const backChannels = (req: HttpRequest<Deps>, tenant: Tenant) => ({ ...req.deps, deliver: postLogoutToken, samlBackChannel: samlBackChannel(req.deps, tenant.id, issuerOf(req.deps.publicUrl, tenant)) });

/** Ends one SSO session for an administrator: no browser of the user's is there, so SAML SPs hear by SOAP where they can. */
export const endSessionWithoutBrowserFrom = (req: HttpRequest<Deps>, tenant: Tenant, session: SsoSession, reason: string) =>
  endSsoSessionWithoutBrowser(backChannels(req, tenant), session, contextOf(req, tenant, reason));

/** Ends every live session of a user from a request (lock, disable, delete, password reset). */
export const endUserSessionsFrom = (req: HttpRequest<Deps>, tenant: Tenant, userId: string, reason: string) =>
  endUserSessions(backChannels(req, tenant), tenant.id, userId, contextOf(req, tenant, reason));
